using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SevaKiosk.Mqtt.Testing;

/// <summary>
/// A throw-away CA and a broker certificate it signed (for 127.0.0.1 and localhost), written as PEM files, made with
/// <see cref="CertificateRequest"/>: no openssl needed. Valid from yesterday to tomorrow.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private readonly DirectoryInfo _directory;
    private readonly X509Certificate2 _ca;

    private TestCertificates(DirectoryInfo directory, X509Certificate2 ca)
    {
        _directory = directory;
        _ca = ca;
    }

    public string CaCertificatePath => Path.Combine(_directory.FullName, "ca.pem");

    public string ServerCertificatePath => Path.Combine(_directory.FullName, "server.pem");

    public string ServerKeyPath => Path.Combine(_directory.FullName, "server.key");

    public static TestCertificates Create(string name = "SevaKiosk Test CA")
    {
        var directory = Directory.CreateTempSubdirectory("sevakiosk-tls-");
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN={name}", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = serverRequest.Create(ca, now.AddDays(-1), now.AddDays(1), RandomNumberGenerator.GetBytes(12));

        var certificates = new TestCertificates(directory, ca);
        File.WriteAllText(certificates.CaCertificatePath, ca.ExportCertificatePem());
        File.WriteAllText(certificates.ServerCertificatePath, server.ExportCertificatePem());
        File.WriteAllText(certificates.ServerKeyPath, serverKey.ExportPkcs8PrivateKeyPem());
        return certificates;
    }

    /// <summary>A client certificate for <paramref name="commonName"/> (the machine id) signed by this CA; returns (cert, key) PEM paths.</summary>
    public (string Certificate, string Key) IssueClient(string commonName)
    {
        var now = DateTimeOffset.UtcNow;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        // Within the CA's validity (which ends a day after the CA was made).
        using var certificate = request.Create(_ca, now.AddHours(-1), now.AddHours(12), RandomNumberGenerator.GetBytes(12));
        var certificatePath = Path.Combine(_directory.FullName, commonName + ".pem");
        var keyPath = Path.Combine(_directory.FullName, commonName + ".key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath);
    }

    /// <summary>Signs a PKCS#10 request (PEM) as a fleet CA would: subject and requested extensions kept; returns the certificate PEM.</summary>
    public string SignRequest(string requestPem)
    {
        var now = DateTimeOffset.UtcNow;
        var request = CertificateRequest.LoadSigningRequestPem(requestPem, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
        using var certificate = request.Create(_ca, now.AddHours(-1), now.AddHours(12), RandomNumberGenerator.GetBytes(12));
        return certificate.ExportCertificatePem();
    }

    public void Dispose()
    {
        _ca.Dispose();
        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
