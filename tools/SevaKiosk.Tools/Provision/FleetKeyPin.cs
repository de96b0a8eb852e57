using System.Security.Cryptography;
using SevaKiosk.Protocol.Mqtt;

namespace SevaKiosk.Tools.Provision;

/// <summary>
/// The fleet's command-verification public key as the machine will pin it: normalised SubjectPublicKeyInfo PEM and its
/// SHA-256 fingerprint. Only a public key is accepted: a private key given by mistake must never reach a machine.
/// </summary>
internal sealed record FleetKeyPin(string Pem, string Sha256)
{
    /// <exception cref="ProvisionException">The file is missing, holds a private key, or is not an ECDSA P-256 public key.</exception>
    public static FleetKeyPin Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ProvisionException($"--fleet-key {path}: {ex.Message}", ex);
        }

        if (!PemEncoding.TryFind(text, out var fields))
        {
            throw new ProvisionException($"--fleet-key {path}: no PEM block (expected the SPKI public key from `kioskctl keys new`, -----BEGIN PUBLIC KEY-----)");
        }

        var label = text[fields.Label];
        if (!string.Equals(label, "PUBLIC KEY", StringComparison.Ordinal))
        {
            throw new ProvisionException(label.Contains("PRIVATE", StringComparison.Ordinal)
                ? $"--fleet-key {path} is a PRIVATE key; give the public half (fleet-command.pub.pem). The private key stays with the fleet."
                : $"--fleet-key {path} holds '{label}', not a SubjectPublicKeyInfo PUBLIC KEY");
        }

        try
        {
            using var key = FleetSignature.ImportPublicKey(text[fields.Location]);
            return new FleetKeyPin(key.ExportSubjectPublicKeyInfoPem(), KeyFingerprint.OfPublicKey(key));
        }
        catch (ArgumentException ex)
        {
            throw new ProvisionException($"--fleet-key {path}: {ex.Message}", ex);
        }
    }
}
