namespace SevaKiosk.Protocol.Ssp;

/// <summary>Reasons returned by LAST REJECT CODE (0x17), GA138 table.</summary>
public enum SspRejectReason : byte
{
    Accepted = 0x00,
    LengthFail = 0x01,
    AverageFail = 0x02,
    CoastlineFail = 0x03,
    GraphFail = 0x04,
    BuriedFail = 0x05,
    ChannelInhibit = 0x06,
    SecondNoteInserted = 0x07,
    RejectByHost = 0x08,
    CrossChannel = 0x09,
    RearSensorError = 0x0A,
    NoteTooLong = 0x0B,
    DisabledByHost = 0x0C,
    SlowMech = 0x0D,
    StrimAttempt = 0x0E,
    FraudChannel = 0x0F,
    NoNotesDetected = 0x10,
    PeakDetectFail = 0x11,
    TwistedNote = 0x12,
    EscrowTimeout = 0x13,
    BarcodeScanFail = 0x14,
    NoCamActivate = 0x15,
    SlotFail1 = 0x16,
    SlotFail2 = 0x17,
    LensOversample = 0x18,
    WidthDetectionFail = 0x19,
    ShortNote = 0x1A,
    PayoutNote = 0x1B,
    DoubleNote = 0x1C,
    UnableToStack = 0x1D,
    CreditCardDetected = 0x1F,
}

public static class SspRejectReasons
{
    /// <summary>Stable upper snake case name, used in JSON output and telemetry.</summary>
    public static string Name(byte code) => Enum.IsDefined((SspRejectReason)code)
        ? ToSnake(((SspRejectReason)code).ToString())
        : $"UNKNOWN_REJECT_0x{code:X2}";

    /// <summary>True when the reason suggests a tampering attempt rather than a worn or foreign note.</summary>
    public static bool IsFraudSuspect(byte code) => code is 0x0E or 0x0F or 0x1F;

    private static string ToSnake(string pascal)
    {
        var sb = new System.Text.StringBuilder(pascal.Length + 8);
        for (var i = 0; i < pascal.Length; i++)
        {
            var c = pascal[i];
            if (i > 0 && (char.IsUpper(c) || (char.IsDigit(c) && !char.IsDigit(pascal[i - 1]))))
            {
                sb.Append('_');
            }

            sb.Append(char.ToUpperInvariant(c));
        }

        return sb.ToString();
    }
}
