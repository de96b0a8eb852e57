using Microsoft.Extensions.Logging;
using SevaKiosk.Hal.Devices;
using SevaKiosk.Protocol.Id003;

namespace SevaKiosk.Hal.CashAcceptors.Id003;

/// <summary>What each status means for the note on its way, the transaction, the faults and acceptance.</summary>
public sealed partial class Id003CashAcceptor
{
    /// <summary>A unit that stays DISABLE this long after INHIBIT went off has every denomination disabled.</summary>
    private static readonly TimeSpan EnableGrace = TimeSpan.FromSeconds(2);

    private static readonly FaultDefinition PauseFault = new(
        "validator.paused", FaultSeverity.Warning, RecommendedAction.OperatorCanClear, true,
        "the validator paused: a second note was pushed in while one was being processed (meaning UNCONFIRMED)");

    private static readonly FaultDefinition UnresolvedNote = new(
        "validator.note-unresolved", FaultSeverity.Critical, RecommendedAction.TechnicianNeeded, false,
        "a note being stacked was stopped by a fault before VEND VALID and the unit did not say where it went: count the cash box against the journal");

    private byte? _failureCode;
    private DateTimeOffset? _disabledSince;

    private async Task HandleStatusAsync(Id003Reply reply, CancellationToken cancellationToken)
    {
        var code = reply.Code;
        if (!IsStatus(code))
        {
            IgnoreNonStatus(reply);
            return;
        }

        if (Id003Statuses.IsPowerUp(code) || code == (byte)Id003Status.Initialize)
        {
            // The unit rebooted (POWER UP) or re-initialised by itself: its settings are gone; start over.
            Logger.LogWarning("{Device}: reports {Status} while running; re-initialising", Name, reply.Describe());
            await InitializeAsync(reply, cancellationToken).ConfigureAwait(false);
            return;
        }

        _powerUpReconciled = null;
        if (_accepted is not null && (Id003Status)code is Id003Status.Stacking or Id003Status.VendValid)
        {
            _stackTaken = true;
        }

        var previous = _lastStatus;
        await ApplyConditionsAsync(reply, cancellationToken).ConfigureAwait(false);
        _lastStatus = code;
        if (_creditedNotStacked is not null && (Id003Status)code is not (Id003Status.VendValid or Id003Status.Stacked))
        {
            // The unit moved past the credited VEND VALID (its STACKED may have come and gone between two polls, and
            // the next note may already be on its way): that note is done. A later VEND VALID is a new note's.
            await CreditedNoteStackedAsync(cancellationToken).ConfigureAwait(false);
        }

        switch ((Id003Status)code)
        {
            case Id003Status.EnableIdling or Id003Status.DisableInhibit:
                await SettleUnseenReturnAsync(cancellationToken).ConfigureAwait(false);
                break;
            case Id003Status.Escrow:
                await EscrowAsync(reply, cancellationToken).ConfigureAwait(false);
                break;
            case Id003Status.Holding:
                await HoldingAsync(cancellationToken).ConfigureAwait(false);
                break;
            case Id003Status.VendValid:
                await VendValidAsync(reply, cancellationToken).ConfigureAwait(false);
                break;
            case Id003Status.Stacked:
                await StackedAsync(cancellationToken).ConfigureAwait(false);
                break;
            case Id003Status.Rejecting:
                await RejectingAsync(reply, previous, cancellationToken).ConfigureAwait(false);
                break;
            case Id003Status.Returning when previous != code:
                await ReturningAsync(cancellationToken).ConfigureAwait(false);
                break;
        }

        UpdateStatus(s => s with { Acceptor = AcceptorStateOf(code, s.Acceptor), InEscrow = _escrow });
        if (!_initializing)
        {
            await SyncAcceptanceAsync(code, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The codes a unit answers STATUS REQUEST with (0x11..0x1B, 0x40..0x4A).</summary>
    private static bool IsStatus(byte code) => code is >= 0x11 and <= 0x1B or >= 0x40 and <= 0x4A;

    private void IgnoreNonStatus(Id003Reply reply)
    {
        var code = reply.Code;
        if (code == (byte)Id003Status.InvalidCommand || !Id003Commands.IsPossibleReply((byte)Id003Command.StatusRequest, code))
        {
            // Refused, or a reply to something else (a late answer to an earlier command; the link drops those, this
            // is the second line): the next poll asks again.
            Logger.LogDebug("{Device}: STATUS REQUEST answered {Reply}; polling again", Name, reply.Describe());
            return;
        }

        // A status this firmware does not know (a recycler extension, a newer protocol revision): nothing is guessed.
        Faults.Raise(CommonFaults.UnknownEvent, reply.Describe());
        Logger.LogError("{Device}: unknown status {Reply}", Name, reply.Describe());
    }

    /// <summary>Faults and cash-box events from conditions the unit reports for as long as they last.</summary>
    private async Task ApplyConditionsAsync(Id003Reply reply, CancellationToken cancellationToken)
    {
        var code = (Id003Status)reply.Code;
        if (Id003Statuses.IsPowerUp(reply.Code) || code == Id003Status.Initialize)
        {
            // These outrank every condition: they say nothing about jams or the cash box.
            return;
        }

        if (_accepted is not null && _stackTaken && code is Id003Status.JamInAcceptor or Id003Status.JamInStacker or Id003Status.StackerOpen or Id003Status.Failure)
        {
            _stackInterrupted = true;
        }

        SetFault(CommonFaults.JamUnsafe, code == Id003Status.JamInAcceptor, "JAM_IN_ACCEPTOR: the note can be reached from the bezel");
        SetFault(CommonFaults.JamSafe, code == Id003Status.JamInStacker, "JAM_IN_STACKER");
        SetFault(CommonFaults.StackerFull, code == Id003Status.StackerFull);
        SetFault(PauseFault, code == Id003Status.Pause);
        ApplyFailure(code == Id003Status.Failure ? (reply.Data.IsEmpty ? (byte)0 : reply.Data[0]) : null);

        var now = Time.GetUtcNow();
        var tx = EventTransactionId;
        if (code == Id003Status.Cheated)
        {
            RaiseFraud("CHEATED");
            if (_lastStatus != reply.Code)
            {
                await PublishAsync(new FraudDetected(now, tx, null, "ID-003 CHEATED"), cancellationToken).ConfigureAwait(false);
            }
        }

        ExpireFraud();
        var cashbox = code switch
        {
            Id003Status.StackerOpen => CashboxState.Removed,
            Id003Status.StackerFull => CashboxState.Full,
            _ => CashboxState.Present,
        };
        SetFault(CommonFaults.CashboxRemoved, cashbox == CashboxState.Removed);
        var before = Status.Cashbox;
        if (cashbox != before)
        {
            UpdateStatus(s => s with { Cashbox = cashbox });
            if (before != CashboxState.Unknown || cashbox != CashboxState.Present)
            {
                await PublishAsync(new CashboxChanged(now, tx, cashbox), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>FAILURE carries a code; a different code replaces the fault so its message stays true.</summary>
    private void ApplyFailure(byte? code)
    {
        if (_failureCode is { } active && active != code)
        {
            Faults.Clear(CommonFaults.Failure.Code);
        }

        _failureCode = code;
        if (code is { } failure)
        {
            Faults.Raise(CommonFaults.Failure, $"{Id003FailureCodes.Name(failure)} (0x{failure:X2})");
        }
    }

    private async Task EscrowAsync(Id003Reply reply, CancellationToken cancellationToken)
    {
        Note note;
        try
        {
            var escrow = Id003Escrow.Parse(reply.Data);
            note = escrow.IsTicket ? new Note(escrow.EscrowCode, null) : NoteFor(escrow.EscrowCode);
            if (escrow.IsTicket)
            {
                Logger.LogInformation("{Device}: bar-code ticket {Ticket} in escrow; the kiosk takes banknotes only", Name, escrow.Ticket);
            }
        }
        catch (Id003DecodeException ex)
        {
            // A value nobody can tell is never taken: the limits return a note without a value.
            Logger.LogWarning("{Device}: {Message}; returning the note", Name, ex.Message);
            note = new Note(reply.Data.IsEmpty ? 0 : reply.Data[0], null);
        }

        if (await RepeatDecisionAsync(note, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        _escrow = note;
        UpdateStatus(s => s with { Acceptor = AcceptorState.Escrow, InEscrow = note });
        var (decision, cause) = await DecideAsync(note, HoldAsync, cancellationToken).ConfigureAwait(false);
        _escrow = null;
        if (decision == EscrowDecision.Accept)
        {
            // The handler journaled the intent; the stack command follows at once.
            Accepted(note);
            _stackTaken = await OperateAsync(_options.StackCommand, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            _returning = (note, cause);
            await OperateAsync(Id003Command.Return, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The unit still shows ESCROW after we decided: the command did not take (lost, or sent while the link went).
    /// The decision stands and is sent again, never re-decided. A note with a different code is a new note: the
    /// old one left without us seeing it, so it went back to the customer.
    /// </summary>
    private async Task<bool> RepeatDecisionAsync(Note note, CancellationToken cancellationToken)
    {
        var decided = _accepted ?? _returning?.Note;
        if (decided is null)
        {
            return false;
        }

        if (decided.DeviceCode == note.DeviceCode)
        {
            var command = _accepted is not null ? _options.StackCommand : Id003Command.Return;
            Logger.LogWarning("{Device}: {Note} still in escrow; sending {Command} again", Name, note, Id003Names.Command((byte)command));
            var taken = await OperateAsync(command, cancellationToken).ConfigureAwait(false);
            _stackTaken |= taken && _accepted is not null;
            return true;
        }

        await SettleUnseenReturnAsync(cancellationToken).ConfigureAwait(false);
        return false;
    }

    /// <summary>HOLDING carries no escrow code: the note held is the one we decided on, or one we know nothing of.</summary>
    private async Task HoldingAsync(CancellationToken cancellationToken)
    {
        if (_accepted is { } accepted)
        {
            await RepeatDecisionAsync(accepted, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (_returning is { } returning)
        {
            await RepeatDecisionAsync(returning.Note, cancellationToken).ConfigureAwait(false);
            return;
        }

        // Held by someone before us (a restart during a decision): without a value it cannot be taken.
        Logger.LogWarning("{Device}: a note of unknown value is held in escrow; returning it", Name);
        _returning = (new Note(0, null), ReturnCause.Rollback);
        await OperateAsync(Id003Command.Return, cancellationToken).ConfigureAwait(false);
    }

    private async Task HoldAsync(CancellationToken cancellationToken)
    {
        var reply = await _link.ExchangeAsync(Id003Command.Hold, cancellationToken).ConfigureAwait(false);
        if (reply.Code != (byte)Id003Status.Ack)
        {
            Logger.LogWarning("{Device}: HOLD answered {Reply}: the note may have left escrow; the status after the decision tells", Name, reply.Describe());
        }
    }

    /// <summary>
    /// The credit point. ACK goes out at once; the credit follows it, once per note: a VEND VALID repeated because
    /// the unit did not get our ACK is acknowledged again and never credited again.
    /// </summary>
    private async Task VendValidAsync(Id003Reply reply, CancellationToken cancellationToken)
    {
        if (_options.VendValidAckDelay > TimeSpan.Zero)
        {
            await Task.Delay(_options.VendValidAckDelay, Time, cancellationToken).ConfigureAwait(false);
        }

        await _link.SendUnansweredAsync(Id003Command.Ack, cancellationToken).ConfigureAwait(false);
        if (_creditedNotStacked is not null)
        {
            Logger.LogDebug("{Device}: VEND VALID again for {Note} (our ACK was lost); acknowledged, not credited again", Name, _creditedNotStacked);
            return;
        }

        var note = _accepted ?? _returning?.Note;
        if (note is null)
        {
            // Found at connect with nothing known (the kiosk restarted mid-note). Whether VEND VALID carries the
            // escrow code is UNCONFIRMED (MON says so): use it if it names a denomination, else the journal settles it.
            note = reply.Data.Length == 1 && _values.ContainsKey(reply.Data[0]) ? NoteFor(reply.Data[0]) : new Note(0, null);
            Logger.LogWarning("{Device}: VEND VALID for a note this driver did not stack; crediting {Note}", Name, note);
        }
        else if (_returning is not null)
        {
            Logger.LogWarning("{Device}: VEND VALID for {Note}, which was to be returned: the unit's word counts", Name, note);
        }

        Accepted(null);
        _returning = null;
        _creditedNotStacked = note;
        await CreditAsync(note, _serial, cancellationToken).ConfigureAwait(false);
    }

    private async Task StackedAsync(CancellationToken cancellationToken)
    {
        if (_creditedNotStacked is not null)
        {
            await CreditedNoteStackedAsync(cancellationToken).ConfigureAwait(false);
        }
        else if (_accepted is { } accepted)
        {
            // STACKED without VEND VALID: the unit skipped the credit point (per the protocol it waits for our ACK).
            // The note is in the cash box; the journal settles it as it settles a power-up clearance.
            Accepted(null);
            Logger.LogError("{Device}: {Note} STACKED without VEND VALID; settling it against the journal", Name, accepted);
            await PublishAsync(new NoteClearedAtPowerUp(Time.GetUtcNow(), EventTransactionId, accepted, IntoCashbox: true, _serial), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RejectingAsync(Id003Reply reply, byte previous, CancellationToken cancellationToken)
    {
        var code = reply.Data.IsEmpty ? (byte)0 : reply.Data[0];
        if (previous == (byte)Id003Status.Rejecting && code == _lastRejectCode)
        {
            return;
        }

        _lastRejectCode = code;
        var now = Time.GetUtcNow();
        var tx = EventTransactionId;
        if ((_accepted ?? _returning?.Note) is { } decided)
        {
            // A note that was in escrow: the unit gave it back on its own (escrow timeout 0x79, or it failed the
            // stack). Even one we had accepted was never credited.
            var cause = _returning?.Cause ?? (code == (byte)Id003RejectCode.Inhibited ? ReturnCause.Timeout : ReturnCause.Device);
            Accepted(null);
            _returning = null;
            await PublishAsync(new NoteReturned(now, tx, decided, cause), cancellationToken).ConfigureAwait(false);
            return;
        }

        await PublishAsync(new NoteRejected(now, tx, Id003RejectCodes.Name(code), code, Id003RejectCodes.IsFraudSuspect(code)), cancellationToken).ConfigureAwait(false);
    }

    private async Task ReturningAsync(CancellationToken cancellationToken)
    {
        if ((_returning?.Note ?? _accepted) is not { } note)
        {
            Logger.LogInformation("{Device}: returning a note this driver did not decide on", Name);
            return;
        }

        var cause = _returning?.Cause ?? ReturnCause.Device;
        _returning = null;
        Accepted(null);
        await PublishAsync(new NoteReturned(Time.GetUtcNow(), EventTransactionId, note, cause), cancellationToken).ConfigureAwait(false);
    }

    private async Task CreditedNoteStackedAsync(CancellationToken cancellationToken)
    {
        var credited = _creditedNotStacked;
        _creditedNotStacked = null;
        await PublishAsync(new NoteStacked(Time.GetUtcNow(), EventTransactionId, credited), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// ENABLE or DISABLE (or a new note in escrow): a note we told to stack or return that never reached VEND VALID,
    /// REJECTING or RETURNING went back out while we were not looking.
    /// </summary>
    private async Task SettleUnseenReturnAsync(CancellationToken cancellationToken)
    {
        if ((_accepted ?? _returning?.Note) is not { } decided)
        {
            return;
        }

        if (_accepted is not null && _stackInterrupted)
        {
            // The unit took the STACK, then a fault stopped the note before VEND VALID, and now it is gone. Past the
            // point of no return it went into the cash box, before it back to the customer; ID-003 does not say
            // which. Neither a credit nor a return is invented: the journal's stack intent stays open for a person.
            Faults.Raise(UnresolvedNote, $"{decided} (transaction {EventTransactionId?.ToString() ?? "none"})");
            Logger.LogError("{Device}: {Note} was stopped by a fault while stacking and left the unit unseen; not credited, not returned: count the cash box", Name, decided);
            Accepted(null);
            return;
        }

        var cause = _returning?.Cause ?? ReturnCause.Device;
        Logger.LogWarning("{Device}: {Note} left the unit without VEND VALID while unobserved: returned", Name, decided);
        Accepted(null);
        _returning = null;
        await PublishAsync(new NoteReturned(Time.GetUtcNow(), EventTransactionId, decided, cause), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>INHIBIT follows the transaction: off while one is open, on otherwise. A unit that ignores it says why.</summary>
    private async Task SyncAcceptanceAsync(byte code, CancellationToken cancellationToken)
    {
        var enabled = code == (byte)Id003Status.EnableIdling;
        var disabled = code == (byte)Id003Status.DisableInhibit;
        if (!disabled || !ShouldAccept || _inhibited != false)
        {
            _disabledSince = null;
        }

        if (ShouldAccept && (enabled || disabled) && _inhibited != false)
        {
            await SetAcceptingAsync(true, cancellationToken).ConfigureAwait(false);
        }
        else if (!ShouldAccept && enabled)
        {
            if (_inhibited == true)
            {
                // INHIBIT was echoed but the unit still takes notes: send it again on the next poll.
                Logger.LogWarning("{Device}: ENABLE although INHIBIT is on; inhibiting again", Name);
                _inhibited = null;
                return;
            }

            await SetAcceptingAsync(false, cancellationToken).ConfigureAwait(false);
        }
        else if (disabled && ShouldAccept && _inhibited == false)
        {
            var now = Time.GetUtcNow();
            _disabledSince ??= now;
            if (now - _disabledSince.Value > EnableGrace)
            {
                Faults.Raise(CommonFaults.AllInhibited, "INHIBIT is off but the unit stays DISABLE: it disables every denomination we enabled; check DenominationMask polarity (UNCONFIRMED) and the unit's DIP switches");
            }
        }
    }

    private static AcceptorState AcceptorStateOf(byte code, AcceptorState current) => (Id003Status)code switch
    {
        Id003Status.EnableIdling => AcceptorState.Idle,
        Id003Status.DisableInhibit or Id003Status.StackerFull or Id003Status.StackerOpen => AcceptorState.Disabled,
        Id003Status.Accepting or Id003Status.Pause => AcceptorState.Reading,
        Id003Status.Escrow or Id003Status.Holding => AcceptorState.Escrow,
        Id003Status.Stacking or Id003Status.VendValid or Id003Status.Stacked => AcceptorState.Stacking,
        Id003Status.Rejecting or Id003Status.Cheated => AcceptorState.Rejecting,
        Id003Status.Returning => AcceptorState.Returning,
        Id003Status.JamInAcceptor or Id003Status.JamInStacker => AcceptorState.Jammed,
        Id003Status.Failure => AcceptorState.Failure,
        _ => current,
    };
}
