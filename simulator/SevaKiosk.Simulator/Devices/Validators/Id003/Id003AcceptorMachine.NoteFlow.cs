using System.Globalization;
using System.Text.Json.Nodes;
using SevaKiosk.Protocol.Id003;

namespace SevaKiosk.Simulator.Devices.Validators.Id003;

/// <summary>Notes through the unit: bezel, validation, escrow, stacking, VEND VALID, rejects and returns.</summary>
internal sealed partial class Id003AcceptorMachine
{
    /// <summary>A note at the bezel. <paramref name="rejectCode"/> forces a reject; <paramref name="fraud"/> a CHEATED.</summary>
    public Id003InsertResult Insert(long value, byte? rejectCode, bool fraud) => Mutate(() =>
    {
        if (Refusal(new JsonObject { ["value"] = value }) is { } refused)
        {
            return refused;
        }

        var slot = _options.Denominations.FirstOrDefault(d => d.IsAssigned && d.Value == value);
        var note = new SimNote { Value = value, EscrowCode = slot.IsAssigned ? slot.EscrowCode : (byte)0, RejectCode = rejectCode, Fraud = fraud };
        if (!slot.IsAssigned && rejectCode is null && !fraud)
        {
            // Not in this unit's currency table: a foreign or unknown note is refused after validation.
            note.RejectCode = (byte)Id003RejectCode.DenominationAssessingError;
        }

        StartAccepting(note);
        return Id003InsertResult.Accepted;
    });

    /// <summary>A bar-code ticket at the bezel.</summary>
    public Id003InsertResult InsertTicket(string number) => Mutate(() =>
    {
        if (Refusal(new JsonObject { ["ticket"] = number }) is { } refused)
        {
            return refused;
        }

        byte? reject = null;
        if (_settings[6][0] == 0)
        {
            reject = (byte)Id003RejectCode.BarcodeFunctionNotSet;
        }
        else if ((_settings[7][0] & 0x02) != 0)
        {
            reject = (byte)Id003RejectCode.Inhibited;
        }
        else if (_settings[6][1] != 0 && number.Length != _settings[6][1])
        {
            reject = (byte)Id003RejectCode.BarcodeCharacterLengthError;
        }

        StartAccepting(new SimNote { Value = 0, Ticket = number, RejectCode = reject });
        return Id003InsertResult.Accepted;
    });

    /// <summary>Why the bezel would not pull a note in now (busy, inhibited, faulty, full, off), or null.</summary>
    private Id003InsertResult? Refusal(JsonObject offered)
    {
        string? why = null;
        if (_phase != Id003SimulatorPhase.Ready || _note is not null || _failure is not null || _jam is not null || _stackerOpen || _paused)
        {
            why = $"the acceptor is busy or out of order: it is {Describe()}";
        }
        else if (_stackerFull || Inhibited)
        {
            why = $"the bezel does not take notes while the acceptor reports {Id003Names.Status(StatusLocked().Code)}";
        }

        if (why is null)
        {
            return null;
        }

        offered["reason"] = why;
        Emit("note-refused", offered);
        return new Id003InsertResult(false, why);
    }

    private void StartAccepting(SimNote note)
    {
        _note = note;
        EnterPhase(Id003SimulatorPhase.Accepting);
        Emit("note-accepted", NoteFields(note));
        Arm(_options.AcceptingDuration, FinishAccepting);
    }

    private void FinishAccepting()
    {
        var note = _note!;
        if (note.Fraud)
        {
            // The note was pulled back out by whoever is cheating: nothing stays in the unit.
            _note = null;
            EnterPhase(Id003SimulatorPhase.Cheated);
            Emit("fraud-attempt", NoteFields(note));
            Arm(_options.CheatedDuration, () => EnterPhase(Id003SimulatorPhase.Ready));
            return;
        }

        if (note.RejectCode is { } code)
        {
            StartRejecting(code);
            return;
        }

        if (note.Ticket is null && (!DenominationEnabled(note.EscrowCode) || (_settings[7][0] & 0x01) != 0))
        {
            StartRejecting((byte)Id003RejectCode.Inhibited);
            return;
        }

        EnterPhase(Id003SimulatorPhase.Escrow);
        Emit("note-escrowed", NoteFields(note));
        Arm(_options.EscrowTimeout, () => EscrowTimedOut(polled: true));
        ArmUnpolled();
    }

    private void EscrowTimedOut(bool polled)
    {
        var action = polled ? _options.EscrowTimeoutAction : _options.UnpolledEscrowAction;
        Emit("escrow-timeout", new JsonObject { ["polled"] = polled, ["action"] = action == Id003EscrowTimeoutAction.Return ? "return" : "reject" });
        if (action == Id003EscrowTimeoutAction.Return)
        {
            StartReturning(polled ? "escrow_timeout" : "unpolled_escrow_timeout");
        }
        else
        {
            StartRejecting((byte)Id003RejectCode.Inhibited);
        }
    }

    private void StartRejecting(byte code)
    {
        _rejectCode = code;
        EnterPhase(Id003SimulatorPhase.Rejecting);
        Arm(_options.RejectingDuration, () =>
        {
            var fields = NoteFields(ReleaseNote());
            fields["rejectCode"] = Hex(code);
            fields["reason"] = Id003RejectCodes.Name(code);
            Emit("note-rejected", fields);
        });
    }

    private void StartReturning(string cause)
    {
        _returnCause = cause;
        EnterPhase(Id003SimulatorPhase.Returning);
        Arm(_options.ReturningDuration, () => EmitReturned(ReleaseNote(), _returnCause));
    }

    /// <summary>The note has left the unit through the front: the unit is ready again.</summary>
    private SimNote? ReleaseNote()
    {
        var note = _note;
        _note = null;
        EnterPhase(Id003SimulatorPhase.Ready);
        return note;
    }

    private void StartStacking(Id003Command command)
    {
        var note = _note!;
        EnterPhase(Id003SimulatorPhase.Stacking);
        var fields = NoteFields(note);
        fields["command"] = Id003Names.Command((byte)command);
        Emit("stacking", fields);
        var toPoint = Min(_options.StackerPointAfter, _options.StackingDuration);
        Arm(toPoint, () =>
        {
            note.Position = Id003NotePosition.Stacker;
            Arm(_options.StackingDuration - toPoint, ReachVendValid);
        });
    }

    private void ReachVendValid()
    {
        EnterPhase(Id003SimulatorPhase.VendValid);
        Emit("vend-valid", NoteFields(_note));
        if (_options.VendValidAckTimeout is { } timeout)
        {
            Arm(timeout, () =>
            {
                EnterPhase(Id003SimulatorPhase.Hung);
                Emit("hung", new JsonObject
                {
                    ["reason"] = $"VEND_VALID not acknowledged within {timeout.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms; only RESET is answered",
                });
            });
        }
    }

    private void AcknowledgeVendValid()
    {
        var note = _note!;
        note.Credited = true;
        _creditedCount++;
        Emit("note-credited", NoteFields(note));
        _note = null;
        EnterPhase(Id003SimulatorPhase.Stacked);
        Stack(note, "stacked");
        Arm(_options.StackedDuration, () => EnterPhase(Id003SimulatorPhase.Ready));
    }

    /// <summary>A note goes into the cash box. <paramref name="cause"/> says why it got there.</summary>
    private void Stack(SimNote note, string cause)
    {
        _stackedCount++;
        _stackedTotal += note.Value;
        var fields = NoteFields(note);
        fields["credited"] = note.Credited;
        fields["cause"] = cause;
        fields["count"] = _stackedCount;
        fields["total"] = _stackedTotal;
        Emit("note-stacked", fields);
        if (_options.StackerCapacity is { } capacity && _stackedCount >= capacity && !_stackerFull)
        {
            _stackerFull = true;
            Emit("stacker-full", new JsonObject { ["count"] = _stackedCount, ["total"] = _stackedTotal });
        }
    }
}
