using System.Buffers.Binary;
using SevaKiosk.Protocol.Ssp;

namespace SevaKiosk.Simulator.Devices.Validators.Ssp;

/// <summary>
/// eSSP on the slave side: Diffie-Hellman key exchange, the key in force, the packet counter, and going out of service
/// when a packet fails to decrypt or carries the wrong count.
/// </summary>
public sealed partial class SspValidatorFirmware
{
    private ulong _fixedKey;
    private ulong? _generator;
    private ulong? _modulus;
    private SspCipher? _cipher;
    private SspCipher? _pendingCipher;
    private uint _count;
    private bool _outOfService;
    private string? _outOfServiceReason;
    private string? _aesKeyHex;

    /// <summary>
    /// Commands a host may send in the clear when encryption is required: the ones it needs to get a key at all
    /// (fact sheet §3.9). SET FIXED ENCRYPTION KEY is only ever accepted encrypted.
    /// </summary>
    private bool MustBeEncrypted(SspCommand command) =>
        command == SspCommand.SetFixedEncryptionKey
        || (_options.EncryptionRequired && command is not (SspCommand.Sync or SspCommand.Reset or SspCommand.HostProtocolVersion
            or SspCommand.SetGenerator or SspCommand.SetModulus or SspCommand.RequestKeyExchange));

    private void ResetEncryption()
    {
        _cipher?.Dispose();
        _pendingCipher?.Dispose();
        _cipher = null;
        _pendingCipher = null;
        _generator = null;
        _modulus = null;
        _count = 0;
        _aesKeyHex = null;
        _outOfServiceReason = null;
    }

    private byte[] SetKeyParameter(ReadOnlySpan<byte> args, bool isGenerator)
    {
        var value = BinaryPrimitives.ReadUInt64LittleEndian(args);
        if (!SspKeyExchange.IsPrime(value))
        {
            return Generic(SspGenericResponse.ParameterOutOfRange);
        }

        if (isGenerator)
        {
            _generator = value;
        }
        else
        {
            _modulus = value;
        }

        return Ok();
    }

    private byte[] ExchangeKeys(ulong hostInterKey)
    {
        if (_generator is not { } generator || _modulus is not { } modulus)
        {
            return Generic(SspGenericResponse.CommandCannotBeProcessed);
        }

        var secret = SspKeyExchange.RandomSecret();
        var slaveInterKey = SspKeyExchange.InterKey(generator, secret, modulus);
        var negotiated = SspKeyExchange.SharedKey(hostInterKey, secret, modulus);

        // The reply still travels under the old key (or in the clear); the new key takes over once it is sent.
        _pendingCipher?.Dispose();
        _pendingCipher = new SspCipher(_fixedKey, negotiated);
        Span<byte> key = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(key[..8], _fixedKey);
        BinaryPrimitives.WriteUInt64LittleEndian(key[8..], negotiated);
        _aesKeyHex = Convert.ToHexString(key);

        // A simulator has no secrets worth keeping: the AES key is printed so that traces can be decrypted.
        var json = Event("key-negotiated");
        json["generator"] = generator;
        json["modulus"] = modulus;
        json["aesKey"] = _aesKeyHex;
        Emit(json);
        return SspResponses.EncodeU64(slaveInterKey);
    }

    private byte[] SetFixedKey(ulong fixedKey)
    {
        // Takes effect at the next key exchange; the session in progress keeps its key.
        _fixedKey = fixedKey;
        Emit(Event("fixed-key-changed"));
        return Ok();
    }

    private byte[] ResetFixedKey()
    {
        _fixedKey = SspCipher.DefaultFixedKey;
        return RequestReboot("fixed-key-reset");
    }

    /// <summary>
    /// A packet that fails to decrypt or carries the wrong count means a broken or hostile host: the unit stops taking
    /// notes (returning any it holds) and answers COMMAND CANNOT BE PROCESSED to everything but SYNC and RESET until
    /// it is reset. (GA138 only says "out of service until reset"; the exact replies are this simulator's reading.)
    /// </summary>
    private void GoOutOfService(string reason, DateTimeOffset now)
    {
        _outOfService = true;
        _outOfServiceReason = reason;
        _enabled = false;
        ReturnHeldNote(SspRejectReason.DisabledByHost, now);
        var json = Event("out-of-service");
        json["reason"] = reason;
        Emit(json);
    }
}
