using Microsoft.Extensions.Logging;
using SevaKiosk.Hal.Devices;
using SevaKiosk.Protocol.CcTalk;

namespace SevaKiosk.Hal.CashAcceptors.CcTalk;

/// <summary>What each buffered event means for the note in the path, the transaction and the faults; escrow routing;
/// device resets.</summary>
public sealed partial class CcTalkCashAcceptor
{
    private Note? _escrow;
    private PendingRoute? _route;
    private DateTimeOffset _lastFraud;

    private enum RouteState
    {
        /// <summary>Sent, not answered yet (or the link went before the answer).</summary>
        InFlight,

        /// <summary>The device took the command (or may have: a retransmission found the escrow empty).</summary>
        Acknowledged,
    }

    private async Task HandleEventAsync(CcTalkBillEvent e, CancellationToken cancellationToken)
    {
        switch (e.Kind)
        {
            case CcTalkBillEventKind.Credit:
                await CreditedAsync(e.BillType, cancellationToken).ConfigureAwait(false);
                break;

            case CcTalkBillEventKind.Escrow:
                Escrowed(e.BillType);
                break;

            case CcTalkBillEventKind.Status:
                await StatusAsync(e.B, cancellationToken).ConfigureAwait(false);
                break;

            default:
                // A ≠ 0 with B > 1 is not defined: no money is inferred from it.
                Faults.Raise(CommonFaults.UnknownEvent, $"bill event A={e.A} B={e.B}");
                break;
        }
    }

    private async Task CreditedAsync(byte billType, CancellationToken cancellationToken)
    {
        var note = NoteFor(billType);
        if ((_route?.Note ?? _escrow) is { } expected && expected.DeviceCode != billType)
        {
            Logger.LogWarning("{Device}: credit for bill type {Type} but {Expected} was in the path; the device's word counts", Name, billType, expected);
        }

        _route = null;
        _escrow = null;
        ClearTransportFaults();
        if (note.Value is null)
        {
            Faults.Raise(CommonFaults.UnknownEvent, $"credit for bill type {billType}, which has no value in the device's bill table");
        }

        await CreditAsync(note, _serial, cancellationToken).ConfigureAwait(false);
        await PublishAsync(new NoteStacked(Time.GetUtcNow(), EventTransactionId, note), cancellationToken).ConfigureAwait(false);
    }

    private void Escrowed(byte billType)
    {
        if ((_route?.Note ?? _escrow) is { } previous)
        {
            // One bill at a time: a new escrow means the device is done with the previous one, whatever became of it.
            Logger.LogWarning("{Device}: new bill in escrow while {Previous} had no outcome event; the journal settles it", Name, previous);
            _route = null;
        }

        ClearTransportFaults();
        _escrow = NoteFor(billType);
        RefreshStatus();
    }

    private async Task StatusAsync(byte code, CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        var tx = EventTransactionId;
        var name = CcTalkBillEventCodes.NameOf(code);
        switch ((CcTalkBillEventCode)code)
        {
            case CcTalkBillEventCode.BillReturnedFromEscrow:
                ClearTransportFaults();
                await ReturnedFromEscrowAsync(now, tx, cancellationToken).ConfigureAwait(false);
                break;

            case CcTalkBillEventCode.InvalidBillValidationFail or CcTalkBillEventCode.InvalidBillTransportProblem:
                ClearTransportFaults();
                await PublishAsync(new NoteRejected(now, tx, name, code, false), cancellationToken).ConfigureAwait(false);
                break;

            case CcTalkBillEventCode.MasterInhibitActive or CcTalkBillEventCode.InhibitedBillOnSerial
                or CcTalkBillEventCode.InhibitedBillOnDipSwitches or CcTalkBillEventCode.BarcodeDetected:
                await PublishAsync(new NoteRejected(now, tx, name, code, false), cancellationToken).ConfigureAwait(false);
                break;

            case CcTalkBillEventCode.BillJammedInTransportUnsafe:
                Faults.Raise(CommonFaults.JamUnsafe, name);
                break;

            case CcTalkBillEventCode.BillJammedInTransportSafe or CcTalkBillEventCode.BillJammedInStacker or CcTalkBillEventCode.StackerJammed:
                Faults.Raise(CommonFaults.JamSafe, name);
                break;

            case CcTalkBillEventCode.StackerFaulty or CcTalkBillEventCode.AntiStringMechanismFaulty:
                Faults.Raise(CommonFaults.Failure, name);
                break;

            case CcTalkBillEventCode.BillPulledBackwards or CcTalkBillEventCode.BillTamper
                or CcTalkBillEventCode.OptoFraudDetected or CcTalkBillEventCode.StringFraudDetected:
                _lastFraud = now;
                Faults.Raise(CommonFaults.Fraud, name);
                await PublishAsync(new FraudDetected(now, tx, null, name), cancellationToken).ConfigureAwait(false);
                break;

            case CcTalkBillEventCode.StackerRemoved:
                Faults.Raise(CommonFaults.CashboxRemoved);
                await CashboxAsync(CashboxState.Removed, now, tx, cancellationToken).ConfigureAwait(false);
                break;

            case CcTalkBillEventCode.StackerInserted:
                Faults.Clear(CommonFaults.CashboxRemoved.Code);
                Faults.Clear(CommonFaults.StackerFull.Code);
                Faults.Clear(CcTalkFaults.UnaccountedNote.Code);
                await CashboxAsync(CashboxState.Present, now, tx, cancellationToken).ConfigureAwait(false);
                break;

            case CcTalkBillEventCode.StackerOk:
                Faults.Clear(CommonFaults.CashboxRemoved.Code);
                Faults.Clear(CommonFaults.StackerFull.Code);
                await CashboxAsync(CashboxState.Present, now, tx, cancellationToken).ConfigureAwait(false);
                break;

            case CcTalkBillEventCode.StackerFull:
                Faults.Raise(CommonFaults.StackerFull);
                await CashboxAsync(CashboxState.Full, now, tx, cancellationToken).ConfigureAwait(false);
                break;

            case CcTalkBillEventCode.UnknownBillTypeStacked:
                // Money went into the cash box with no value the driver may credit: say so, for the count at emptying.
                Faults.Raise(CcTalkFaults.UnaccountedNote);
                await PublishAsync(new NoteStacked(now, tx, null), cancellationToken).ConfigureAwait(false);
                break;

            default:
                Faults.Raise(CommonFaults.UnknownEvent, $"status code {code} ({name})");
                break;
        }
    }

    private async Task ReturnedFromEscrowAsync(DateTimeOffset now, Guid? tx, CancellationToken cancellationToken)
    {
        if (_route is { } route)
        {
            // A bill we asked to stack that comes back was never credited.
            _route = null;
            await PublishAsync(new NoteReturned(now, tx, route.Note, route.Stack ? ReturnCause.Device : route.Cause), cancellationToken).ConfigureAwait(false);
        }
        else if (_escrow is { } escrowed)
        {
            // The device's own escrow timeout (the link was down, or the hold was not renewed in time).
            _escrow = null;
            await PublishAsync(new NoteReturned(now, tx, escrowed, ReturnCause.Timeout), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            Logger.LogInformation("{Device}: a bill was returned from escrow that this driver did not see arrive", Name);
        }

        RefreshStatus();
    }

    private async Task CashboxAsync(CashboxState state, DateTimeOffset now, Guid? tx, CancellationToken cancellationToken)
    {
        if (Status.Cashbox == state)
        {
            return;
        }

        UpdateStatus(s => s with { Cashbox = state });
        await PublishAsync(new CashboxChanged(now, tx, state), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A bill moved through the transport, so a jam or mechanism fault reported earlier is over.</summary>
    private void ClearTransportFaults()
    {
        Faults.Clear(CommonFaults.JamSafe.Code);
        Faults.Clear(CommonFaults.JamUnsafe.Code);
        Faults.Clear(CommonFaults.Failure.Code);
    }

    private async Task DecideEscrowAsync(Note note, CancellationToken cancellationToken)
    {
        // No events are read while the decision is pending, so the bill stays ours to route whatever the holds say.
        var (decision, cause) = await DecideAsync(note, HoldAsync, cancellationToken).ConfigureAwait(false);
        _escrow = null;
        _route = new PendingRoute(note, decision == EscrowDecision.Accept, cause);
        RefreshStatus();
        await SendRouteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Renews the hold on the bill in escrow: ROUTE BILL 255 restarts the device's escrow timeout.</summary>
    private async Task HoldAsync(CancellationToken cancellationToken)
    {
        var exchange = await Link.ExchangeAsync((byte)CcTalkHeader.RouteBill, RouteExtend, RouteReply, cancellationToken).ConfigureAwait(false);
        var result = RouteResult(exchange);
        if (result != CcTalkRouteResult.Accepted)
        {
            // The decision still stands; the buffered events will say where the bill went (returned, or a reset).
            Logger.LogWarning("{Device}: extending the escrow of {Note} answered {Result}", Name, _escrow, exchange.Kind == CcTalkReplyKind.Nak ? "NAK" : CcTalkRouteBill.NameOf(result));
        }
    }

    /// <summary>Sends the pending ROUTE BILL and records what the device said. Credit never depends on this reply.</summary>
    private async Task SendRouteAsync(CancellationToken cancellationToken)
    {
        var route = _route!;
        route.State = RouteState.InFlight;
        var exchange = await Link.ExchangeAsync((byte)CcTalkHeader.RouteBill, route.Stack ? RouteStack : RouteReturn, RouteReply, cancellationToken).ConfigureAwait(false);
        switch (RouteResult(exchange))
        {
            case CcTalkRouteResult.Accepted:
                route.State = RouteState.Acknowledged;
                break;

            case CcTalkRouteResult.EscrowEmpty when exchange.Retransmitted:
                // An earlier copy of this command reached the device and was carried out.
                route.State = RouteState.Acknowledged;
                break;

            case CcTalkRouteResult.EscrowEmpty:
                // The bill left escrow before our command (the device timed it out, or reset): it is on its way back.
                Logger.LogWarning("{Device}: ROUTE BILL {Code} for {Note} found the escrow empty", Name, route.Stack ? "STACK" : "RETURN", route.Note);
                _route = new PendingRoute(route.Note, false, route.Stack ? ReturnCause.Timeout : route.Cause) { State = RouteState.Acknowledged };
                break;

            default:
                if (route.Stack)
                {
                    // The bill stays in escrow (jam, cash box out or full): give it back; it was never credited.
                    Logger.LogWarning("{Device}: the validator could not stack {Note}; returning it", Name, route.Note);
                    _route = new PendingRoute(route.Note, false, ReturnCause.Device);
                    await SendRouteAsync(cancellationToken).ConfigureAwait(false);
                    return;
                }

                // Not even a return: the device's escrow timeout gives it back, and its event settles it.
                Logger.LogError("{Device}: the validator could not return {Note} either; waiting for its escrow timeout", Name, route.Note);
                route.State = RouteState.Acknowledged;
                break;
        }

        RefreshStatus();
    }

    /// <summary>A NAK or an error byte the codec does not know counts as a failure to route, never as success.</summary>
    private CcTalkRouteResult RouteResult(CcTalkExchange exchange) =>
        exchange.Kind != CcTalkReplyKind.Ack ? CcTalkRouteResult.FailedToRoute
        : CcTalkRouteBill.TryParseReply(Link.ReplyData, out var result) ? result
        : CcTalkRouteResult.FailedToRoute;

    /// <summary>
    /// The validator reset or lost power (its counter is back to 0) or was swapped. Its buffer was cleared, so what
    /// became of a bill in the path can only be inferred: a bill in escrow is returned by the device at power-up; a
    /// bill the device was told to stack ends in the cash box with no credit event ever (ccTalk gives no confirmation
    /// of that: the journal settles it against its recorded intent, and the cash-box count confirms it at emptying).
    /// </summary>
    private async Task DeviceResetAsync(string detail, bool reinitialise, CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        var tx = EventTransactionId;
        Logger.LogWarning("{Device}: {Detail}", Name, detail);
        await PublishAsync(new DeviceReset(now, tx, detail), cancellationToken).ConfigureAwait(false);
        if (_escrow is { } escrowed)
        {
            _escrow = null;
            await PublishAsync(new NoteClearedAtPowerUp(now, tx, escrowed, false, _serial), cancellationToken).ConfigureAwait(false);
        }

        if (_route is { } route)
        {
            _route = null;
            Logger.LogWarning(
                "{Device}: {Note} was being {Action} when the validator reset; settled as {Where} (inferred: ccTalk reports nothing for it)",
                Name, route.Note, route.Stack ? "stacked" : "returned", route.Stack ? "in the cash box" : "returned");
            await PublishAsync(new NoteClearedAtPowerUp(now, tx, route.Note, route.Stack, _serial), cancellationToken).ConfigureAwait(false);
        }

        // Jams and mechanism faults are the device's to report again after its start-up check (UNCONFIRMED: a unit
        // that does not would need a service check); the cash-box state is kept until the device says otherwise.
        ClearTransportFaults();
        _accepting = false;
        if (reinitialise)
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
            await SetAcceptingAsync(ShouldAccept, cancellationToken).ConfigureAwait(false);
        }

        RefreshStatus();
    }

    /// <summary>
    /// More new events than the buffer holds, or a buffer that contradicts its counter. Never guessed at: the
    /// transaction ends with a fault; events still visible are handled only when the counter proves them new (a bill
    /// credited among them was taken); the note in the path is left to the journal. The device's settings are sent
    /// again, because a reset may be what hid the events.
    /// </summary>
    private async Task EventsLostAsync(CcTalkWindowStep step, ReadOnlyMemory<byte> reading, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var detail = step.Change == CcTalkWindowChange.Lost
            ? step.Counter.Describe()
            : "the event buffer does not fit its counter (a reset followed by new events, or a buffer that never reads the same twice)";
        Faults.Raise(CcTalkFaults.EventsLost, detail);
        if ((_route?.Note ?? _escrow) is { } inPath)
        {
            Logger.LogWarning("{Device}: lost track of {Note} with the events; the journal settles it", Name, inPath);
        }

        _route = null;
        _escrow = null;
        if (step.Change == CcTalkWindowChange.Lost)
        {
            // Every pair is newer than the last reading, unless a reset hid in the gap: then only as many pairs as the
            // counter has counted since are events at all (the rest is cleared or older history), so never more.
            var visible = Math.Min(_options.EventBufferDepth, (int)step.Counter.Current);
            for (var i = visible - 1; i >= 0; i--)
            {
                var e = CcTalkEventWindow.EventAt(reading.Span, i);
                if (e is not { A: 0, B: 0 })
                {
                    // [0 0] is also what an unused slot holds: it carries no money either way, so it is skipped.
                    await HandleEventAsync(e, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        Logger.LogWarning("{Device}: events lost at {At}: {Detail}", Name, now, detail);
        await ConfigureAsync(cancellationToken).ConfigureAwait(false);
        _accepting = false;
        await SetAcceptingAsync(ShouldAccept, cancellationToken).ConfigureAwait(false);
    }

    private Note NoteFor(byte billType) =>
        billType < _bills.Length && _bills[billType] is { } note ? note : new Note(billType, null);

    /// <summary>The decision for one bill and how far its ROUTE BILL got.</summary>
    private sealed class PendingRoute(Note note, bool stack, ReturnCause cause)
    {
        public Note Note { get; } = note;

        /// <summary>True: to the cash box; false: back to the citizen.</summary>
        public bool Stack { get; } = stack;

        /// <summary>Why it goes back, when it does.</summary>
        public ReturnCause Cause { get; } = cause;

        public RouteState State { get; set; } = RouteState.InFlight;
    }
}
