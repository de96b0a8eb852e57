using System.Text.Json.Serialization;

namespace SevaKiosk.Protocol.Mqtt;

/// <summary>
/// <c>tx</c> (QoS 1, not retained): one citizen's payment as journaled on the machine. Delivered at least once and
/// applied exactly once: the backend upserts by <see cref="TxId"/> and keeps the highest <see cref="Revision"/>
/// (a pending payment that later resolves is re-sent with the same TxId and a higher revision), then answers on
/// <c>tx/ack</c>. <see cref="JournalSeq"/> is the machine's gap-free journal sequence, so the backend can see holes.
/// Money is decimal rupees (JSON numbers), never floating point.
/// </summary>
public sealed record TransactionRecord
{
    /// <summary>Immutable id created and committed on the machine before the citizen sees "paid".</summary>
    public required string TxId { get; init; }

    /// <summary>1 for the first record of a TxId; a later record for the same TxId replaces a lower one.</summary>
    public int Revision { get; init; } = 1;

    public required string MachineId { get; init; }

    public required long JournalSeq { get; init; }

    public required string SessionId { get; init; }

    /// <summary>electricity, water, telephone, postpaid-mobile, ...</summary>
    public required string Service { get; init; }

    public required string BillerId { get; init; }

    public string? BillerName { get; init; }

    public required string ConsumerNumber { get; init; }

    public string? ConsumerName { get; init; }

    /// <summary>Amount paid to the biller.</summary>
    public required decimal Amount { get; init; }

    /// <summary>Convenience fee kept by the operator (0 when none).</summary>
    public decimal Fee { get; init; }

    /// <summary>ISO 4217, "INR".</summary>
    public required string Currency { get; init; }

    /// <summary>Every note credited in this transaction, in credit order.</summary>
    public required IReadOnlyList<NoteCredit> Notes { get; init; }

    /// <summary>Cash credited beyond Amount + Fee that the machine recorded as a voucher (0 when none).</summary>
    public decimal Voucher { get; init; }

    public required PaymentStatus PaymentStatus { get; init; }

    public string? ReceiptNumber { get; init; }

    /// <summary>The biller's or backend's reference for the posted payment, when known.</summary>
    public string? PaymentReference { get; init; }

    public required MachineStamp CreatedAt { get; init; }
}

/// <summary>A note credited at the validator's safe point.</summary>
/// <param name="Denomination">Face value in <see cref="TransactionRecord.Currency"/>.</param>
/// <param name="CreditedAt">When the validator reported the credit.</param>
/// <param name="DeviceSerial">Serial number of the validator that took it.</param>
public sealed record NoteCredit(decimal Denomination, MachineStamp CreditedAt, string? DeviceSerial = null);

/// <summary>Outcome of posting the payment to the biller.</summary>
public enum PaymentStatus
{
    [JsonStringEnumMemberName("posted")]
    Posted,

    /// <summary>Outcome not known yet (post timed out or the biller said pending): resolved by a status query.</summary>
    [JsonStringEnumMemberName("pending")]
    Pending,

    [JsonStringEnumMemberName("failed")]
    Failed,

    /// <summary>Nothing was posted to the biller: the money is held as a voucher (the biller takes no part payment).</summary>
    [JsonStringEnumMemberName("not-posted")]
    NotPosted,
}

/// <summary>
/// <c>tx/ack</c> (QoS 1): the backend has durably applied (or had already applied) this transaction. The machine
/// deletes its outbox entry only on this, and only when <see cref="Revision"/> is at least the stored one.
/// </summary>
public sealed record TransactionAck
{
    public required string TxId { get; init; }

    public required int Revision { get; init; }

    public required long JournalSeq { get; init; }

    /// <summary>False when this TxId and revision had been applied before (a duplicate delivery).</summary>
    public required bool FirstApply { get; init; }

    /// <summary>The backend's UTC clock, so a machine without NTP can estimate its offset.</summary>
    public required DateTimeOffset BackendTime { get; init; }
}
