using SevaKiosk.Protocol.CcTalk;

namespace SevaKiosk.Simulator.Devices.Validators.CcTalk;

/// <summary>Why an inserted bill is refused, and the status code (A = 0, B = code) the validator reports for it.</summary>
public enum CcTalkRejectReason
{
    /// <summary>Fails validation: B = 2 INVALID_BILL_VALIDATION_FAIL.</summary>
    Counterfeit,

    /// <summary>Could not be transported for validation: B = 3 INVALID_BILL_TRANSPORT_PROBLEM.</summary>
    Transport,

    /// <summary>Pulled back by the customer during validation: B = 8 BILL_PULLED_BACKWARDS.</summary>
    Fraud,

    /// <summary>B = 9 BILL_TAMPER.</summary>
    Tamper,

    /// <summary>B = 17 OPTO_FRAUD_DETECTED.</summary>
    Opto,

    /// <summary>Bill on a string: B = 18 STRING_FRAUD_DETECTED.</summary>
    String,
}

/// <summary>A jam the validator reports, or <see cref="None"/> to clear it.</summary>
public enum CcTalkJam
{
    None,

    /// <summary>B = 16: jammed in the transport, safe mode (the bill can still be reached from the front).</summary>
    Safe,

    /// <summary>B = 6: jammed in the transport, unsafe mode.</summary>
    Unsafe,

    /// <summary>B = 7: jammed in the stacker.</summary>
    Stacker,
}

/// <summary>What happens to the cash box (stacker).</summary>
public enum CcTalkCashboxAction
{
    /// <summary>B = 11 STACKER_REMOVED: bills are refused and STACK fails until it is back.</summary>
    Removed,

    /// <summary>B = 12 STACKER_INSERTED: an emptied cash box is back.</summary>
    Replaced,

    /// <summary>B = 14 STACKER_FULL.</summary>
    Full,
}

internal static class CcTalkControlCodes
{
    public static CcTalkBillEventCode StatusOf(CcTalkRejectReason reason) => reason switch
    {
        CcTalkRejectReason.Counterfeit => CcTalkBillEventCode.InvalidBillValidationFail,
        CcTalkRejectReason.Transport => CcTalkBillEventCode.InvalidBillTransportProblem,
        CcTalkRejectReason.Fraud => CcTalkBillEventCode.BillPulledBackwards,
        CcTalkRejectReason.Tamper => CcTalkBillEventCode.BillTamper,
        CcTalkRejectReason.Opto => CcTalkBillEventCode.OptoFraudDetected,
        CcTalkRejectReason.String => CcTalkBillEventCode.StringFraudDetected,
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

    public static CcTalkBillEventCode StatusOf(CcTalkJam jam) => jam switch
    {
        CcTalkJam.Safe => CcTalkBillEventCode.BillJammedInTransportSafe,
        CcTalkJam.Unsafe => CcTalkBillEventCode.BillJammedInTransportUnsafe,
        CcTalkJam.Stacker => CcTalkBillEventCode.BillJammedInStacker,
        _ => throw new ArgumentOutOfRangeException(nameof(jam), jam, null),
    };

    public static CcTalkBillEventCode StatusOf(CcTalkCashboxAction action) => action switch
    {
        CcTalkCashboxAction.Removed => CcTalkBillEventCode.StackerRemoved,
        CcTalkCashboxAction.Replaced => CcTalkBillEventCode.StackerInserted,
        CcTalkCashboxAction.Full => CcTalkBillEventCode.StackerFull,
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
    };
}
