using SevaKiosk.Hal.Devices;
using PaymentStatus = SevaKiosk.Protocol.Mqtt.PaymentStatus;

namespace SevaKiosk.Firmware.Journal;

/// <summary>Where a citizen's session is. Stored as text; every change is a journal row.</summary>
public enum SessionState
{
    Started,
    BillFetched,
    Ready,
    CashIn,
    Posting,
    Printing,
    Completed,
    Cancelled,
    Failed,
}

/// <summary>What happened to one physical note, as the journal knows it.</summary>
public enum NoteState
{
    /// <summary>In escrow; nobody has decided yet.</summary>
    Escrowed,

    /// <summary>We decided to take it and told the device to stack: the intent is durable, the credit not yet seen.</summary>
    Accepting,

    /// <summary>The device's safe point was reached (or it was cleared into the cash box at power-up): money counted.</summary>
    Credited,

    /// <summary>Given back from escrow (by decision, limit, timeout, rollback, or cleared to the front at power-up).</summary>
    Returned,

    /// <summary>Refused by the device; never credited.</summary>
    Rejected,

    /// <summary>We meant to take it but the device never said where it went; settled by the cash-box count.</summary>
    Unresolved,
}

/// <summary>How the biller limits the amount paid (BBPS "payment amount exactness").</summary>
public enum AmountRule
{
    Exact,
    AtLeast,
    AtMost,
    Any,
}

/// <summary>A bill as fetched from the backend for one consumer.</summary>
public sealed record BillDetails(
    string Service,
    string BillerId,
    string BillerName,
    string ConsumerNumber,
    string ConsumerName,
    string? BillNumber,
    DateOnly? DueDate,
    Money AmountDue,
    AmountRule Rule,
    Money Fee);

/// <summary>A note row from the journal.</summary>
public sealed record JournalNote(long Id, string? SessionId, NoteState State, int DeviceCode, Money? Value, long? BatchId, string? Detail);

/// <summary>A session row from the journal.</summary>
public sealed record JournalSession(
    string Id,
    SessionState State,
    DateTimeOffset OpenedAt,
    string? Language,
    BillDetails? Bill,
    string? TransactionId,
    string? Outcome);

/// <summary>How a transaction relates to the bill: everything paid, part of it, or a voucher for money not posted.</summary>
public enum TransactionKind
{
    Full,
    Partial,
    Voucher,
}


/// <summary>A transaction row: what the kiosk owes the citizen a receipt for and the backend a record of.</summary>
public sealed record JournalTransaction(
    string TxId,
    long JournalSeq,
    string SessionId,
    DateTimeOffset CreatedAt,
    TransactionKind Kind,
    BillDetails? Bill,
    Money Amount,
    Money Fee,
    Money Credited,
    Money Excess,
    PaymentStatus PaymentStatus,
    string? ApprovalRef,
    string ReceiptNo,
    IReadOnlyList<Money> Notes,
    DateTimeOffset? AcknowledgedAt,
    int Revision = 1,
    IReadOnlyList<JournalCredit>? Credits = null);

/// <summary>A credited note of a transaction, with when and by which device it was credited.</summary>
public sealed record JournalCredit(Money Value, DateTimeOffset CreditedAt, string? DeviceSerial);
