using SevaKiosk.Protocol.Ssp;

namespace SevaKiosk.Simulator.Devices.Validators.Ssp;

/// <summary>Result of offering a note to the bezel.</summary>
/// <param name="Taken">The unit drew the note in (it may still reject it after reading).</param>
/// <param name="Refusal">Why it was not taken (disabled, busy, jammed, cash box removed ...).</param>
/// <param name="Channel">Dataset channel of the value, 0 when the dataset has none.</param>
public readonly record struct NoteInsertResult(bool Taken, string? Refusal, int Channel);

public enum CashboxAction
{
    Removed,

    /// <summary>An empty cash box is in place (after removal, or swapped): clears STACKER FULL.</summary>
    Replaced,

    Full,
}

/// <summary>The physical world around the validator: notes, jams, the cash box and the power switch.</summary>
public sealed partial class SspValidatorFirmware
{
    /// <summary>Offers a note of <paramref name="value"/> to the bezel.</summary>
    public NoteInsertResult InsertNote(long value, NoteOutcome outcome)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
        try
        {
            lock (_gate)
            {
                var now = _time.GetUtcNow();
                Advance(now);
                var refusal = now < _bootUntil ? "starting up"
                    : _outOfService ? "out of service"
                    : !_enabled ? "disabled"
                    : _jam is not null ? "jammed"
                    : _note is not null ? "busy with another note"
                    : _cashboxRemoved ? "cash box removed"
                    : _stackerFull ? "stacker full"
                    : _events.AwaitingAckCount > 0 ? "waiting for EVENT ACK"
                    : null;
                var channel = ChannelOf(value);
                if (refusal is not null)
                {
                    return new NoteInsertResult(false, refusal, channel);
                }

                _note = new NoteInPath(value, channel, outcome, now);
                ArmTimer(now);
                return new NoteInsertResult(true, null, channel);
            }
        }
        finally
        {
            Flush();
        }
    }

    /// <summary>Jams the note in the path (or an unseen scrap of paper when the path is empty). Polls report the jam until it is cleared.</summary>
    public void Jam(JamKind kind) => Locked(now =>
    {
        _jam = kind;
        var json = Event("jam");
        json["kind"] = kind == JamKind.Safe ? "safe" : "unsafe";
        json["note"] = _note is { } note ? NoteJson(note) : null;
        Emit(json);
        ArmTimer(now);
    });

    /// <summary>
    /// A technician clears the jam. The note goes on into the cash box if it had been accepted, otherwise back out of
    /// the front, unless <paramref name="noteTo"/> says otherwise; the unit reports NOTE CLEARED FROM FRONT / INTO CASHBOX.
    /// </summary>
    /// <exception cref="InvalidOperationException">Nothing is jammed.</exception>
    public ClearedNote? ClearJam(NoteDestination? noteTo = null) => Locked(now =>
    {
        if (_jam is null)
        {
            throw new InvalidOperationException("Nothing is jammed.");
        }

        var cleared = ClearNote(noteTo);
        if (cleared is not null)
        {
            _events.Add(ClearedEvent(cleared));
        }

        var json = Event("jam-cleared");
        json["noteCleared"] = cleared?.ToJson();
        Emit(json);
        ArmTimer(now);
        return cleared;
    });

    public void SetCashbox(CashboxAction action) => Locked(now =>
    {
        switch (action)
        {
            case CashboxAction.Removed:
                _cashboxRemoved = true;
                break;
            case CashboxAction.Replaced:
                if (!_cashboxRemoved)
                {
                    // Swapped without the unit seeing a gap in between: it still saw the box go and come back.
                    _events.Add(new PollEvent(SspEventCode.CashboxRemoved));
                }

                _cashboxRemoved = false;
                _stackerFull = false;
                _notesInCashbox = 0;
                _events.Add(new PollEvent(SspEventCode.CashboxReplaced));
                break;
            case CashboxAction.Full:
                _stackerFull = true;
                break;
        }

        var json = Event("cashbox");
        json["state"] = action.ToString().ToLowerInvariant();
        Emit(json);
    });

    /// <summary>
    /// Cuts and restores power. A note in the path is cleared at power-up: out of the front if it was being read, held
    /// or returned; into the cash box if it was stacking; <paramref name="noteTo"/> forces either way.
    /// </summary>
    /// <exception cref="InvalidOperationException"><paramref name="noteTo"/> is given but no note is in the path.</exception>
    public ClearedNote? PowerCycle(NoteDestination? noteTo = null) => Locked(now =>
    {
        if (noteTo is not null && _note is null)
        {
            throw new InvalidOperationException("No note is in the path to clear.");
        }

        return Reboot("power-cycle", noteTo, now);
    });

    public SspValidatorStatus Status => Locked(now => new SspValidatorStatus
    {
        Booting = now < _bootUntil,
        Enabled = _enabled,
        OutOfService = _outOfService,
        OutOfServiceReason = _outOfServiceReason,
        ProtocolVersion = _protocolVersion,
        EnabledChannels = [.. EnabledChannelNumbers()],
        NotePhase = _note?.Phase,
        NoteValue = _note?.Value ?? 0,
        NoteChannel = _note?.ReportedChannel ?? 0,
        Jam = _jam,
        CashboxRemoved = _cashboxRemoved,
        StackerFull = _stackerFull,
        NotesInCashbox = _notesInCashbox,
        Counters = CountersSnapshot(),
        LastRejectCode = (SspRejectReason)_lastRejectCode,
        EncryptionRequired = _options.EncryptionRequired,
        KeyNegotiated = _cipher is not null,
        EncryptionCount = _count,
        PendingEvents = [.. _events.Snapshot().Select(e => e.ToString())],
        AwaitingAck = _events.AwaitingAckCount,
        BaudRate = BaudRate,
        DisplayOn = _displayOn,
        Packets = _packets,
        Repeats = _repeats,
    });

    private T Locked<T>(Func<DateTimeOffset, T> action)
    {
        try
        {
            lock (_gate)
            {
                var now = _time.GetUtcNow();
                Advance(now);
                return action(now);
            }
        }
        finally
        {
            Flush();
        }
    }

    private void Locked(Action<DateTimeOffset> action) => Locked(now =>
    {
        action(now);
        return true;
    });
}
