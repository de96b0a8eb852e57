namespace SevaKiosk.Protocol.Id003;

/// <summary>Reject codes, the data byte of REJECTING (0x17) (fact sheet §2.4).</summary>
public enum Id003RejectCode : byte
{
    /// <summary>Insertion error: skewed or crooked note.</summary>
    InsertionError = 0x71,
    MagneticPatternError = 0x72,

    /// <summary>Residual bill: another sensor tripped at the wrong time ("intrusion sensor" in some drivers).</summary>
    ResidualBill = 0x73,

    /// <summary>Data amplitude or calibration error.</summary>
    DataAmplitudeError = 0x74,

    /// <summary>Feed or conveying error.</summary>
    FeedError = 0x75,
    DenominationAssessingError = 0x76,
    PhotoPatternError1 = 0x77,

    /// <summary>Photo level error: dirty or double note.</summary>
    PhotoLevelError = 0x78,

    /// <summary>Denomination disabled by DIP switch or SET ENABLE/DISABLE, or the insertion direction is inhibited.
    /// Some units also end an escrow the host left undecided for about 10 s with this code.</summary>
    Inhibited = 0x79,
    Reserved = 0x7A,

    /// <summary>A command arrived at the wrong time.</summary>
    OperationError = 0x7B,
    BillInTransportAtWrongTime = 0x7C,
    LengthError = 0x7D,

    /// <summary>Colour / photo pattern error (2).</summary>
    PhotoPatternError2 = 0x7E,

    /// <summary>True-bill feature error (added in protocol revision 04).</summary>
    TrueBillFeatureError = 0x7F,

    // Bar-code tickets.
    BarcodeFunctionNotSet = 0x91,
    BarcodeUnknown = 0x92,
    BarcodeCharacterLengthError = 0x93,
    BarcodeStartBitError = 0x94,
    BarcodeStopBitError = 0x95,
    BarcodeNotSet = 0x96,
    BarcodeTicketLengthError = 0x9D,
}

/// <summary>Names and classification of reject codes.</summary>
public static class Id003RejectCodes
{
    /// <summary>Stable upper snake case name, used in JSON output, traces and telemetry.</summary>
    public static string Name(byte code) => code switch
    {
        0x71 => "INSERTION_ERROR",
        0x72 => "MAGNETIC_PATTERN_ERROR",
        0x73 => "RESIDUAL_BILL",
        0x74 => "DATA_AMPLITUDE_ERROR",
        0x75 => "FEED_ERROR",
        0x76 => "DENOMINATION_ASSESSING_ERROR",
        0x77 => "PHOTO_PATTERN_ERROR_1",
        0x78 => "PHOTO_LEVEL_ERROR",
        0x79 => "INHIBITED",
        0x7A => "RESERVED",
        0x7B => "OPERATION_ERROR",
        0x7C => "BILL_IN_TRANSPORT_AT_WRONG_TIME",
        0x7D => "LENGTH_ERROR",
        0x7E => "PHOTO_PATTERN_ERROR_2",
        0x7F => "TRUE_BILL_FEATURE_ERROR",
        0x91 => "BARCODE_FUNCTION_NOT_SET",
        0x92 => "BARCODE_UNKNOWN",
        0x93 => "BARCODE_CHARACTER_LENGTH_ERROR",
        0x94 => "BARCODE_START_BIT_ERROR",
        0x95 => "BARCODE_STOP_BIT_ERROR",
        0x96 => "BARCODE_NOT_SET",
        0x9D => "BARCODE_TICKET_LENGTH_ERROR",
        _ => $"UNKNOWN_REJECT_0x{code:X2}",
    };

    /// <summary>
    /// True when the code points at a forged or manipulated note rather than a worn, dirty or disabled one:
    /// the magnetic, photo-pattern and true-bill feature checks.
    /// </summary>
    public static bool IsFraudSuspect(byte code) => code is 0x72 or 0x77 or 0x7E or 0x7F;
}
