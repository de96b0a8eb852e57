using System.Text.Json.Nodes;
using SevaKiosk.Protocol.Ssp;

namespace SevaKiosk.Simulator.Devices.Validators.Ssp;

/// <summary>
/// The note path: reading → escrow → (POLL) stacking → credit point → stacked, or → rejecting → rejected. Each phase
/// ends at a deadline on the injected clock; one timer is armed for the next deadline, and every entry point first
/// catches up with the clock, so virtual-time tests and a late timer both see the same sequence.
/// </summary>
public sealed partial class SspValidatorFirmware
{
    private NoteInPath? _note;
    private JamKind? _jam;
    private bool _cashboxRemoved;
    private bool _stackerFull;
    private int _notesInCashbox;
    private byte _lastRejectCode;
    private uint _stacked;
    private uint _rejected;

    /// <summary>A POLL accepts a note whose READ(channel) has been reported, then reports what happened and what holds.</summary>
    private byte[] Poll(bool withAck, bool encrypted, DateTimeOffset now)
    {
        if (_note is { Phase: NotePhase.Escrow, EscrowReported: true } held && _jam is null)
        {
            held.EnterStacking(now);
            Emit(NoteEvent("note-accepted", held));
        }

        var maxLength = encrypted ? SspCipher.MaxPlainLength : SspConstants.MaxDataLength;
        var reply = _events.BuildPollReply(withAck, Conditions(), maxLength, _delivered);
        foreach (var delivered in _delivered)
        {
            if (delivered is { Code: SspEventCode.Read, Channel: > 0 } && _note is { Phase: NotePhase.Escrow } note)
            {
                note.EscrowReported = true;
            }
            else if (delivered.Code == SspEventCode.NoteCredit && _note is { Phase: NotePhase.Stacking } stacking)
            {
                stacking.CreditDelivered = true;
            }
        }

        return reply;
    }

    /// <summary>Conditions that hold right now; they end every poll reply for as long as they last.</summary>
    private List<PollEvent> Conditions()
    {
        _conditions.Clear();
        if (_note is { } note && _jam is null)
        {
            switch (note.Phase)
            {
                case NotePhase.Reading:
                    _conditions.Add(new PollEvent(SspEventCode.Read, 0));
                    break;
                case NotePhase.Stacking:
                    _conditions.Add(new PollEvent(SspEventCode.Stacking));
                    break;
                case NotePhase.Rejecting:
                    _conditions.Add(new PollEvent(SspEventCode.Rejecting));
                    break;
            }
        }

        if (_jam is { } jam)
        {
            _conditions.Add(new PollEvent(jam == JamKind.Safe ? SspEventCode.SafeNoteJam : SspEventCode.UnsafeNoteJam));
        }

        if (_cashboxRemoved)
        {
            _conditions.Add(new PollEvent(SspEventCode.CashboxRemoved));
        }

        if (_stackerFull)
        {
            _conditions.Add(new PollEvent(SspEventCode.StackerFull));
        }

        if (!_enabled)
        {
            _conditions.Add(new PollEvent(SspEventCode.Disabled));
        }
        else if (_enabledChannels == 0)
        {
            // Enabled with every channel inhibited: the classic "accepts nothing" trap, reported as CHANNEL DISABLE.
            _conditions.Add(new PollEvent(SspEventCode.ChannelDisable));
        }

        return _conditions;
    }

    private byte[] ReturnFromEscrow(SspRejectReason reason, DateTimeOffset now)
    {
        if (_note is not { Phase: NotePhase.Escrow } note || _jam is not null)
        {
            return Generic(SspGenericResponse.CommandCannotBeProcessed);
        }

        note.EnterRejecting(now, (byte)reason);
        return Ok();
    }

    /// <summary>Sends a note that is being read or held back to the user (disable, out of service).</summary>
    private void ReturnHeldNote(SspRejectReason reason, DateTimeOffset now)
    {
        if (_note is { Phase: NotePhase.Reading or NotePhase.Escrow } note && _jam is null)
        {
            note.EnterRejecting(now, (byte)reason);
        }
    }

    /// <summary>Runs every phase change that is due by <paramref name="now"/>, each at its own deadline.</summary>
    private void Advance(DateTimeOffset now)
    {
        while (_note is { } note && _jam is null)
        {
            var due = Deadline(note);
            if (due > now)
            {
                return;
            }

            Step(note, due);
        }
    }

    private DateTimeOffset Deadline(NoteInPath note) => note.Phase switch
    {
        NotePhase.Reading => note.PhaseStartedAt + _options.ReadingTime,

        // HOLD, or any command at all, restarts the escrow timer.
        NotePhase.Escrow => Max(note.PhaseStartedAt, _lastCommandAt) + _options.EscrowTimeout,
        NotePhase.Stacking => note.PhaseStartedAt + (note.Credited ? _options.StackingTime : _options.CreditDelay),
        _ => note.PhaseStartedAt + _options.RejectingTime,
    };

    private void Step(NoteInPath note, DateTimeOffset at)
    {
        switch (note.Phase)
        {
            case NotePhase.Reading:
                FinishReading(note, at);
                break;

            case NotePhase.Escrow:
                note.EnterRejecting(at, (byte)SspRejectReason.EscrowTimeout);
                break;

            case NotePhase.Stacking when !note.Credited:
                // The credit point: the note can no longer be pulled back. This is where the host gives credit.
                note.Credited = true;
                _events.Add(new PollEvent(SspEventCode.NoteCredit, note.Channel));
                Emit(NoteEvent("note-credited", note));
                break;

            case NotePhase.Stacking:
                _note = null;
                _events.Add(new PollEvent(SspEventCode.Stacked));
                IntoCashbox();
                Emit(NoteEvent("note-stacked", note));
                break;

            default:
                _note = null;
                _events.Add(new PollEvent(SspEventCode.Rejected));
                _lastRejectCode = note.RejectCode;
                _rejected++;
                var json = NoteEvent(note.ReturnedFromEscrow ? "note-returned" : "note-rejected", note);
                json["rejectCode"] = $"0x{note.RejectCode:X2}";
                json["reason"] = SspRejectReasons.Name(note.RejectCode);
                Emit(json);
                break;
        }
    }

    private void FinishReading(NoteInPath note, DateTimeOffset at)
    {
        if (note.Outcome.Fraud)
        {
            _note = null;
            _events.Add(new PollEvent(SspEventCode.FraudAttempt, note.Channel));
            Emit(NoteEvent("fraud-attempt", note));
            return;
        }

        var reject = note.Outcome.Reject is { } forced ? (byte)forced
            : note.Channel == 0 ? (byte)SspNoteRejections.NotInDataset
            : (_enabledChannels & (1u << (note.Channel - 1))) == 0 ? (byte)SspRejectReason.ChannelInhibit
            : (byte)0;
        if (reject != 0)
        {
            note.EnterRejecting(at, reject);
            return;
        }

        note.EnterEscrow(at);
        _events.Add(new PollEvent(SspEventCode.Read, note.Channel));
        Emit(NoteEvent("note-escrowed", note));
    }

    /// <summary>Takes the note (and any jam) out of the path, pushing it to <paramref name="to"/> or where its phase leads.</summary>
    private ClearedNote? ClearNote(NoteDestination? to)
    {
        _jam = null;
        if (_note is not { } note)
        {
            return null;
        }

        _note = null;
        var destination = to ?? (note.Phase == NotePhase.Stacking ? NoteDestination.Cashbox : NoteDestination.Front);
        if (destination == NoteDestination.Cashbox)
        {
            IntoCashbox();
        }

        return new ClearedNote(destination, note.ReportedChannel, note.Value, note.CreditDelivered);
    }

    private static PollEvent ClearedEvent(ClearedNote note) => new(
        note.Destination == NoteDestination.Front ? SspEventCode.NoteClearedFromFront : SspEventCode.NoteClearedIntoCashbox,
        (byte)note.Channel);

    private void IntoCashbox()
    {
        _stacked++;
        _notesInCashbox++;
        if (_options.CashboxCapacity > 0 && _notesInCashbox >= _options.CashboxCapacity && !_stackerFull)
        {
            _stackerFull = true;
            Emit(Event("stacker-full"));
        }
    }

    private byte ChannelOf(long value)
    {
        for (var i = 0; i < _channels.Count; i++)
        {
            if (_channels[i].Value == value)
            {
                return (byte)(i + 1);
            }
        }

        return 0;
    }

    private void OnTimer()
    {
        try
        {
            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }

                var now = _time.GetUtcNow();
                Advance(now);
                ArmTimer(now);
            }
        }
        finally
        {
            Flush();
        }
    }

    private void ArmTimer(DateTimeOffset now)
    {
        if (_disposed)
        {
            return;
        }

        if (_note is { } note && _jam is null)
        {
            var due = Deadline(note) - now;
            _timer.Change(due > TimeSpan.Zero ? due : TimeSpan.FromMilliseconds(1), Timeout.InfiniteTimeSpan);
        }
        else
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private JsonObject NoteEvent(string name, NoteInPath note)
    {
        var json = NoteJson(note);
        json.Insert(0, "event", name);
        return json;
    }

    private JsonObject NoteJson(NoteInPath note) => new()
    {
        ["value"] = note.Value,
        ["channel"] = note.ReportedChannel,
        ["currency"] = _options.Currency,
        ["phase"] = note.Phase.ToString().ToLowerInvariant(),
    };
}

/// <summary>A note taken out of the path by a power cycle or a cleared jam.</summary>
/// <param name="Channel">Channel reported with NOTE CLEARED ...; 0 when the note had not been validated yet.</param>
/// <param name="CreditDelivered">NOTE CREDIT for this note already went out in a poll reply: a host that got it must
/// settle NOTE CLEARED INTO CASHBOX against its journal instead of crediting again.</param>
public sealed record ClearedNote(NoteDestination Destination, int Channel, long Value, bool CreditDelivered)
{
    public JsonObject ToJson() => new()
    {
        ["to"] = Destination == NoteDestination.Front ? "front" : "cashbox",
        ["channel"] = Channel,
        ["value"] = Value,
        ["creditDelivered"] = CreditDelivered,
    };
}
