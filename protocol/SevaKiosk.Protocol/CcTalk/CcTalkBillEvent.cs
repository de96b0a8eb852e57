namespace SevaKiosk.Protocol.CcTalk;

/// <summary>What one [A B] pair of a buffered-bill-events reply means.</summary>
public enum CcTalkBillEventKind
{
    /// <summary>A ≠ 0, B = 0: bill type A was validated and sent to the cash box. The only safe point for credit.</summary>
    Credit,

    /// <summary>A ≠ 0, B = 1: bill type A was validated and is held in escrow, waiting for ROUTE BILL.</summary>
    Escrow,

    /// <summary>A = 0: B is a status or error code (<see cref="CcTalkBillEventCode"/>).</summary>
    Status,

    /// <summary>A ≠ 0 with B other than 0 or 1: not defined; treated as a fault, never as money.</summary>
    Undefined,
}

/// <summary>One buffered bill event, as the pair of bytes the device sends.</summary>
public readonly record struct CcTalkBillEvent(byte A, byte B)
{
    public CcTalkBillEventKind Kind => (A, B) switch
    {
        (0, _) => CcTalkBillEventKind.Status,
        (_, 0) => CcTalkBillEventKind.Credit,
        (_, 1) => CcTalkBillEventKind.Escrow,
        _ => CcTalkBillEventKind.Undefined,
    };

    /// <summary>Bill type for credit and escrow events; 0 for status events.</summary>
    public byte BillType => A;

    /// <summary>Status code for status events.</summary>
    public CcTalkBillEventCode StatusCode => (CcTalkBillEventCode)B;

    public CcTalkEventClass Class => Kind switch
    {
        CcTalkBillEventKind.Status => CcTalkBillEventCodes.ClassOf(B),
        CcTalkBillEventKind.Undefined => CcTalkEventClass.Unknown,
        _ => CcTalkEventClass.Status,
    };

    public static CcTalkBillEvent Credit(byte billType) => new(billType, 0);

    public static CcTalkBillEvent Escrow(byte billType) => new(billType, 1);

    public static CcTalkBillEvent Status(CcTalkBillEventCode code) => new(0, (byte)code);

    public string Name => Kind switch
    {
        CcTalkBillEventKind.Credit => "BILL_CREDIT",
        CcTalkBillEventKind.Escrow => "BILL_ESCROW",
        CcTalkBillEventKind.Status => CcTalkBillEventCodes.NameOf(B),
        _ => $"UNDEFINED_{A}_{B}",
    };

    public override string ToString() => Kind is CcTalkBillEventKind.Credit or CcTalkBillEventKind.Escrow ? $"{Name}({A})" : Name;
}
