using System.Security.Cryptography;

namespace SevaKiosk.Protocol.Mqtt;

/// <summary>
/// ECDSA P-256 with SHA-256 over <see cref="CanonicalForm"/>; the signature is the 64-byte IEEE P1363 form (r‖s),
/// base64-encoded. The backend signs with the fleet private key; machines verify with the pinned public key
/// (SubjectPublicKeyInfo PEM).
/// </summary>
public static class FleetSignature
{
    private const DSASignatureFormat Format = DSASignatureFormat.IeeeP1363FixedFieldConcatenation;

    public static SignedCommand Sign(SignedCommand command, ECDsa fleetKey) =>
        command with { Signature = Convert.ToBase64String(fleetKey.SignData(CanonicalForm.Of(command), HashAlgorithmName.SHA256, Format)) };

    public static DesiredState Sign(DesiredState state, ECDsa fleetKey) =>
        state with { Signature = Convert.ToBase64String(fleetKey.SignData(CanonicalForm.Of(state), HashAlgorithmName.SHA256, Format)) };

    public static SignatureCheck Verify(SignedCommand command, ECDsa fleetPublicKey) =>
        Verify(command.Signature, CanonicalForm.Of(command), fleetPublicKey);

    public static SignatureCheck Verify(DesiredState state, ECDsa fleetPublicKey) =>
        Verify(state.Signature, CanonicalForm.Of(state), fleetPublicKey);

    /// <summary>Loads a pinned public key from PEM text; throws <see cref="ArgumentException"/> unless it is P-256.</summary>
    public static ECDsa ImportPublicKey(string pem)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            if (key.KeySize != 256)
            {
                throw new ArgumentException($"The fleet key must be ECDSA P-256; this one has {key.KeySize} bits.", nameof(pem));
            }

            return key;
        }
        catch (CryptographicException ex)
        {
            key.Dispose();
            throw new ArgumentException("The fleet key is not a readable EC public key PEM.", nameof(pem), ex);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    private static SignatureCheck Verify(string? signature, byte[] canonical, ECDsa key)
    {
        if (string.IsNullOrEmpty(signature))
        {
            return SignatureCheck.Missing;
        }

        var bytes = new byte[64];
        if (!Convert.TryFromBase64String(signature, bytes, out var written) || written != 64)
        {
            return SignatureCheck.Invalid;
        }

        return key.VerifyData(canonical, bytes, HashAlgorithmName.SHA256, Format) ? SignatureCheck.Valid : SignatureCheck.Invalid;
    }
}

public enum SignatureCheck
{
    Valid,
    Missing,
    Invalid,
}
