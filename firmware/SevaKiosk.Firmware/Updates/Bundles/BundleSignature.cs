using System.Security.Cryptography;

namespace SevaKiosk.Firmware.Updates.Bundles;

/// <summary>
/// The vendor's detached signature over the exact bytes of <c>manifest.json</c>: ECDSA P-256 with SHA-256, stored in
/// <c>manifest.sig</c> as the DER (RFC 3279) signature, so <c>openssl dgst -sha256 -verify vendor-signing.pub.pem
/// -signature manifest.sig manifest.json</c> checks it too. Keys are PEM: the private key PKCS#8, the public key
/// SubjectPublicKeyInfo.
/// </summary>
public static class BundleSignature
{
    private const DSASignatureFormat Format = DSASignatureFormat.Rfc3279DerSequence;

    public static byte[] Sign(ReadOnlySpan<byte> manifest, ECDsa vendorKey) => vendorKey.SignData(manifest, HashAlgorithmName.SHA256, Format);

    public static bool Verify(ReadOnlySpan<byte> manifest, ReadOnlySpan<byte> signature, ECDsa vendorPublicKey)
    {
        try
        {
            return vendorPublicKey.VerifyData(manifest, signature, HashAlgorithmName.SHA256, Format);
        }
        catch (CryptographicException)
        {
            // Not even a DER sequence: as bad as a wrong signature.
            return false;
        }
    }

    /// <summary>Loads a P-256 key from PEM text (private or public); <see cref="ArgumentException"/> names what is wrong.</summary>
    public static ECDsa ImportPem(string pem, string what)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            key.Dispose();
            throw new ArgumentException($"The {what} is not a readable EC key PEM: {ex.Message}", nameof(pem), ex);
        }

        if (key.KeySize != 256)
        {
            key.Dispose();
            throw new ArgumentException($"The {what} must be ECDSA P-256; this one has {key.KeySize} bits.", nameof(pem));
        }

        return key;
    }

    /// <summary>Reads a key from a PEM file, or takes <paramref name="pemOrPath"/> as PEM text when it is one.</summary>
    public static ECDsa Load(string pemOrPath, string what)
    {
        var pem = pemOrPath.Contains("-----BEGIN", StringComparison.Ordinal) ? pemOrPath : ReadKeyFile(pemOrPath, what);
        return ImportPem(pem, what);
    }

    private static string ReadKeyFile(string path, string what)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"The {what} {path} cannot be read: {ex.Message}", nameof(path), ex);
        }
    }
}
