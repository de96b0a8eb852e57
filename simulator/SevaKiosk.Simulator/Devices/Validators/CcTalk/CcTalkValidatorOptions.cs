using SevaKiosk.Protocol.CcTalk;

namespace SevaKiosk.Simulator.Devices.Validators.CcTalk;

/// <summary>One programmed bill type: its number (1..16) and its value code in units of the country scaling factor.</summary>
public sealed record CcTalkBillDefinition(byte Type, int ValueCode, char Issue = 'A');

/// <summary>
/// Settings of the simulated ccTalk bill validator. Everything the ccTalk specification leaves to the product (or that
/// no public source confirms) is here, so a test can match a real unit once it has been measured.
/// </summary>
public sealed record CcTalkValidatorOptions
{
    /// <summary>Our bus address. 40 is common for bill validators; UNCONFIRMED as the specification's default.</summary>
    public byte Address { get; init; } = CcTalkConstants.DefaultBillValidatorAddress;

    /// <summary>Where replies go in CRC mode (a CRC frame carries no source address). Simple-mode replies go to the
    /// frame's source.</summary>
    public byte HostAddress { get; init; } = CcTalkConstants.HostAddress;

    public CcTalkChecksumMode ChecksumMode { get; init; } = CcTalkChecksumMode.Simple8;

    /// <summary>Put the host's own bytes back on the line, as the single shared ccTalk wire does.</summary>
    public bool Echo { get; init; } = true;

    /// <summary>Two-letter country code of the bill ids and of REQUEST COUNTRY SCALING FACTOR.</summary>
    public string Country { get; init; } = "IN";

    /// <summary>Value = value code × factor / 10^decimals. Rupees as whole units by default.</summary>
    public CcTalkScalingFactor ScalingFactor { get; init; } = new(1, 0);

    public IReadOnlyList<CcTalkBillDefinition> Bills { get; init; } = IndianRupeeBills(include2000: false);

    /// <summary>How long a bill waits in escrow for ROUTE BILL before the device returns it itself. ccTalk does not
    /// publish this; 10 s is what SSP and ID-003 units use (UNCONFIRMED for ccTalk).</summary>
    public TimeSpan EscrowTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Time to move a bill from escrow into the cash box, or back to the customer. The credit event appears
    /// only when stacking has finished.</summary>
    public TimeSpan TransportTime { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A gap this long inside a frame discards the partial frame, as ccTalk devices do (UNCONFIRMED value).</summary>
    public TimeSpan InterByteTimeout { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Depth of the buffered-events ring (5 per dk.CctalkLib and 4G; UNCONFIRMED).</summary>
    public int EventBufferDepth { get; init; } = CcTalkBufferedEvents.StandardDepth;

    public CcTalkInhibitPolarity InhibitPolarity { get; init; } = CcTalkInhibitPolarity.OneEnables;

    /// <summary>Operating mode after power-up and RESET DEVICE (the host is expected to set its own).</summary>
    public CcTalkBillOperatingMode PowerUpOperatingMode { get; init; } = CcTalkBillOperatingMode.UseStacker;

    /// <summary>Bills the cash box holds before the validator reports it full.</summary>
    public int CashboxCapacity { get; init; } = 600;

    public string ManufacturerId { get; init; } = "SevaKiosk";

    public string EquipmentCategory { get; init; } = CcTalkReply.BillValidatorCategory;

    public string ProductCode { get; init; } = "SIM-BV";

    public string BuildCode { get; init; } = "SIM1";

    public string SoftwareRevision { get; init; } = "SIM-1.0.0";

    /// <summary>Three-byte serial number (sent least significant byte first).</summary>
    public uint SerialNumber { get; init; } = 0x12D687;

    /// <summary>Seed for line noise, so a failing noise test can be replayed.</summary>
    public int NoiseSeed { get; init; } = 12345;

    /// <summary>₹10, ₹20, ₹50, ₹100, ₹200, ₹500 as bill types 1..6, and optionally ₹2000 as type 7.</summary>
    public static IReadOnlyList<CcTalkBillDefinition> IndianRupeeBills(bool include2000)
    {
        int[] values = include2000 ? [10, 20, 50, 100, 200, 500, 2000] : [10, 20, 50, 100, 200, 500];
        return [.. values.Select((value, i) => new CcTalkBillDefinition((byte)(i + 1), value))];
    }
}
