using SevaKiosk.Protocol.Ssp;

namespace SevaKiosk.Hal.CashAcceptors.Ssp;

/// <summary>SSP driver settings (configuration section <c>Validator</c> with <c>Protocol = ssp</c>).</summary>
public sealed record SspOptions : CashAcceptorOptions
{
    /// <summary>SSP slave address; banknote validators answer on 0.</summary>
    public byte Address { get; init; } = SspConstants.DefaultValidatorAddress;

    /// <summary>Negotiate eSSP keys and encrypt every command after the key exchange.</summary>
    public bool Encrypted { get; init; }

    /// <summary>The machine maker's fixed eSSP key (low 64 bits of the AES key). Keep it out of source control.</summary>
    public ulong FixedKey { get; init; } = SspCipher.DefaultFixedKey;

    /// <summary>Highest protocol version to offer; the driver steps down until the device accepts (8 → 7 → 6 ...).</summary>
    public byte MaxProtocolVersion { get; init; } = 8;

    public byte MinProtocolVersion { get; init; } = 4;
}
