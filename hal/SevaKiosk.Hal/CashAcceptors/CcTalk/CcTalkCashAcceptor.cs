using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using SevaKiosk.Hal.Links;
using SevaKiosk.Protocol.CcTalk;

namespace SevaKiosk.Hal.CashAcceptors.CcTalk;

/// <summary>
/// Driver for ccTalk bill validators behind <see cref="ICashAcceptor"/>. Credit is given only on the buffered event
/// with B = 0 (bill sent to the cash box), with the value from the device's own bill ids and scaling factor.
/// </summary>
/// <remarks>
/// ccTalk is event-buffered: the device keeps its last few events (newest first) behind a counter, and the host reads
/// them with READ BUFFERED BILL EVENTS. The counter makes a repeated read harmless, so the driver reads the buffer
/// whenever in doubt: twice before acting on anything new, again after a reconnect (events that happened while the
/// link was down are still in the buffer), and never resets the device itself at start-up, which would clear them.
/// A bill in escrow (event type, B = 1) waits for ROUTE BILL: extend the escrow timeout while the decision is pending,
/// then stack or return.
/// </remarks>
public sealed partial class CcTalkCashAcceptor : PolledCashAcceptor
{
    private static readonly byte[] RouteStack = [(byte)CcTalkRouteCode.Stack];
    private static readonly byte[] RouteReturn = [(byte)CcTalkRouteCode.Return];
    private static readonly byte[] RouteExtend = [(byte)CcTalkRouteCode.ExtendEscrowTimeout];
    private static readonly byte[] MasterEnabled = [CcTalkMasterInhibit.Encode(true)];
    private static readonly byte[] MasterInhibited = [CcTalkMasterInhibit.Encode(false)];
    private static readonly CcTalkReplyShape RouteReply = new(0, 1);
    private readonly CcTalkOptions _options;
    private readonly CcTalkEventWindow _window;
    private readonly byte[] _firstReading;
    private readonly byte[] _secondReading;
    private CcTalkLink? _link;
    private bool _accepting;
    private int _unconfirmed;

    public CcTalkCashAcceptor(IByteLinkFactory link, CcTalkOptions options, TimeProvider? time = null, ILogger<CcTalkCashAcceptor>? logger = null)
        : base(link, options, time, logger)
    {
        options.ValidateCcTalk();
        _options = options;
        _window = new CcTalkEventWindow(options.EventBufferDepth);
        _firstReading = new byte[options.EventReplyLength];
        _secondReading = new byte[options.EventReplyLength];
    }

    /// <summary>A driver for the validator on serial port <paramref name="path"/> (9600 8N1 unless <paramref name="settings"/> says otherwise).</summary>
    public static CcTalkCashAcceptor OpenSerial(string path, CcTalkOptions options, SerialSettings? settings = null, TimeProvider? time = null, ILogger<CcTalkCashAcceptor>? logger = null) =>
        new(new SerialPortLinkFactory(path, settings ?? SerialSettings.CcTalk), options, time, logger);

    /// <summary>Line counters (retransmissions, checksum errors, echoes skipped ...) for telemetry and diagnostics.</summary>
    public CcTalkLinkStatistics LinkStatistics { get; } = new();

    /// <summary>The event counter of the last confirmed reading of the device's buffer, or null before the first.</summary>
    public byte? EventCounter => _window.HasReading ? _window.Counter : null;

    protected override bool NoteInPath => _escrow is not null || _route is not null;

    private CcTalkLink Link => _link ?? throw new DeviceLinkException("not connected");

    protected override async Task ConnectAsync(Stream link, CancellationToken cancellationToken)
    {
        _link = new CcTalkLink(link, _options, Time, LinkStatistics, Logger);
        _accepting = false;
        await RequireAckAsync(CcTalkHeader.SimplePoll, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);

        var initialised = false;
        if (_window.HasReading)
        {
            // Reconnecting: what happened while the link was down is still in the device's buffer, unless it reset.
            initialised = await RecoverAsync(cancellationToken).ConfigureAwait(false);
        }

        if (!initialised)
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        if (!_window.HasReading)
        {
            await ReadBaselineAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_route is { State: RouteState.InFlight })
        {
            // The link went while ROUTE BILL was unanswered and the buffer shows nothing about the bill since: the
            // command is safe to repeat (the device answers "escrow empty" if the first copy was carried out).
            Logger.LogInformation("{Device}: repeating the unanswered ROUTE BILL for {Note}", Name, _route.Note);
            await SendRouteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    protected override void Disconnected()
    {
        // The event window, the bill table and the note path survive: the device may not have reset, and its buffer
        // will say what became of the note when the link is back.
        _accepting = false;
        _link?.Dispose();
        _link = null;
    }

    protected override async Task SetAcceptingAsync(bool accept, CancellationToken cancellationToken)
    {
        await RequireAckAsync(CcTalkHeader.ModifyMasterInhibitStatus, accept ? MasterEnabled : MasterInhibited, cancellationToken).ConfigureAwait(false);
        _accepting = accept;
        RefreshStatus();
    }

    /// <summary>ccTalk bill validators keep no lifetime counters the standard headers can read.</summary>
    protected override Task<CashAcceptorCounters> ReadCountersCoreAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new CashAcceptorCounters(null, null, null, null, null));

    protected override async Task PollAsync(CancellationToken cancellationToken)
    {
        await PollEventsAsync(cancellationToken).ConfigureAwait(false);
        if (_escrow is { } escrowed)
        {
            await DecideEscrowAsync(escrowed, cancellationToken).ConfigureAwait(false);
        }
        else if (ShouldAccept && !_accepting)
        {
            await SetAcceptingAsync(true, cancellationToken).ConfigureAwait(false);
        }

        if (Faults.IsActive(CommonFaults.Fraud.Code) && Time.GetUtcNow() - _lastFraud > _options.FraudHoldOff)
        {
            Faults.Clear(CommonFaults.Fraud.Code);
        }

        RefreshStatus();
    }

    /// <summary>Reads the buffer after a reconnect and handles what it shows. True when that re-initialised the device.</summary>
    private async Task<bool> RecoverAsync(CancellationToken cancellationToken)
    {
        var serial = await ReadSerialAsync(cancellationToken).ConfigureAwait(false);
        if (_knownSerial is not null && serial != _knownSerial)
        {
            // Another unit on the cable: its counter says nothing about ours, and what was in the old one's path is
            // settled as at a reset.
            _window.Forget();
            var previous = _knownSerial;
            _knownSerial = serial;
            await DeviceResetAsync($"validator replaced: serial {previous} → {serial}", reinitialise: false, cancellationToken).ConfigureAwait(false);
            return false;
        }

        return await PollEventsAsync(cancellationToken).ConfigureAwait(false) == CcTalkWindowChange.Reset;
    }

    private async Task ReadBaselineAsync(CancellationToken cancellationToken)
    {
        while (!_window.HasReading)
        {
            await PollEventsAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads the event buffer (confirmed) and handles every new event, oldest first.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<CcTalkWindowChange?> PollEventsAsync(CancellationToken cancellationToken)
    {
        var (step, reading) = await ReadEventsAsync(cancellationToken).ConfigureAwait(false);
        if (step is not { } s)
        {
            return null;
        }

        var now = Time.GetUtcNow();
        switch (s.Change)
        {
            case CcTalkWindowChange.None:
                Faults.Clear(CcTalkFaults.EventsLost.Code);
                break;

            case CcTalkWindowChange.First:
                _window.Accept(reading.Span);
                Logger.LogInformation("{Device}: event counter {Counter}; the buffered events before it are history", Name, _window.Counter);
                break;

            case CcTalkWindowChange.NewEvents:
                // Taken as seen before handling, so no event is ever handled twice.
                _window.Accept(reading.Span);
                Faults.Clear(CcTalkFaults.EventsLost.Code);
                for (var i = s.NewEvents - 1; i >= 0; i--)
                {
                    await HandleEventAsync(CcTalkEventWindow.EventAt(reading.Span, i), cancellationToken).ConfigureAwait(false);
                }

                break;

            case CcTalkWindowChange.Reset:
                _window.Accept(reading.Span);
                await DeviceResetAsync("event counter back to 0: the validator was reset or lost power", reinitialise: true, cancellationToken).ConfigureAwait(false);
                break;

            case CcTalkWindowChange.Lost:
            case CcTalkWindowChange.Inconsistent:
                _window.Accept(reading.Span);
                await EventsLostAsync(s, reading, now, cancellationToken).ConfigureAwait(false);
                break;
        }

        return s.Change;
    }

    /// <summary>
    /// Reads the buffer, and reads it again unless nothing changed: a reading is acted on only when the next one
    /// agrees with it. Returns null when the two did not agree (line noise, a late reply); the next poll tries again.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<(CcTalkWindowStep? Step, ReadOnlyMemory<byte> Reading)> ReadEventsAsync(CancellationToken cancellationToken)
    {
        await ReadBufferAsync(_firstReading, cancellationToken).ConfigureAwait(false);
        if (_window.IsUnchanged(_firstReading))
        {
            _unconfirmed = 0;
            return (new CcTalkWindowStep(CcTalkWindowChange.None, 0, default), _firstReading);
        }

        await ReadBufferAsync(_secondReading, cancellationToken).ConfigureAwait(false);
        if (CcTalkEventWindow.Agree(_firstReading, _secondReading, _options.EventBufferDepth))
        {
            _unconfirmed = 0;
            return (_window.HasReading ? _window.Classify(_firstReading) : new CcTalkWindowStep(CcTalkWindowChange.First, 0, default), _firstReading);
        }

        if (++_unconfirmed < _options.MaxUnconfirmedReads)
        {
            Logger.LogDebug("{Device}: two readings of the event buffer disagree; reading again", Name);
            return (null, default);
        }

        // The buffer never reads the same twice: resynchronise on the newest reading rather than stall for good.
        _unconfirmed = 0;
        var change = _window.HasReading ? CcTalkWindowChange.Inconsistent : CcTalkWindowChange.First;
        return (new CcTalkWindowStep(change, 0, default), _secondReading);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ReadBufferAsync(byte[] into, CancellationToken cancellationToken)
    {
        var exchange = await Link.ExchangeAsync(
            (byte)CcTalkHeader.ReadBufferedBillEvents, ReadOnlyMemory<byte>.Empty, CcTalkReplyShape.Exactly(into.Length), cancellationToken).ConfigureAwait(false);
        if (exchange.Kind != CcTalkReplyKind.Ack)
        {
            throw new DeviceProtocolException($"READ BUFFERED BILL EVENTS answered {exchange.Kind}");
        }

        Link.ReplyData.CopyTo(into);
    }

    private async Task RequireAckAsync(CcTalkHeader header, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var exchange = await Link.ExchangeAsync((byte)header, data, CcTalkReplyShape.Empty, cancellationToken).ConfigureAwait(false);
        if (exchange.Kind != CcTalkReplyKind.Ack)
        {
            throw new DeviceProtocolException($"{CcTalkHeaderNames.Of(header)} answered {exchange.Kind}");
        }
    }

    private void RefreshStatus()
    {
        var jammed = Faults.IsActive(CommonFaults.JamSafe.Code) || Faults.IsActive(CommonFaults.JamUnsafe.Code);
        var acceptor = jammed ? AcceptorState.Jammed
            : Faults.IsActive(CommonFaults.Failure.Code) ? AcceptorState.Failure
            : _escrow is not null ? AcceptorState.Escrow
            : _route is { Stack: true } ? AcceptorState.Stacking
            : _route is not null ? AcceptorState.Returning
            : _accepting ? AcceptorState.Idle
            : AcceptorState.Disabled;
        var escrow = _escrow;

        // Called on every poll: build a new status record only when something changed.
        if (Status.Acceptor != acceptor || !Equals(Status.InEscrow, escrow))
        {
            SetStatus(acceptor, escrow);
        }
    }

    /// <summary>Separate from <see cref="RefreshStatus"/> so that its closure is allocated only when the status changes.</summary>
    private void SetStatus(AcceptorState acceptor, Note? escrow) => UpdateStatus(s => s with { Acceptor = acceptor, InEscrow = escrow });
}
