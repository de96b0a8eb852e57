namespace SevaKiosk.Hal.CashAcceptors;

/// <summary>
/// Something the acceptor did. Events are delivered to <see cref="ICashAcceptorObserver"/> and awaited before the
/// driver talks to the device again, so an observer that journals them makes them durable before the next step.
/// <see cref="TransactionId"/> is null outside a cash-in transaction (for example power-up reconciliation at start).
/// </summary>
public abstract record CashAcceptorEvent(DateTimeOffset At, Guid? TransactionId)
{
    /// <summary>Upper snake case kind, for logs, JSON and telemetry.</summary>
    public abstract string Kind { get; }
}

/// <summary>A note is in escrow; the transaction's handler is deciding.</summary>
public sealed record NoteEscrowed(DateTimeOffset At, Guid? TransactionId, Note Note) : CashAcceptorEvent(At, TransactionId)
{
    public override string Kind => "NOTE_ESCROWED";
}

/// <summary>
/// The device's safe credit point (SSP NOTE CREDIT, ID-003 VEND VALID after our ACK, ccTalk event with B = 0). Raised
/// exactly once per note. <see cref="Sequence"/> increases by one per credit over the driver's lifetime.
/// </summary>
public sealed record NoteCredited(DateTimeOffset At, Guid? TransactionId, Note Note, long Sequence, string DeviceSerial)
    : CashAcceptorEvent(At, TransactionId)
{
    public override string Kind => "NOTE_CREDITED";
}

/// <summary>The note left the path into the cash box (informational; the credit came with <see cref="NoteCredited"/>).</summary>
public sealed record NoteStacked(DateTimeOffset At, Guid? TransactionId, Note? Note) : CashAcceptorEvent(At, TransactionId)
{
    public override string Kind => "NOTE_STACKED";
}

/// <summary>The device refused the note (not genuine, inhibited, mis-fed ...). Nothing was credited.</summary>
public sealed record NoteRejected(DateTimeOffset At, Guid? TransactionId, string Reason, int ReasonCode, bool FraudSuspected)
    : CashAcceptorEvent(At, TransactionId)
{
    public override string Kind => "NOTE_REJECTED";
}

/// <summary>Why a note that was in escrow went back to the citizen.</summary>
public enum ReturnCause
{
    /// <summary>The handler decided to return it.</summary>
    Decision,

    /// <summary>It would exceed the transaction's amount or note limits, or its denomination is not accepted.</summary>
    Limit,

    /// <summary>The transaction was rolled back or ended while the note was in escrow.</summary>
    Rollback,

    /// <summary>The decision did not come in time, or the device timed the escrow out.</summary>
    Timeout,

    /// <summary>The device returned it on its own (for example after a reset with the note at the front).</summary>
    Device,
}

/// <summary>A note that was in escrow has been given back. Nothing was credited.</summary>
public sealed record NoteReturned(DateTimeOffset At, Guid? TransactionId, Note Note, ReturnCause Cause)
    : CashAcceptorEvent(At, TransactionId)
{
    public override string Kind => "NOTE_RETURNED";
}

/// <summary>
/// After a reset or power cut the device cleared a note that was in its path. <see cref="IntoCashbox"/> true means the
/// note went into the cash box and must be settled against the journal (SSP NOTE CLEARED INTO CASHBOX, ID-003 POWER UP
/// WITH BILL IN STACKER); false means it went back out of the front and nothing is owed.
/// </summary>
public sealed record NoteClearedAtPowerUp(DateTimeOffset At, Guid? TransactionId, Note? Note, bool IntoCashbox, string DeviceSerial)
    : CashAcceptorEvent(At, TransactionId)
{
    public override string Kind => IntoCashbox ? "NOTE_CLEARED_INTO_CASHBOX" : "NOTE_CLEARED_FROM_FRONT";
}

/// <summary>The device reported tampering. Never credited; raised together with a fraud fault.</summary>
public sealed record FraudDetected(DateTimeOffset At, Guid? TransactionId, Note? Note, string Detail) : CashAcceptorEvent(At, TransactionId)
{
    public override string Kind => "FRAUD_ATTEMPT";
}

/// <summary>Cash box removed, replaced or full: the cash-box accounting opens and closes batches on these.</summary>
public sealed record CashboxChanged(DateTimeOffset At, Guid? TransactionId, CashboxState State) : CashAcceptorEvent(At, TransactionId)
{
    public override string Kind => "CASHBOX_" + State.ToString().ToUpperInvariant();
}

/// <summary>The device rebooted on its own (SSP SLAVE RESET, ID-003 POWER UP) and the driver re-initialised it.</summary>
public sealed record DeviceReset(DateTimeOffset At, Guid? TransactionId, string Detail) : CashAcceptorEvent(At, TransactionId)
{
    public override string Kind => "DEVICE_RESET";
}
