using SevaKiosk.Hal.Devices;

namespace SevaKiosk.Hal.CashAcceptors;

/// <summary>
/// The driver-side state of one cash-in transaction. The driver's loop is its only writer apart from the close
/// requests, which only set flags and wait for the loop to settle the note path.
/// </summary>
internal sealed class CashInSession : ICashInTransaction
{
    private readonly object _gate = new();
    private readonly List<NoteCredited> _credits = [];
    private readonly List<NoteReturned> _returned = [];
    private readonly TaskCompletionSource<CashInResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closing = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Func<CashInSession, Task> _wake;

    public CashInSession(CashInRequest request, ICashInHandler handler, Func<CashInSession, Task> wake)
    {
        Request = request;
        Handler = handler;
        _wake = wake;
    }

    public Guid Id { get; } = Guid.NewGuid();

    public CashInRequest Request { get; }

    public ICashInHandler Handler { get; }

    public Money Credited
    {
        get
        {
            lock (_gate)
            {
                return _credits.Aggregate(Money.Zero(Request.Currency), (sum, c) => sum + (c.Note.Value ?? Money.Zero(Request.Currency)));
            }
        }
    }

    public int NoteCount
    {
        get
        {
            lock (_gate)
            {
                return _credits.Count;
            }
        }
    }

    public IReadOnlyList<NoteCredited> Credits
    {
        get
        {
            lock (_gate)
            {
                return _credits.ToArray();
            }
        }
    }

    public Task<CashInResult> Completion => _completion.Task;

    /// <summary>Completes when End or Rollback was requested: a pending decision watches it.</summary>
    public Task Closing => _closing.Task;

    public CashInOutcome? CloseRequest { get; private set; }

    public bool IsClosing => CloseRequest is not null;

    public bool IsCompleted => _completion.Task.IsCompleted;

    public Task<CashInResult> EndAsync(CancellationToken cancellationToken) => RequestClose(CashInOutcome.Ended, cancellationToken);

    public Task<CashInResult> RollbackAsync(CancellationToken cancellationToken) => RequestClose(CashInOutcome.RolledBack, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (!IsCompleted)
        {
            await RollbackAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    internal void Record(CashAcceptorEvent e)
    {
        lock (_gate)
        {
            switch (e)
            {
                case NoteCredited credit:
                    _credits.Add(credit);
                    break;
                case NoteReturned returned:
                    _returned.Add(returned);
                    break;
            }
        }
    }

    /// <summary>Would taking <paramref name="note"/> break the request's limits? Returns the reason, or null.</summary>
    internal string? LimitViolation(Note note)
    {
        if (note.Value is not { } value)
        {
            return "the device could not tell the note's value";
        }

        if (!string.Equals(value.Currency, Request.Currency, StringComparison.Ordinal))
        {
            return $"{value.Currency} notes are not taken in a {Request.Currency} transaction";
        }

        if (Request.AcceptedValues is { } accepted && !accepted.Contains(value.Amount))
        {
            return $"{value} notes are not accepted in this transaction";
        }

        if (Request.MaxNotes is { } maxNotes && NoteCount >= maxNotes)
        {
            return $"the transaction takes at most {maxNotes} notes";
        }

        if (Request.MaxAmount is { } max && Credited.Amount + value.Amount > max)
        {
            return $"{value} would take the total past {new Money(max, Request.Currency)}";
        }

        return null;
    }

    internal void Complete(CashInOutcome outcome, DeviceFault? fault)
    {
        CashInResult result;
        lock (_gate)
        {
            result = new CashInResult(Id, outcome, _credits.ToArray(), _returned.ToArray(), CreditedUnlocked(), fault);
        }

        _closing.TrySetResult();
        _completion.TrySetResult(result);
    }

    private Money CreditedUnlocked() =>
        _credits.Aggregate(Money.Zero(Request.Currency), (sum, c) => sum + (c.Note.Value ?? Money.Zero(Request.Currency)));

    private async Task<CashInResult> RequestClose(CashInOutcome outcome, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (CloseRequest is null)
            {
                CloseRequest = outcome;
            }
        }

        _closing.TrySetResult();
        await _wake(this).ConfigureAwait(false);
        return await _completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }
}
