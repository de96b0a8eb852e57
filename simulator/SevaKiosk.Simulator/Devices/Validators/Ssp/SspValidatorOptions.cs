using SevaKiosk.Protocol.Ssp;

namespace SevaKiosk.Simulator.Devices.Validators.Ssp;

/// <summary>
/// How the simulated NV200-class validator is built: its identity, note set, encryption policy and mechanical timings.
/// Defaults describe an INR validator at SSP address 0 with ITL's factory fixed key and plain SSP allowed.
/// </summary>
public sealed record SspValidatorOptions
{
    /// <summary>SSP slave address (bits 6..0 of SEQ/ID); validators default to 0.</summary>
    public byte Address { get; init; } = SspConstants.DefaultValidatorAddress;

    /// <summary>Face value of each channel, channel 1 first. Add 2000 to simulate a dataset that still takes ₹2000.</summary>
    public IReadOnlyList<long> ChannelValues { get; init; } = [10, 20, 50, 100, 200, 500];

    /// <summary>ISO 4217 code of the dataset (SETUP REQUEST country and expanded channel currency).</summary>
    public string Currency { get; init; } = "INR";

    public uint SerialNumber { get; init; } = 12_345_678;

    /// <summary>GET FIRMWARE VERSION text.</summary>
    public string FirmwareVersion { get; init; } = "NV02004141498000";

    /// <summary>Four ASCII digits reported in SETUP REQUEST and UNIT DATA ("0414" = 4.14).</summary>
    public string UnitFirmware { get; init; } = "0414";

    /// <summary>GET DATASET VERSION text.</summary>
    public string DatasetVersion { get; init; } = "INR01001";

    public ushort BuildRevision { get; init; } = 0x0131;

    /// <summary>Protocol version in force after power-up until HOST PROTOCOL VERSION (UNCONFIRMED on real units).</summary>
    public byte DefaultProtocolVersion { get; init; } = 6;

    /// <summary>Highest version HOST PROTOCOL VERSION accepts; above it the device answers FAIL (0xF8).</summary>
    public byte MaxProtocolVersion { get; init; } = 8;

    /// <summary>
    /// eSSP enforced: until keys are negotiated every command except SYNC, RESET, HOST PROTOCOL VERSION and the key
    /// exchange is answered KEY NOT SET (0xFA), and afterwards those commands are only executed when encrypted.
    /// </summary>
    public bool EncryptionRequired { get; init; }

    /// <summary>Low 64 bits of the AES key, set by the machine maker; kept across power cycles.</summary>
    public ulong FixedKey { get; init; } = SspCipher.DefaultFixedKey;

    /// <summary>Time a note spends being read (polls report READ 0) before it reaches escrow or is rejected.</summary>
    public TimeSpan ReadingTime { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Time from the accepting POLL until the note passes the credit point (NOTE CREDIT).</summary>
    public TimeSpan CreditDelay { get; init; } = TimeSpan.FromMilliseconds(400);

    /// <summary>Time from the accepting POLL until the note is in the cash box (STACKED). Must exceed the credit delay.</summary>
    public TimeSpan StackingTime { get; init; } = TimeSpan.FromMilliseconds(800);

    /// <summary>Time a rejected or returned note takes to come back to the bezel (REJECTING, then REJECTED).</summary>
    public TimeSpan RejectingTime { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A note in escrow is returned (reject code 0x13) when no command arrives for this long (GA138: 10 s).</summary>
    public TimeSpan EscrowTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>After RESET or a power cycle the device answers nothing for this long while it boots.</summary>
    public TimeSpan BootTime { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Notes the cash box holds before STACKER FULL; 0 = never full by itself (only by control).</summary>
    public int CashboxCapacity { get; init; }

    /// <summary>Seed for line noise, so a failing noisy run can be replayed; null picks one.</summary>
    public int? Seed { get; init; }

    /// <summary>Checks the options and returns the channel table the device reports.</summary>
    /// <exception cref="ArgumentException">A value is out of what SSP can express.</exception>
    public IReadOnlyList<SspChannel> Validate()
    {
        if (Address > SspConstants.MaxSlaveId)
        {
            throw new ArgumentException($"SSP address {Address} is above the highest slave id 0x{SspConstants.MaxSlaveId:X2}.");
        }

        if (ChannelValues.Count is < 1 or > 24)
        {
            throw new ArgumentException($"A validator has 1..24 channels (SET INHIBITS carries at most 24 bits); got {ChannelValues.Count}.");
        }

        if (ChannelValues.Any(v => v is <= 0 or > uint.MaxValue))
        {
            throw new ArgumentException("Channel values must be positive whole currency units that fit a u32.");
        }

        if (Currency.Length != 3 || UnitFirmware.Length != 4)
        {
            throw new ArgumentException("The currency is a 3-letter code and the unit firmware 4 ASCII digits.");
        }

        if (DefaultProtocolVersion < 1 || DefaultProtocolVersion > MaxProtocolVersion || MaxProtocolVersion > 8)
        {
            throw new ArgumentException($"Protocol versions must satisfy 1 <= default ({DefaultProtocolVersion}) <= max ({MaxProtocolVersion}) <= 8.");
        }

        if (CreditDelay >= StackingTime || ReadingTime <= TimeSpan.Zero || RejectingTime <= TimeSpan.Zero || EscrowTimeout <= TimeSpan.Zero || BootTime < TimeSpan.Zero)
        {
            throw new ArgumentException("Timings must be positive and the credit point must come before the note is stacked.");
        }

        return ChannelValues.Select((value, i) => new SspChannel(i + 1, value, Currency, 2)).ToArray();
    }

    /// <summary>
    /// The one-byte channel values of SETUP REQUEST are multiplied by this: the largest common divisor of the values
    /// when every value then fits a byte (INR: 10), otherwise 0, which tells hosts to use the expanded values.
    /// </summary>
    public int ValueMultiplier()
    {
        var gcd = ChannelValues.Aggregate(0L, (a, b) => Gcd(a, b));
        return gcd > 0 && gcd <= 0xFFFFFF && ChannelValues.All(v => v / gcd <= 255) ? (int)gcd : 0;
    }

    private static long Gcd(long a, long b) => b == 0 ? a : Gcd(b, a % b);
}
