using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SevaKiosk.Tools.Provision;

/// <summary>The CA the broker's certificate must chain to (the firmware pins it instead of the OS trust store).</summary>
internal sealed record BrokerCaPin(string Pem, string Subject, string Sha256, DateTimeOffset NotAfter)
{
    /// <exception cref="ProvisionException">The file is unreadable or holds no certificate.</exception>
    public static BrokerCaPin Load(string path)
    {
        try
        {
            var text = File.ReadAllText(path);
            var certificates = new X509Certificate2Collection();
            certificates.ImportFromPem(text);
            if (certificates.Count == 0)
            {
                throw new ProvisionException($"--ca-cert {path} holds no PEM certificate");
            }

            var first = certificates[0];
            var pin = new BrokerCaPin(text, first.Subject, first.GetCertHashString(HashAlgorithmName.SHA256).ToLowerInvariant(), first.NotAfter);
            foreach (var certificate in certificates)
            {
                certificate.Dispose();
            }

            return pin;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new ProvisionException($"--ca-cert {path}: {ex.Message}", ex);
        }
    }
}
