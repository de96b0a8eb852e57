using System.Security.Cryptography;

namespace SevaKiosk.Tools.Keys;

/// <summary>
/// The vendor's two ECDSA P-256 key pairs, as PEM files in one folder: the vendor signing key signs firmware bundles
/// (machines pin its public half at flash time), the fleet command key signs fleet commands (machines pin its public
/// half as <c>Agent:FleetPublicKey</c>). Private halves are PKCS#8 (<c>BEGIN PRIVATE KEY</c>, mode 0600), public halves
/// SubjectPublicKeyInfo (<c>BEGIN PUBLIC KEY</c>).
/// </summary>
internal static class SigningKeyFiles
{
    public const string VendorPrivate = "vendor-signing.key.pem";
    public const string VendorPublic = "vendor-signing.pub.pem";
    public const string FleetPrivate = "fleet-command.key.pem";
    public const string FleetPublic = "fleet-command.pub.pem";

    public static IReadOnlyList<string> All { get; } = [VendorPrivate, VendorPublic, FleetPrivate, FleetPublic];

    /// <summary>Writes both pairs; refuses (naming the files) when any exists and <paramref name="force"/> is false.</summary>
    public static IReadOnlyList<(string Path, string Fingerprint)> Create(string directory, bool force)
    {
        Directory.CreateDirectory(directory);
        var existing = All.Select(f => Path.Combine(directory, f)).Where(File.Exists).ToArray();
        if (existing.Length > 0 && !force)
        {
            throw new IOException($"refusing to overwrite existing keys ({string.Join(", ", existing.Select(Path.GetFileName))}); pass --force to replace them (machines pinned to the old keys will refuse what the new ones sign)");
        }

        var written = new List<(string, string)>();
        foreach (var (privateName, publicName) in new[] { (VendorPrivate, VendorPublic), (FleetPrivate, FleetPublic) })
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var privatePath = Path.Combine(directory, privateName);
            WritePrivate(privatePath, key.ExportPkcs8PrivateKeyPem());
            var publicPath = Path.Combine(directory, publicName);
            File.WriteAllText(publicPath, key.ExportSubjectPublicKeyInfoPem() + "\n");
            written.Add((privatePath, string.Empty));
            written.Add((publicPath, Fingerprint(key)));
        }

        return written;
    }

    /// <summary>SHA-256 of the DER SubjectPublicKeyInfo, hex: what a technician compares with a machine's pinned key.</summary>
    public static string Fingerprint(ECDsa key) => Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));

    private static void WritePrivate(string path, string pem)
    {
        // Created 0600 from the first byte, never readable by others even for a moment.
        File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(pem);
        writer.Write('\n');
    }
}
