using System.Globalization;
using System.Text.Json.Nodes;
using SevaKiosk.Protocol.Id003;

namespace SevaKiosk.Simulator.Devices.Validators.Id003;

/// <summary>
/// The simulated JCM unit's own state machine: what it answers to each host frame, how a note moves through it, and
/// how faults, resets and power cuts affect that note. It shares only the codec with the kiosk driver, never the
/// driver's state machine, so a misunderstanding in one is caught by the other. Thread-safe: host frames arrive on
/// the link loop, control commands on another thread, timers on the <see cref="TimeProvider"/>'s.
/// </summary>
internal sealed class Id003AcceptorMachine : IDisposable
{
    private readonly object _gate = new();
    private readonly object _eventGate = new();
    private readonly TimeProvider _time;
    private readonly Id003SimulatorOptions _options;
    private readonly List<JsonObject> _pendingEvents = [];
    private readonly byte[][] _settings = new byte[8][];
    private ITimer? _phaseTimer;
    private ITimer? _unpolledTimer;
    private long _phaseGeneration;
    private long _unpolledGeneration;

    private Id003SimulatorPhase _phase = Id003SimulatorPhase.PowerUp;
    private SimNote? _note;
    private byte _rejectCode;
    private string _returnCause = "host";
    private string _initializeCause = "reset";
    private byte? _failure;
    private Id003JamLocation? _jam;
    private bool _stackerOpen;
    private bool _stackerFull;
    private bool _paused;
    private int _stackedCount;
    private long _stackedTotal;
    private int _creditedCount;

    public Id003AcceptorMachine(Id003SimulatorOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        RestoreSettings();
    }

    /// <summary>Raised outside the state lock, in the order things happened.</summary>
    public event Action<JsonObject>? EventOccurred;

    public Id003SimulatorOptions Options => _options;

    // ----------------------------------------------------------------------------------------------------------------
    // Host frames
    // ----------------------------------------------------------------------------------------------------------------

    /// <summary>True when the unit has power and is not hung: it reads frames and may answer them.</summary>
    public bool IsListening => Mutate(() => _phase is not Id003SimulatorPhase.Off);

    /// <summary>Handles one good frame from the host; returns the reply frame, or null when the unit stays silent.</summary>
    public byte[]? HandleFrame(byte code, ReadOnlySpan<byte> data)
    {
        var copy = data.ToArray();
        return Mutate(() => HandleFrameLocked(code, copy));
    }

    /// <summary>Handles a frame that failed its CRC.</summary>
    public byte[]? HandleBadFrame() => Mutate(() =>
    {
        if (_phase is Id003SimulatorPhase.Off or Id003SimulatorPhase.Hung)
        {
            return null;
        }

        Emit("communication-error", new JsonObject { ["reply"] = _options.CrcErrorReply == Id003CrcErrorReply.CommunicationError });
        return _options.CrcErrorReply == Id003CrcErrorReply.CommunicationError
            ? Id003FrameWriter.ToArray(Id003Status.CommunicationError)
            : null;
    });

    private byte[]? HandleFrameLocked(byte code, byte[] data)
    {
        switch (_phase)
        {
            case Id003SimulatorPhase.Off:
                return null;
            case Id003SimulatorPhase.Hung:
                if (code == (byte)Id003Command.Reset && data.Length == 0)
                {
                    Reset();
                    return Reply(Id003Status.Ack);
                }

                return null;
            case Id003SimulatorPhase.Escrow or Id003SimulatorPhase.Holding:
                ArmUnpolled();
                break;
        }

        switch ((Id003Command)code)
        {
            case Id003Command.StatusRequest when data.Length == 0:
                return StatusFrame();
            case Id003Command.Ack:
                // The unit never answers ACK; it only matters while VEND VALID waits for it.
                if (_phase == Id003SimulatorPhase.VendValid && data.Length == 0)
                {
                    AcknowledgeVendValid();
                }

                return null;
            case Id003Command.Reset when data.Length == 0:
                Reset();
                return Reply(Id003Status.Ack);
            case Id003Command.Stack1 or Id003Command.Stack2 when data.Length == 0 && InEscrow:
                StartStacking((Id003Command)code);
                return Reply(Id003Status.Ack);
            case Id003Command.Return when data.Length == 0 && InEscrow:
                StartReturning("host");
                return Reply(Id003Status.Ack);
            case Id003Command.Hold when data.Length == 0 && InEscrow:
                EnterPhase(Id003SimulatorPhase.Holding);
                Arm(_options.HoldTimeout, () => EscrowTimedOut(polled: true));
                Emit("hold", NoteFields(_note));
                return Reply(Id003Status.Ack);
            case Id003Command.Wait when data.Length == 0 && InEscrow:
                // WAIT's semantics are UNCONFIRMED; this unit treats it as "keep the note where it is for now".
                Arm(_options.HoldTimeout, () => EscrowTimedOut(polled: true));
                Emit("wait", NoteFields(_note));
                return Reply(Id003Status.Ack);
            case Id003Command.VersionRequest when data.Length == 0:
                return Id003FrameWriter.ToArray(code, Id003VersionInfo.Encode(_options.Version));
            case Id003Command.BootVersionRequest when data.Length == 0:
                return Id003FrameWriter.ToArray(code, Id003BootVersion.Encode(_options.BootVersion));
            case Id003Command.CurrencyAssignRequest when data.Length == 0:
                return Id003FrameWriter.ToArray(code, Id003CurrencyAssignment.Encode(_options.Denominations));
        }

        if (Id003Commands.IsSetting(code) && ApplySetting(code, data))
        {
            return Id003FrameWriter.ToArray(code, data);
        }

        if (Id003Commands.IsSettingRequest(code) && data.Length == 0)
        {
            return Id003FrameWriter.ToArray(code, _settings[code - 0x80]);
        }

        return Invalid(code, data);
    }

    private bool InEscrow => _phase is Id003SimulatorPhase.Escrow or Id003SimulatorPhase.Holding;

    private byte[] Invalid(byte code, byte[] data)
    {
        Emit("invalid-command", new JsonObject
        {
            ["command"] = Id003Names.Describe(Id003Direction.HostToAcceptor, code, data),
            ["status"] = Id003Names.Status(StatusLocked().Code),
        });
        return Reply(Id003Status.InvalidCommand);
    }

    private static byte[] Reply(Id003Status status) => Id003FrameWriter.ToArray(status);

    private bool ApplySetting(byte code, byte[] data)
    {
        if (data.Length != Id003Commands.SettingDataLength(code))
        {
            return false;
        }

        switch ((Id003Command)code)
        {
            case Id003Command.SetInhibit when data[0] > 1:
                return false;
            case Id003Command.SetCommunicationMode when data[0] != 0:
                // Interrupt modes 1 and 2 are not simulated: refusing them is visible, pretending is not.
                return false;
        }

        _settings[code - 0xC0] = data;
        Emit("setting", new JsonObject
        {
            ["command"] = Id003Names.Command(code),
            ["data"] = Convert.ToHexString(data),
        });
        return true;
    }

    private void RestoreSettings()
    {
        _settings[0] = [0x00, 0x00];              // C0 all denominations enabled (with the default polarity)
        _settings[1] = [0x00, 0x00];              // C1 normal security
        _settings[2] = [0x00];                    // C2 polled
        _settings[3] = [0x01];                    // C3 inhibited until the host enables it
        _settings[4] = [0x00];                    // C4 all directions
        _settings[5] = [0x00, 0x00];              // C5 no optional functions
        _settings[6] = [0x00, 0x00];              // C6 no bar-code function
        _settings[7] = [0xFE];                    // C7 notes accepted, tickets inhibited
        if (!_options.DenominationMask.SetBitDisables)
        {
            // With "a set bit enables" polarity, power-on means every assigned denomination's bit is set.
            _settings[0] = _options.DenominationMask.EncodeEnabled(
                _options.Denominations.Where(d => d.IsAssigned).Select(d => (d.EscrowCode, true)));
        }
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Status
    // ----------------------------------------------------------------------------------------------------------------

    private byte[] StatusFrame()
    {
        var (code, data) = StatusLocked();
        return Id003FrameWriter.ToArray(code, data);
    }

    private (byte Code, byte[] Data) StatusLocked()
    {
        if (_phase is Id003SimulatorPhase.Off or Id003SimulatorPhase.Hung)
        {
            return (0, []);
        }

        if (_phase == Id003SimulatorPhase.PowerUp)
        {
            var powerUp = _note is null ? Id003Status.PowerUp
                : _note.Position == Id003NotePosition.Stacker ? Id003Status.PowerUpWithBillInStacker
                : Id003Status.PowerUpWithBillInAcceptor;
            return ((byte)powerUp, []);
        }

        if (_failure is { } failure)
        {
            return ((byte)Id003Status.Failure, [failure]);
        }

        if (_jam is { } jam)
        {
            return ((byte)(jam == Id003JamLocation.Acceptor ? Id003Status.JamInAcceptor : Id003Status.JamInStacker), []);
        }

        if (_stackerOpen)
        {
            return ((byte)Id003Status.StackerOpen, []);
        }

        if (_phase == Id003SimulatorPhase.Initializing)
        {
            return ((byte)Id003Status.Initialize, []);
        }

        if (_phase == Id003SimulatorPhase.Cheated)
        {
            return ((byte)Id003Status.Cheated, []);
        }

        if (_paused)
        {
            return ((byte)Id003Status.Pause, []);
        }

        return _phase switch
        {
            Id003SimulatorPhase.Accepting => ((byte)Id003Status.Accepting, []),
            Id003SimulatorPhase.Escrow => ((byte)Id003Status.Escrow, EscrowData(_note!)),
            Id003SimulatorPhase.Holding => ((byte)Id003Status.Holding, []),
            Id003SimulatorPhase.Stacking => ((byte)Id003Status.Stacking, []),
            Id003SimulatorPhase.VendValid => ((byte)Id003Status.VendValid, []),
            Id003SimulatorPhase.Stacked => ((byte)Id003Status.Stacked, []),
            Id003SimulatorPhase.Rejecting => ((byte)Id003Status.Rejecting, [_rejectCode]),
            Id003SimulatorPhase.Returning => ((byte)Id003Status.Returning, []),
            _ when _stackerFull => ((byte)Id003Status.StackerFull, []),
            _ when Inhibited => ((byte)Id003Status.DisableInhibit, []),
            _ => ((byte)Id003Status.EnableIdling, []),
        };
    }

    private static byte[] EscrowData(SimNote note) => note.Ticket is { } ticket
        ? Id003Escrow.EncodeTicket(ticket)
        : Id003Escrow.EncodeNote(note.EscrowCode);

    /// <summary>INHIBIT set, or neither notes nor tickets can be taken.</summary>
    private bool Inhibited => _settings[3][0] == 1 || (!NotesAcceptable && !TicketsAcceptable);

    private bool NotesAcceptable => (_settings[7][0] & 0x01) == 0
        && _options.Denominations.Any(d => d.IsAssigned && DenominationEnabled(d.EscrowCode));

    private bool TicketsAcceptable => (_settings[7][0] & 0x02) == 0 && _settings[6][0] != 0;

    private bool DenominationEnabled(byte escrowCode)
    {
        var mask = _options.DenominationMask;
        var index = escrowCode - mask.FirstEscrowCode;
        return index is < 0 or >= 16 || mask.IsEnabled(_settings[0], escrowCode);
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Note flow
    // ----------------------------------------------------------------------------------------------------------------

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

    // ----------------------------------------------------------------------------------------------------------------
    // RESET, power, faults
    // ----------------------------------------------------------------------------------------------------------------

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

    // ----------------------------------------------------------------------------------------------------------------
    // Snapshot, timers, events
    // ----------------------------------------------------------------------------------------------------------------

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
