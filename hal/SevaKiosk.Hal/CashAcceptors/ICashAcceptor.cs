using SevaKiosk.Hal.Devices;

namespace SevaKiosk.Hal.CashAcceptors;

/// <summary>
/// A banknote validator with escrow, whatever protocol it speaks (SSP, ID-003, ccTalk). The firmware relies on every
/// implementation behaving the same way: one conformance suite runs the same scenarios against all of them.
/// </summary>
/// <remarks>
/// Life cycle: <see cref="StartAsync"/> opens the link and keeps the device polled in the background, reconnecting
/// with backoff when it goes silent; <see cref="BeginCashInAsync"/> opens a cash-in transaction; every note then goes
/// to escrow, the transaction's <see cref="ICashInHandler"/> decides, and the device's own safe point produces
/// <see cref="NoteCredited"/>. Only one transaction is open at a time.
/// </remarks>
public interface ICashAcceptor : IKioskDevice
{
    /// <summary>Null until the device has identified itself after start.</summary>
    CashAcceptorCapabilities? Capabilities { get; }

    CashAcceptorStatus Status { get; }

    /// <summary>Raised only when the status record changes.</summary>
    event EventHandler<StatusChangedEventArgs<CashAcceptorStatus>>? StatusChanged;

    /// <summary>
    /// Starts the background loop. Completes once the device is ready for a transaction, or when
    /// <paramref name="cancellationToken"/> fires; a device that does not answer is not an exception: it stays
    /// <see cref="DeviceState.Offline"/> with a fault while the loop keeps trying.
    /// </summary>
    Task StartAsync(ICashAcceptorObserver observer, CancellationToken cancellationToken);

    /// <summary>Disables acceptance (returning a note in escrow) and stops the loop.</summary>
    Task StopAsync(CancellationToken cancellationToken);

    /// <summary>Opens a cash-in transaction and enables acceptance.</summary>
    /// <exception cref="CashAcceptorException">A transaction is already open, or the device is not ready.</exception>
    Task<ICashInTransaction> BeginCashInAsync(CashInRequest request, ICashInHandler handler, CancellationToken cancellationToken);

    /// <summary>Reads the device's lifetime counters.</summary>
    Task<CashAcceptorCounters> ReadCountersAsync(CancellationToken cancellationToken);
}

/// <summary>Receives every event of the acceptor. Each call is awaited before the driver proceeds.</summary>
public interface ICashAcceptorObserver
{
    ValueTask OnEventAsync(CashAcceptorEvent e, CancellationToken cancellationToken);
}

/// <summary>Decides, per note in escrow, whether to take it. May take seconds: the driver holds the note meanwhile.</summary>
public interface ICashInHandler
{
    /// <summary>
    /// Return <see cref="EscrowDecision.Accept"/> only after the intent to take the note is journaled: the stack
    /// command follows immediately. Exceptions and cancellation count as <see cref="EscrowDecision.Return"/>.
    /// </summary>
    ValueTask<EscrowDecision> DecideAsync(EscrowedNote note, CancellationToken cancellationToken);
}

public enum EscrowDecision
{
    Accept,
    Return,
}

/// <summary>A note in escrow, with the transaction's running totals so the rule can see what it would add up to.</summary>
public sealed record EscrowedNote(Guid TransactionId, Note Note, Money CreditedSoFar, int NotesSoFar);

/// <summary>Limits of one cash-in transaction (XFS4IoT CashInStart: amount and item limits).</summary>
/// <param name="Currency">Notes in any other currency are returned.</param>
/// <param name="MaxAmount">A note that would take the credited total past this is returned without asking the handler.</param>
/// <param name="MaxNotes">Notes beyond this count are returned.</param>
/// <param name="AcceptedValues">When set, only these face values are taken.</param>
/// <param name="DecisionTimeout">A decision that takes longer returns the note (the device is held meanwhile).</param>
public sealed record CashInRequest(
    string Currency,
    decimal? MaxAmount = null,
    int? MaxNotes = null,
    IReadOnlySet<decimal>? AcceptedValues = null,
    TimeSpan? DecisionTimeout = null);

/// <summary>How a transaction ended.</summary>
public enum CashInOutcome
{
    /// <summary>Ended by <see cref="ICashInTransaction.EndAsync"/>.</summary>
    Ended,

    /// <summary>Ended by <see cref="ICashInTransaction.RollbackAsync"/>: the note in escrow went back.</summary>
    RolledBack,

    /// <summary>A device fault ended it; what was credited stays credited.</summary>
    Faulted,
}

public sealed record CashInResult(
    Guid TransactionId,
    CashInOutcome Outcome,
    IReadOnlyList<NoteCredited> Credited,
    IReadOnlyList<NoteReturned> Returned,
    Money Total,
    DeviceFault? Fault);

/// <summary>An open cash-in transaction.</summary>
public interface ICashInTransaction : IAsyncDisposable
{
    Guid Id { get; }

    CashInRequest Request { get; }

    /// <summary>Sum of the notes credited so far.</summary>
    Money Credited { get; }

    IReadOnlyList<NoteCredited> Credits { get; }

    /// <summary>Completes when the transaction is over, however it ended (including a device fault).</summary>
    Task<CashInResult> Completion { get; }

    /// <summary>
    /// Stops accepting. A note already accepted is followed to its credit; a note still in escrow is returned.
    /// </summary>
    Task<CashInResult> EndAsync(CancellationToken cancellationToken);

    /// <summary>Returns the note in escrow, if any, and stops accepting. Credited notes cannot be returned.</summary>
    Task<CashInResult> RollbackAsync(CancellationToken cancellationToken);
}

/// <summary>A cash-acceptor request that cannot be carried out in the current state.</summary>
public sealed class CashAcceptorException : Exception
{
    public CashAcceptorException()
    {
    }

    public CashAcceptorException(string message)
        : base(message)
    {
    }

    public CashAcceptorException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
