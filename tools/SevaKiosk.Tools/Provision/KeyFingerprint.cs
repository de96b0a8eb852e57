using System.Security.Cryptography;

namespace SevaKiosk.Tools.Provision;

/// <summary>SHA-256 fingerprints as lowercase hex, the form the machine card and the configuration's <c>Provision</c> section use.</summary>
internal static class KeyFingerprint
{
    /// <summary>Of a public key's DER SubjectPublicKeyInfo (so the same key gives the same fingerprint whatever the PEM layout).</summary>
    public static string OfPublicKey(AsymmetricAlgorithm key) => Sha256(key.ExportSubjectPublicKeyInfo());

    public static string Sha256(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));
}
