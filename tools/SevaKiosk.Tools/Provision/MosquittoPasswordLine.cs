using System.Security.Cryptography;
using System.Text;

namespace SevaKiosk.Tools.Provision;

/// <summary>
/// A Mosquitto 2.x <c>password_file</c> line for one user: <c>user:$7$iterations$salt$hash</c>, PBKDF2-HMAC-SHA512 over
/// a 12-byte salt with a 64-byte result, both base64 (the format <c>mosquitto_passwd</c> writes). The fleet operator
/// appends it to the broker's password file and never sees the password itself.
/// </summary>
internal static class MosquittoPasswordLine
{
    /// <summary>
    /// Mosquitto's own default. The password is 256 random bits, so stretching adds no strength; a low count keeps the
    /// broker's cost per CONNECT small when a whole district reconnects after a power cut.
    /// </summary>
    public const int Iterations = 101;

    private const int SaltBytes = 12;
    private const int HashBytes = 64;

    public static string Create(string user, string password)
    {
        Span<byte> salt = stackalloc byte[SaltBytes];
        RandomNumberGenerator.Fill(salt);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA512, HashBytes);
        return $"{user}:$7${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }
}
