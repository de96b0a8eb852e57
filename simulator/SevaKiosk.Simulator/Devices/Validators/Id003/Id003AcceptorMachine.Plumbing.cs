using System.Globalization;
using System.Text.Json.Nodes;
using SevaKiosk.Protocol.Id003;

namespace SevaKiosk.Simulator.Devices.Validators.Id003;

/// <summary>Snapshot, timers (all on the injected TimeProvider) and events raised outside the lock.</summary>
internal sealed partial class Id003AcceptorMachine
{
    public Id003SimulatorSnapshot Snapshot() => Mutate(() =>
    {
        var status = StatusLocked().Code;
        return new Id003SimulatorSnapshot(
            _phase,
            status,
            status == 0 ? _phase.ToString().ToUpperInvariant() : Id003Names.Status(status),
            _note?.Value,
            _note?.Position,
            Inhibited,
            _stackedCount,
            _stackedTotal,
            _creditedCount);
    });

    private string Describe() => _phase is Id003SimulatorPhase.Off or Id003SimulatorPhase.Hung
        ? _phase.ToString().ToUpperInvariant()
        : Id003Names.Status(StatusLocked().Code);

    private void EnterPhase(Id003SimulatorPhase phase)
    {
        _phase = phase;
        if (phase is not (Id003SimulatorPhase.Escrow or Id003SimulatorPhase.Holding))
        {
            _unpolledTimer?.Dispose();
            _unpolledTimer = null;
            _unpolledGeneration++;
        }
    }

    /// <summary>(Re)starts the phase timer; an older timer's callback is ignored by its generation number.</summary>
    private void Arm(TimeSpan due, Action onDue)
    {
        _phaseTimer?.Dispose();
        var generation = ++_phaseGeneration;
        _phaseTimer = _time.CreateTimer(
            _ => Mutate(() =>
            {
                if (generation == _phaseGeneration)
                {
                    onDue();
                }
            }),
            null,
            AtLeastOneTick(due),
            Timeout.InfiniteTimeSpan);
    }

    /// <summary>Restarts the "host went quiet during escrow" timer; called for every frame received in escrow.</summary>
    private void ArmUnpolled()
    {
        _unpolledTimer?.Dispose();
        var generation = ++_unpolledGeneration;
        _unpolledTimer = _time.CreateTimer(
            _ => Mutate(() =>
            {
                if (generation == _unpolledGeneration && InEscrow)
                {
                    CancelTimers();
                    EscrowTimedOut(polled: false);
                }
            }),
            null,
            AtLeastOneTick(_options.UnpolledEscrowTimeout),
            Timeout.InfiniteTimeSpan);
    }

    private void CancelTimers()
    {
        _phaseTimer?.Dispose();
        _phaseTimer = null;
        _phaseGeneration++;
        _unpolledTimer?.Dispose();
        _unpolledTimer = null;
        _unpolledGeneration++;
    }

    // A zero due time would make some providers fire inside CreateTimer, re-entering the state machine mid-change.
    private static TimeSpan AtLeastOneTick(TimeSpan due) => due > TimeSpan.Zero ? due : TimeSpan.FromTicks(1);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private void EmitReturned(SimNote? note, string cause)
    {
        var fields = NoteFields(note);
        fields["cause"] = cause;
        Emit("note-returned", fields);
    }

    private JsonObject NoteFields(SimNote? note)
    {
        var fields = new JsonObject();
        if (note is null)
        {
            return fields;
        }

        if (note.Ticket is { } ticket)
        {
            fields["ticket"] = ticket;
            return fields;
        }

        fields["value"] = note.Value;
        var slot = _options.Denominations.FirstOrDefault(d => d.IsAssigned && d.EscrowCode == note.EscrowCode);
        if (slot.IsAssigned)
        {
            fields["currency"] = slot.Currency;
            fields["escrowCode"] = Hex(slot.EscrowCode);
        }

        return fields;
    }

    private static string Hex(byte b) => $"0x{b:X2}";

    private void Emit(string kind, JsonObject? fields)
    {
        var line = new JsonObject { ["event"] = kind, ["at"] = _time.GetUtcNow().UtcDateTime.ToString("O", CultureInfo.InvariantCulture) };
        if (fields is not null)
        {
            foreach (var (key, value) in fields.ToList())
            {
                fields.Remove(key);
                line[key] = value;
            }
        }

        _pendingEvents.Add(line);
    }

    private void Mutate(Action action) => Mutate(() =>
    {
        action();
        return true;
    });

    /// <summary>Runs <paramref name="action"/> under the state lock, then raises its events in order outside it.</summary>
    private T Mutate<T>(Func<T> action)
    {
        lock (_eventGate)
        {
            T result;
            JsonObject[] events;
            lock (_gate)
            {
                result = action();
                events = [.. _pendingEvents];
                _pendingEvents.Clear();
            }

            foreach (var e in events)
            {
                EventOccurred?.Invoke(e);
            }

            return result;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            CancelTimers();
        }
    }

    /// <summary>A note (or ticket) inside the unit.</summary>
    private sealed class SimNote
    {
        public long Value { get; init; }

        /// <summary>0 when the note is not in the currency table.</summary>
        public byte EscrowCode { get; init; }

        public string? Ticket { get; init; }

        public Id003NotePosition Position { get; set; } = Id003NotePosition.Acceptor;

        /// <summary>The host acknowledged its VEND VALID.</summary>
        public bool Credited { get; set; }

        public byte? RejectCode { get; set; }

        public bool Fraud { get; init; }
    }
}
