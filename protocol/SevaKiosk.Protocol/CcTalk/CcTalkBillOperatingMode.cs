namespace SevaKiosk.Protocol.CcTalk;

/// <summary>
/// Mode control mask of headers 153 (modify) and 152 (request): bit 0 = use stacker, bit 1 = use escrow (dk.CctalkLib
/// and C4J's reply parser; C4J's own modify call swaps them, which we take for a bug there).
/// </summary>
[Flags]
public enum CcTalkBillOperatingMode : byte
{
    None = 0,
    UseStacker = 0x01,
    UseEscrow = 0x02,
}

/// <summary>MODIFY / REQUEST MASTER INHIBIT STATUS (228/227): one byte, bit 0 only. 0 = master inhibit active (nothing
/// is accepted), 1 = normal operation.</summary>
public static class CcTalkMasterInhibit
{
    public static byte Encode(bool acceptingEnabled) => acceptingEnabled ? (byte)1 : (byte)0;

    /// <summary>True when the device reports normal operation (bit 0 set); false when it is master-inhibited.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out bool acceptingEnabled)
    {
        acceptingEnabled = data.Length >= 1 && (data[0] & 1) != 0;
        return data.Length >= 1;
    }
}
