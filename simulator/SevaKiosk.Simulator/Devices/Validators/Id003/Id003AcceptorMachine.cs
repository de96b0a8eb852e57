using System.Text.Json.Nodes;
using SevaKiosk.Protocol.Id003;

namespace SevaKiosk.Simulator.Devices.Validators.Id003;

/// <summary>
/// The simulated JCM unit's own state machine: what it answers to each host frame, how a note moves through it, and
/// how faults, resets and power cuts affect that note. It shares only the codec with the kiosk driver, never the
/// driver's state machine, so a misunderstanding in one is caught by the other. Thread-safe: host frames arrive on
/// the link loop, control commands on another thread, timers on the <see cref="TimeProvider"/>'s.
/// </summary>
internal sealed partial class Id003AcceptorMachine : IDisposable
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

    /// <summary>True when the unit has power: it reads frames (and, unless hung, answers them).</summary>
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
}
