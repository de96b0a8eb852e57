using System.Text.Json.Nodes;
using SevaKiosk.Protocol.Id003;

namespace SevaKiosk.Simulator.Devices.Validators.Id003;

/// <summary>RESET, power cuts and faults, and what they do to a note inside the unit.</summary>
internal sealed partial class Id003AcceptorMachine
{
    private void Reset()
    {
        _initializeCause = _phase switch
        {
            Id003SimulatorPhase.PowerUp => "power_up",
            Id003SimulatorPhase.Hung => "reset_after_hang",
            _ => "reset",
        };
        CancelTimers();
        if (_options.ResetRestoresSettings)
        {
            RestoreSettings();
        }

        // A note in the transport is handled during initialisation: back out if before the point of no return,
        // into the cash box if past it. A VEND VALID never acknowledged is not credited.
        EnterPhase(Id003SimulatorPhase.Initializing);
        Emit("reset", NoteFields(_note));
        Arm(_options.InitializeDuration, FinishInitializing);
    }

    private void FinishInitializing()
    {
        EnterPhase(Id003SimulatorPhase.Ready);
        Emit("initialized", null);
        ResolveStrandedNote(_initializeCause);
    }

    /// <summary>Once nothing blocks the transport, the note left inside the unit leaves it one way or the other.</summary>
    private void ResolveStrandedNote(string cause)
    {
        if (_note is not { } note || _phase != Id003SimulatorPhase.Ready || _jam is not null || _failure is not null || _stackerOpen)
        {
            return;
        }

        _note = null;
        if (note.Position == Id003NotePosition.Stacker)
        {
            Stack(note, cause);
        }
        else
        {
            EmitReturned(note, cause);
        }
    }

    /// <summary>A fault stops the transport: the note stays where it is until the fault is cleared or power cycles.</summary>
    private void StopTransport()
    {
        switch (_phase)
        {
            case Id003SimulatorPhase.Accepting or Id003SimulatorPhase.Escrow or Id003SimulatorPhase.Holding
                or Id003SimulatorPhase.Stacking or Id003SimulatorPhase.VendValid or Id003SimulatorPhase.Rejecting
                or Id003SimulatorPhase.Returning or Id003SimulatorPhase.Stacked or Id003SimulatorPhase.Cheated:
                CancelTimers();
                EnterPhase(Id003SimulatorPhase.Ready);
                break;
        }
    }

    public void Jam(Id003JamLocation location) => Mutate(() =>
    {
        RequirePower();
        _jam = location;
        StopTransport();
        var fields = NoteFields(_note);
        fields["kind"] = location == Id003JamLocation.Acceptor ? "acceptor" : "stacker";
        Emit("jam", fields);
    });

    public void ClearJam() => Mutate(() =>
    {
        _jam = null;
        Emit("jam-cleared", null);
        ResolveStrandedNote("jam_cleared");
    });

    public void RemoveCashbox() => Mutate(() =>
    {
        RequirePower();
        _stackerOpen = true;
        StopTransport();
        Emit("cashbox", new JsonObject { ["state"] = "removed", ["count"] = _stackedCount, ["total"] = _stackedTotal });
    });

    public void ReplaceCashbox() => Mutate(() =>
    {
        _stackerOpen = false;
        _stackerFull = false;
        _stackedCount = 0;
        _stackedTotal = 0;
        Emit("cashbox", new JsonObject { ["state"] = "replaced" });
        ResolveStrandedNote("cashbox_replaced");
    });

    public void FillCashbox() => Mutate(() =>
    {
        _stackerFull = true;
        Emit("cashbox", new JsonObject { ["state"] = "full" });
    });

    public void Fail(byte code) => Mutate(() =>
    {
        RequirePower();
        _failure = code;
        StopTransport();
        Emit("failure", new JsonObject { ["code"] = Hex(code), ["name"] = Id003FailureCodes.Name(code) });
    });

    public void ClearFailure() => Mutate(() =>
    {
        _failure = null;
        Emit("failure-cleared", null);
        ResolveStrandedNote("failure_cleared");
    });

    public void SetPaused(bool paused) => Mutate(() =>
    {
        _paused = paused;
        Emit("pause", new JsonObject { ["paused"] = paused });
    });

    /// <summary>
    /// Power cut and back. A note in the transport makes the unit report 0x41 (before the point of no return) or
    /// 0x42 (past it); <paramref name="force"/> puts a note there even if none was moving.
    /// </summary>
    public void PowerCycle(Id003NotePosition? force, long? value) => Mutate(() =>
    {
        PowerOffLocked();
        if (force is { } position)
        {
            _note ??= ForcedNote(value);
            _note.Position = position;
        }

        PowerOnLocked();
    });

    public void PowerOff() => Mutate(PowerOffLocked);

    public void PowerOn() => Mutate(() =>
    {
        if (_phase == Id003SimulatorPhase.Off)
        {
            PowerOnLocked();
        }
    });

    private void PowerOffLocked()
    {
        CancelTimers();
        EnterPhase(Id003SimulatorPhase.Off);
        _paused = false;
        Emit("power-off", NoteFields(_note));
    }

    private void PowerOnLocked()
    {
        RestoreSettings();
        EnterPhase(Id003SimulatorPhase.PowerUp);
        var fields = NoteFields(_note);
        fields["status"] = Id003Names.Status(StatusLocked().Code);
        Emit("power-up", fields);
    }

    private SimNote ForcedNote(long? value)
    {
        var slot = value is { } v
            ? _options.Denominations.FirstOrDefault(d => d.IsAssigned && d.Value == v)
            : _options.Denominations.FirstOrDefault(d => d.IsAssigned);
        return new SimNote { Value = value ?? slot.Value, EscrowCode = slot.EscrowCode };
    }

    private void RequirePower()
    {
        if (_phase == Id003SimulatorPhase.Off)
        {
            throw new InvalidOperationException("The acceptor is powered off.");
        }
    }
}
