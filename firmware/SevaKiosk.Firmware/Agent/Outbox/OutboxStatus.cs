namespace SevaKiosk.Firmware.Agent.Outbox;

/// <summary>
/// How full the transaction outbox is. When <see cref="IsFull"/> the firmware must go out of service ("outbox full")
/// rather than take cash it might not be able to report; it clears once the backlog is a tenth below capacity.
/// </summary>
public sealed record OutboxStatus(long PendingTransactions, int Capacity, bool IsFull)
{
    public const string OutOfServiceReason = "outbox-full";
}

public sealed class OutboxStatusChangedEventArgs(OutboxStatus status) : EventArgs
{
    public OutboxStatus Status { get; } = status;
}

/// <summary>
/// A transaction's PUBACK arrived: the broker took it (<see cref="Accepted"/>), not yet the backend, or refused it with
/// <see cref="ReasonCode"/> (it stays in the outbox and goes out again after the ack timeout).
/// </summary>
public sealed class TransactionPublishedEventArgs(string txId, long journalSeq, bool accepted, string reasonCode) : EventArgs
{
    public string TxId { get; } = txId;

    public long JournalSeq { get; } = journalSeq;

    public bool Accepted { get; } = accepted;

    public string ReasonCode { get; } = reasonCode;
}

/// <summary>The backend acknowledged a transaction and its outbox entry is gone.</summary>
public sealed class TransactionAcknowledgedEventArgs(string txId, int revision, bool firstApply) : EventArgs
{
    public string TxId { get; } = txId;

    public int Revision { get; } = revision;

    /// <summary>False when the backend had already applied it (the machine re-sent it).</summary>
    public bool FirstApply { get; } = firstApply;
}
