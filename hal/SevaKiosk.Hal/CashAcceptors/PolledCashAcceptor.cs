using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SevaKiosk.Hal.Devices;
using SevaKiosk.Hal.Links;

namespace SevaKiosk.Hal.CashAcceptors;

/// <summary>
/// What every polled validator driver shares: one loop that owns the link (a single-owner serial actor, so there is
/// never more than one command in flight), reconnect with backoff, the cash-in transaction and its limits, escrow
/// decisions with hold renewal, exactly-once delivery of events to the observer, faults and change-only status.
/// A protocol driver supplies the start-up sequence, one poll, and the enable/disable/hold/return commands.
/// </summary>
public abstract class PolledCashAcceptor : ICashAcceptor
{
    /// <summary>A fraud fault stays raised this long after the device last reported fraud, so a short burst of
    /// attempts keeps the kiosk out of service instead of flickering in and out.</summary>
    private static readonly TimeSpan FraudHoldOff = TimeSpan.FromSeconds(30);
    private readonly IByteLinkFactory _linkFactory;
    private readonly StatusCell<CashAcceptorStatus> _status = new(CashAcceptorStatus.Initial);
    private readonly Channel<LoopWork> _inbox = Channel.CreateUnbounded<LoopWork>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private ICashAcceptorObserver _observer = NullObserver.Instance;
    private Task? _loop;
    private CashInSession? _session;
    private Guid? _lastSessionId;
    private DateTimeOffset? _settleDeadline;
    private long _creditSequence;
    private DateTimeOffset _lastFraud;
    private bool _connected;
    private int _disposed;

    protected PolledCashAcceptor(IByteLinkFactory link, CashAcceptorOptions options, TimeProvider? time, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(link);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _linkFactory = link;
        Options = options;
        Time = time ?? TimeProvider.System;
        Logger = logger ?? NullLogger.Instance;
        Faults = new FaultSet(options.Name, Time);
        Faults.Raised += (_, e) =>
        {
            // A fault that stops the device ends the open transaction: what was credited stays credited.
            if (e.Fault.Severity >= FaultSeverity.Error)
            {
                FailSession(e.Fault);
            }

            UpdateStatus(x => x);
            FaultRaised?.Invoke(this, e);
        };
        Faults.Cleared += (_, e) =>
        {
            UpdateStatus(x => x);
            FaultCleared?.Invoke(this, e);
        };
        _status.Changed += (_, e) => StatusChanged?.Invoke(this, e);
    }

    public event EventHandler<DeviceFaultEventArgs>? FaultRaised;

    public event EventHandler<DeviceFaultEventArgs>? FaultCleared;

    public event EventHandler<StatusChangedEventArgs<CashAcceptorStatus>>? StatusChanged;

    public string Name => Options.Name;

    public DeviceClass Class => DeviceClass.CashAcceptor;

    public DeviceState State => _status.Current.Device;

    public IReadOnlyList<DeviceFault> ActiveFaults => Faults.Active;

    public CashAcceptorCapabilities? Capabilities { get; protected set; }

    public CashAcceptorStatus Status => _status.Current;

    protected CashAcceptorOptions Options { get; }

    protected TimeProvider Time { get; }

    protected ILogger Logger { get; }

    protected FaultSet Faults { get; }

    /// <summary>True while a cash-in transaction is open and not closing: the device should accept notes.</summary>
    protected bool ShouldAccept => _session is { IsClosing: false, IsCompleted: false };

    /// <summary>The transaction events belong to (the open one, or the last one while its final note settles).</summary>
    protected Guid? EventTransactionId => _session?.Id ?? _lastSessionId;

    /// <summary>The protocol says a note is somewhere between the bezel and the cash box.</summary>
    protected abstract bool NoteInPath { get; }

    public async Task StartAsync(ICashAcceptorObserver observer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(observer);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (_loop is not null)
        {
            throw new InvalidOperationException($"{Name} is already started.");
        }

        _observer = observer;
        _loop = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
        await _ready.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_session is { IsCompleted: false } session)
        {
            try
            {
                await session.RollbackAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (CashAcceptorException)
            {
                // The device went away while stopping; the loop completes the session as faulted.
            }
        }

        if (_connected)
        {
            try
            {
                await InvokeAsync(ct => SetAcceptingAsync(false, ct), cancellationToken).ConfigureAwait(false);
            }
            catch (CashAcceptorException)
            {
                // Offline: nothing to disable.
            }
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<ICashInTransaction> BeginCashInAsync(CashInRequest request, ICashInHandler handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(handler);
        if (_session is { IsCompleted: false })
        {
            throw new CashAcceptorException($"{Name}: a cash-in transaction is already open.");
        }

        if (!_connected || State != DeviceState.Online)
        {
            throw new CashAcceptorException($"{Name} is not ready for cash ({State}): {DescribeFaults()}");
        }

        var session = new CashInSession(request, handler, s => InvokeAsync(_ => Task.CompletedTask, CancellationToken.None));
        await InvokeAsync(
            async ct =>
            {
                _session = session;
                _lastSessionId = null;
                _settleDeadline = null;
                await SetAcceptingAsync(true, ct).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        return session;
    }

    public Task<CashAcceptorCounters> ReadCountersAsync(CancellationToken cancellationToken) =>
        InvokeAsync(ReadCountersCoreAsync, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await StopAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Best effort on shutdown.
        }

        _stop.Dispose();
        Released();
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what the protocol layer owns, after the loop has stopped.</summary>
    protected virtual void Released()
    {
    }

    /// <summary>Opens the protocol on a fresh link: synchronise, identify, configure. Sets <see cref="Capabilities"/>.</summary>
    protected abstract Task ConnectAsync(Stream link, CancellationToken cancellationToken);

    /// <summary>Forgets the protocol state bound to the link that just closed.</summary>
    protected abstract void Disconnected();

    /// <summary>One poll of the device, handling every event it reports.</summary>
    protected abstract Task PollAsync(CancellationToken cancellationToken);

    /// <summary>Enables or inhibits note acceptance on the device.</summary>
    protected abstract Task SetAcceptingAsync(bool accept, CancellationToken cancellationToken);

    protected abstract Task<CashAcceptorCounters> ReadCountersCoreAsync(CancellationToken cancellationToken);

    /// <summary>Updates the status record; observers see only real changes.</summary>
    protected void UpdateStatus(Func<CashAcceptorStatus, CashAcceptorStatus> update) =>
        _status.Update(s => WithDeviceState(update(s)));

    /// <summary>Delivers an event to the observer and records money events in the transaction.</summary>
    protected async Task PublishAsync(CashAcceptorEvent e, CancellationToken cancellationToken)
    {
        var session = _session;
        if (session is not null && e.TransactionId == session.Id)
        {
            session.Record(e);
        }

        try
        {
            await _observer.OnEventAsync(e, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The money event happened on the device whatever the observer did; say so loudly and stop taking cash.
            Faults.Raise(CommonFaults.ObserverFailed, $"{e.Kind}: {ex.Message}");
            Logger.LogError(ex, "{Device}: observer failed on {Event}", Name, e);
        }
    }

    /// <summary>Raises the one credit event for a note at the device's safe point.</summary>
    protected Task CreditAsync(Note note, string deviceSerial, CancellationToken cancellationToken)
    {
        var sequence = Interlocked.Increment(ref _creditSequence);
        Logger.LogInformation("{Device}: credit {Note} (#{Sequence})", Name, note, sequence);
        return PublishAsync(new NoteCredited(Time.GetUtcNow(), EventTransactionId, note, sequence, deviceSerial), cancellationToken);
    }

    /// <summary>
    /// Decides what to do with a note in escrow: limits first, then the transaction's handler, renewing the hold with
    /// <paramref name="holdAsync"/> while the handler takes its time. Never throws for a handler failure: any failure,
    /// cancellation or timeout returns the note.
    /// </summary>
    protected async Task<(EscrowDecision Decision, ReturnCause Cause)> DecideAsync(
        Note note, Func<CancellationToken, Task> holdAsync, CancellationToken cancellationToken)
    {
        var session = _session;
        if (session is null || session.IsClosing || session.IsCompleted)
        {
            return (EscrowDecision.Return, ReturnCause.Rollback);
        }

        await PublishAsync(new NoteEscrowed(Time.GetUtcNow(), session.Id, note), cancellationToken).ConfigureAwait(false);
        if (session.LimitViolation(note) is { } violation)
        {
            Logger.LogInformation("{Device}: returning {Note}: {Reason}", Name, note, violation);
            return (EscrowDecision.Return, ReturnCause.Limit);
        }

        var timeout = session.Request.DecisionTimeout ?? Options.DecisionTimeout;
        using var decisionCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var deadline = Time.GetUtcNow() + timeout;
        var escrowed = new EscrowedNote(session.Id, note, session.Credited, session.NoteCount);
        Task<EscrowDecision> decision;
        try
        {
            decision = session.Handler.DecideAsync(escrowed, decisionCts.Token).AsTask();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Logger.LogWarning(ex, "{Device}: escrow handler failed; returning {Note}", Name, note);
            return (EscrowDecision.Return, ReturnCause.Decision);
        }

        while (!decision.IsCompleted)
        {
            var remaining = deadline - Time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                await decisionCts.CancelAsync().ConfigureAwait(false);
                Logger.LogWarning("{Device}: no decision for {Note} within {Timeout}; returning it", Name, note, timeout);
                return (EscrowDecision.Return, ReturnCause.Timeout);
            }

            var wait = remaining < Options.HoldRenewInterval ? remaining : Options.HoldRenewInterval;
            var tick = Task.Delay(wait, Time, cancellationToken);
            var first = await Task.WhenAny(decision, tick, session.Closing).ConfigureAwait(false);
            if (first == decision)
            {
                break;
            }

            if (first == session.Closing)
            {
                await decisionCts.CancelAsync().ConfigureAwait(false);
                return (EscrowDecision.Return, ReturnCause.Rollback);
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (Time.GetUtcNow() < deadline)
            {
                try
                {
                    await holdAsync(cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    // The link went while holding: the device settles the note itself, so the handler may stop.
                    await decisionCts.CancelAsync().ConfigureAwait(false);
                    throw;
                }
            }
        }

        try
        {
            var result = await decision.ConfigureAwait(false);
            return (result, ReturnCause.Decision);
        }
        catch (Exception ex)
        {
            Logger.LogWarning(ex, "{Device}: escrow handler failed; returning {Note}", Name, note);
            return (EscrowDecision.Return, ReturnCause.Decision);
        }
    }

    /// <summary>Raises or clears a condition the device reports on every poll while it lasts (jam, cash box full ...).</summary>
    protected void SetFault(FaultDefinition fault, bool active, string? detail = null)
    {
        if (active)
        {
            Faults.Raise(fault, detail);
        }
        else
        {
            Faults.Clear(fault.Code);
        }
    }

    /// <summary>The device reported fraud (now, or still): the fraud fault is raised and held for a while after.</summary>
    protected void RaiseFraud(string detail)
    {
        _lastFraud = Time.GetUtcNow();
        Faults.Raise(CommonFaults.Fraud, detail);
    }

    /// <summary>Clears the fraud fault once the device has reported no fraud for the hold-off time. Call every poll.</summary>
    protected void ExpireFraud()
    {
        if (Faults.IsActive(CommonFaults.Fraud.Code) && Time.GetUtcNow() - _lastFraud > FraudHoldOff)
        {
            Faults.Clear(CommonFaults.Fraud.Code);
        }
    }

    /// <summary>Ends the open transaction as faulted (a device fault mid-session): credited notes stay credited.</summary>
    protected void FailSession(DeviceFault fault)
    {
        if (_session is { IsCompleted: false } session)
        {
            Logger.LogWarning("{Device}: transaction {Id} ends on fault {Fault}", Name, session.Id, fault.Code);
            _lastSessionId = session.Id;
            session.Complete(CashInOutcome.Faulted, fault);
            _session = null;
        }
    }

    private async Task RunAsync(CancellationToken stop)
    {
        var backoff = new Backoff(Options.ReconnectInitialDelay, Options.ReconnectMaxDelay);
        while (!stop.IsCancellationRequested)
        {
            Stream? link = null;
            try
            {
                link = await _linkFactory.OpenAsync(stop).ConfigureAwait(false);
                UpdateStatus(s => s with { Acceptor = AcceptorState.Initialising });
                await ConnectAsync(link, stop).ConfigureAwait(false);
                _connected = true;
                Faults.Clear(CommonFaults.Offline.Code);
                Faults.Clear(CommonFaults.InitFailed.Code);
                backoff.Reset();
                UpdateStatus(s => s);
                await SetAcceptingAsync(ShouldAccept, stop).ConfigureAwait(false);
                _ready.TrySetResult();
                await ServeAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is DeviceLinkException or IOException or UnauthorizedAccessException or TimeoutException or InvalidOperationException)
            {
                Lost(CommonFaults.Offline, ex);
            }
            catch (DeviceProtocolException ex)
            {
                Lost(CommonFaults.InitFailed, ex);
            }
            finally
            {
                _connected = false;
                Disconnected();
                UpdateStatus(s => s);
                if (link is not null)
                {
                    await link.DisposeAsync().ConfigureAwait(false);
                }
            }

            try
            {
                await Task.Delay(backoff.Next(), Time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        FailQueuedWork();
    }

    private void Lost(FaultDefinition fault, Exception ex)
    {
        _connected = false;
        Logger.LogWarning("{Device} on {Link}: {Message}", Name, _linkFactory.Description, ex.Message);
        Faults.Raise(fault, ex.Message);
        UpdateStatus(s => s with { Acceptor = AcceptorState.Unknown, InEscrow = null });
        FailQueuedWork();
    }

    private async Task ServeAsync(CancellationToken stop)
    {
        while (true)
        {
            while (_inbox.Reader.TryRead(out var work))
            {
                await work.RunAsync(stop).ConfigureAwait(false);
            }

            await PollAsync(stop).ConfigureAwait(false);
            await SettleSessionAsync(stop).ConfigureAwait(false);

            var delay = Task.Delay(Options.PollInterval, Time, stop);
            var inbox = _inbox.Reader.WaitToReadAsync(stop).AsTask();
            await Task.WhenAny(delay, inbox).ConfigureAwait(false);
            stop.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Completes a closing transaction once the note path is empty (or the settle time ran out).</summary>
    private async Task SettleSessionAsync(CancellationToken stop)
    {
        if (_session is not { IsClosing: true } session || session.IsCompleted)
        {
            return;
        }

        if (_settleDeadline is null)
        {
            _settleDeadline = Time.GetUtcNow() + Options.SettleTimeout;
            await SetAcceptingAsync(false, stop).ConfigureAwait(false);
        }

        if (NoteInPath && Time.GetUtcNow() < _settleDeadline)
        {
            return;
        }

        if (NoteInPath)
        {
            Logger.LogWarning("{Device}: transaction {Id} closes with a note still in the path; its events follow under the same id", Name, session.Id);
        }

        _lastSessionId = session.Id;
        _session = null;
        _settleDeadline = null;
        session.Complete(session.CloseRequest!.Value, null);
    }

    private async Task<T> InvokeAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        if (!_connected)
        {
            throw new CashAcceptorException($"{Name} is offline: {DescribeFaults()}");
        }

        var item = new LoopWork<T>(work);
        await _inbox.Writer.WriteAsync(item, cancellationToken).ConfigureAwait(false);
        return await item.Result.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private Task<bool> InvokeAsync(Func<CancellationToken, Task> work, CancellationToken cancellationToken) =>
        InvokeAsync<bool>(
            async ct =>
            {
                await work(ct).ConfigureAwait(false);
                return true;
            },
            cancellationToken);

    private void FailQueuedWork()
    {
        while (_inbox.Reader.TryRead(out var work))
        {
            work.Fail(new CashAcceptorException($"{Name} went offline before the request ran: {DescribeFaults()}"));
        }

        if (_session is { IsClosing: true, IsCompleted: false })
        {
            var active = Faults.Active;
            FailSession(active.Count > 0 ? active[^1] : CommonFaults.Offline.Raise(Name, Time.GetUtcNow()));
        }
    }

    private string DescribeFaults()
    {
        var faults = Faults.Active;
        return faults.Count == 0 ? "no fault recorded" : string.Join("; ", faults.Select(f => $"{f.Code}: {f.Message}"));
    }

    private CashAcceptorStatus WithDeviceState(CashAcceptorStatus status)
    {
        var device = !_connected ? (Faults.IsActive(CommonFaults.Offline.Code) ? DeviceState.Offline : DeviceState.Busy)
            : Faults.WorstState() ?? DeviceState.Online;
        return status with { Device = device };
    }

    private abstract class LoopWork
    {
        public abstract Task RunAsync(CancellationToken cancellationToken);

        public abstract void Fail(Exception exception);
    }

    private sealed class LoopWork<T>(Func<CancellationToken, Task<T>> work) : LoopWork
    {
        private readonly TaskCompletionSource<T> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<T> Result => _result.Task;

        public override async Task RunAsync(CancellationToken cancellationToken)
        {
            try
            {
                _result.TrySetResult(await work(cancellationToken).ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is CashAcceptorException or DeviceProtocolException)
            {
                _result.TrySetException(ex);
            }
            catch (Exception ex)
            {
                // Link failures also end the loop's connection: the caller hears about it, the loop reconnects.
                _result.TrySetException(new CashAcceptorException($"{ex.Message}", ex));
                throw;
            }
        }

        public override void Fail(Exception exception) => _result.TrySetException(exception);
    }

    private sealed class NullObserver : ICashAcceptorObserver
    {
        public static readonly NullObserver Instance = new();

        public ValueTask OnEventAsync(CashAcceptorEvent e, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
