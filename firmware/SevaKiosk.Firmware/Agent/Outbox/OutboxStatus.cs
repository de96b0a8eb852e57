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

/// <summary>A transaction reached the broker (PUBACK), not yet the backend.</summary>
public sealed class TransactionPublishedEventArgs(string txId, long journalSeq) : EventArgs
{
    public string TxId { get; } = txId;

    public long JournalSeq { get; } = journalSeq;
}

/// <summary>The backend acknowledged a transaction and its outbox entry is gone.</summary>
public sealed class TransactionAcknowledgedEventArgs(string txId, int revision, bool firstApply) : EventArgs
{
    public string TxId { get; } = txId;

    public int Revision { get; } = revision;

    /// <summary>False when the backend had already applied it (the machine re-sent it).</summary>
    public bool FirstApply { get; } = firstApply;
}
