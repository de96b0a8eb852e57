using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SevaKiosk.Tools.Provision;

/// <summary>How the machine proves who it is to the broker.</summary>
internal enum MachineAuth
{
    /// <summary>Username = machine id, a random password in a 0600 secrets file.</summary>
    Password,

    /// <summary>A P-256 client key (0600) and a certificate signing request for the fleet CA.</summary>
    Certificate,
}

/// <summary>A per-machine broker password: 32 random bytes, base64url (43 characters, no padding, safe in JSON and shells).</summary>
internal sealed record MachinePassword(string Username, string Password)
{
    public static MachinePassword Create(string machineId) =>
        new(machineId, Base64Url(RandomNumberGenerator.GetBytes(32)));

    /// <summary>Never the password: this record may end up in a log line or a debugger.</summary>
    public override string ToString() => $"password for {Username} (redacted)";

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>
/// A fresh P-256 client key and a PKCS#10 request the fleet CA signs: subject <c>CN=machine id, L=panchayat, OU=block,
/// O=district</c> (brokers that take the certificate identity as the username, like Mosquitto's
/// <c>use_identity_as_username</c>, then see the machine id), key usage digitalSignature, extended key usage clientAuth.
/// </summary>
internal sealed class MachineClientKey : IDisposable
{
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2", "TLS Web Client Authentication");

    private readonly ECDsa _key;

    private MachineClientKey(ECDsa key, string requestPem, X500DistinguishedName subject)
    {
        _key = key;
        RequestPem = requestPem;
        Subject = subject;
        PublicKeySha256 = KeyFingerprint.OfPublicKey(key);
    }

    public string RequestPem { get; }

    public X500DistinguishedName Subject { get; }

    public string PublicKeySha256 { get; }

    /// <summary>PKCS#8 PEM (what <c>X509Certificate2.CreateFromPemFile</c> reads on the machine).</summary>
    public string PrivateKeyPem() => _key.ExportPkcs8PrivateKeyPem();

    public static MachineClientKey Create(string machineId, string panchayat, string block, string district)
    {
        // The builder encodes the last added first: this gives the usual O, OU, L, CN order on the wire.
        var names = new X500DistinguishedNameBuilder();
        names.AddCommonName(machineId);
        names.AddLocalityName(panchayat);
        names.AddOrganizationalUnitName(block);
        names.AddOrganizationName(district);
        var subject = names.Build();

        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        try
        {
            var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ClientAuth], critical: false));
            return new MachineClientKey(key, request.CreateSigningRequestPem(), subject);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    public void Dispose() => _key.Dispose();
}
