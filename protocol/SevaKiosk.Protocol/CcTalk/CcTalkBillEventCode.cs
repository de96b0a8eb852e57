namespace SevaKiosk.Protocol.CcTalk;

/// <summary>
/// Status and error codes of a buffered bill event with A = 0 (the code is in B). Values from 4G
/// CcTalkBillEventCode, dk.CctalkLib BillValidatorErrors and C4J's Event enum, which agree.
/// </summary>
public enum CcTalkBillEventCode : byte
{
    MasterInhibitActive = 0,
    BillReturnedFromEscrow = 1,
    InvalidBillValidationFail = 2,
    InvalidBillTransportProblem = 3,
    InhibitedBillOnSerial = 4,
    InhibitedBillOnDipSwitches = 5,
    BillJammedInTransportUnsafe = 6,
    BillJammedInStacker = 7,
    BillPulledBackwards = 8,
    BillTamper = 9,
    StackerOk = 10,
    StackerRemoved = 11,
    StackerInserted = 12,
    StackerFaulty = 13,
    StackerFull = 14,
    StackerJammed = 15,
    BillJammedInTransportSafe = 16,
    OptoFraudDetected = 17,
    StringFraudDetected = 18,
    AntiStringMechanismFaulty = 19,
    BarcodeDetected = 20,
    UnknownBillTypeStacked = 21,
}

/// <summary>How serious a status event is (dk.CctalkLib's classes).</summary>
public enum CcTalkEventClass
{
    /// <summary>Information or a state change; no bill was lost or taken.</summary>
    Status,

    /// <summary>A bill was refused and given back.</summary>
    Reject,

    /// <summary>Someone tried to cheat the validator; no credit, raise an alarm.</summary>
    Fraud,

    /// <summary>The validator cannot continue without help (jam, faulty stacker).</summary>
    Fatal,

    /// <summary>A code outside the table: never guessed at, the driver treats it as a fault.</summary>
    Unknown,
}

public static class CcTalkBillEventCodes
{
    public static bool IsKnown(byte code) => code <= (byte)CcTalkBillEventCode.UnknownBillTypeStacked;

    public static CcTalkEventClass ClassOf(byte code) => code switch
    {
        2 or 3 => CcTalkEventClass.Reject,
        6 or 7 or 13 or 15 or 16 or 19 => CcTalkEventClass.Fatal,
        8 or 9 or 17 or 18 => CcTalkEventClass.Fraud,
        <= 21 => CcTalkEventClass.Status,
        _ => CcTalkEventClass.Unknown,
    };

    public static string NameOf(byte code) => code switch
    {
        0 => "MASTER_INHIBIT_ACTIVE",
        1 => "BILL_RETURNED_FROM_ESCROW",
        2 => "INVALID_BILL_VALIDATION_FAIL",
        3 => "INVALID_BILL_TRANSPORT_PROBLEM",
        4 => "INHIBITED_BILL_ON_SERIAL",
        5 => "INHIBITED_BILL_ON_DIP_SWITCHES",
        6 => "BILL_JAMMED_IN_TRANSPORT_UNSAFE_MODE",
        7 => "BILL_JAMMED_IN_STACKER",
        8 => "BILL_PULLED_BACKWARDS",
        9 => "BILL_TAMPER",
        10 => "STACKER_OK",
        11 => "STACKER_REMOVED",
        12 => "STACKER_INSERTED",
        13 => "STACKER_FAULTY",
        14 => "STACKER_FULL",
        15 => "STACKER_JAMMED",
        16 => "BILL_JAMMED_IN_TRANSPORT_SAFE_MODE",
        17 => "OPTO_FRAUD_DETECTED",
        18 => "STRING_FRAUD_DETECTED",
        19 => "ANTI_STRING_MECHANISM_FAULTY",
        20 => "BARCODE_DETECTED",
        21 => "UNKNOWN_BILL_TYPE_STACKED",
        _ => $"UNKNOWN_STATUS_{code}",
    };
}
