using System.Text.Json;
using System.Text.Json.Nodes;
using SevaKiosk.Simulator.Control;
using SevaKiosk.Simulator.Devices.CardReaders.Pn532.Cards;
using SevaKiosk.Simulator.Pty;

namespace SevaKiosk.Simulator.Devices.CardReaders.Pn532;

/// <summary>
/// A PN532 NFC controller on its HSU (UART) interface, written from the NXP PN532 user manual (UM0701-02) and
/// independent of any driver. It acknowledges every well-formed frame, answers the commands a reader needs (firmware
/// version, SAM configuration, parameters, RF configuration, GPIO, registers, passive-target listing, data exchange,
/// select/deselect/release), and relays card commands to the <see cref="VirtualCard"/> in its field.
/// </summary>
/// <remarks>
/// Control commands (JSON): <c>{"tap":{"uid":...,"type":...,"ndef":...}}</c> puts a card in the field,
/// <c>{"remove":true}</c> takes it away, <c>{"silent":true|false}</c> makes the chip stop (or resume) answering
/// anything, as an unplugged or hung reader would. Frames with a bad length or data checksum are dropped without an
/// ACK (the host times out); unknown commands get the syntax-error frame. With MxRtyPassiveActivation = 0xFF (the
/// power-on default) InListPassiveTarget waits for a card until one is tapped or the host sends another frame.
/// </remarks>
public sealed class SimulatedPn532 : ISimulatedDevice
{
    private static readonly byte[] FirmwareVersion = [0x32, 0x01, 0x06, 0x07]; // IC PN532, firmware 1.6, ISO A + B + 18092

    private readonly object _gate = new();
    private readonly Pn532FrameReader _reader = new();
    private Stream? _link;
    private VirtualCard? _card;
    private bool _targetActive;
    private bool _silent;
    private bool _listPending;
    private byte _maxRetryPassiveActivation = 0xFF;
    private byte[] _lastResponse = [];

    public SimulatedPn532()
    {
        // Run the command path once so that JIT compilation does not eat into the host's ACK timeout on the first frame.
        lock (_gate)
        {
            _ = Execute([(byte)Pn532Command.GetFirmwareVersion], out _);
            _ = Execute([(byte)Pn532Command.InListPassiveTarget, 0x01, 0x03], out _);
        }
    }

    public event Action<JsonObject>? EventOccurred;

    public string Kind => "card-reader";

    /// <summary>The card in the field, if any.</summary>
    public VirtualCard? Card
    {
        get
        {
            lock (_gate)
            {
                return _card;
            }
        }
    }

    public bool Silent
    {
        get
        {
            lock (_gate)
            {
                return _silent;
            }
        }
    }

    /// <summary>Commands answered since start (for diagnostics and tests).</summary>
    public int CommandsAnswered { get; private set; }

    public JsonObject Describe() => new()
    {
        ["chip"] = "PN532",
        ["interface"] = "HSU 115200 8N1",
        ["firmware"] = "1.6",
    };

    public Task RunAsync(Stream link, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _link = link;
        }

        // A dedicated thread: the PN532 driver gives the chip about 90 ms to acknowledge a frame, which a read
        // waiting for a thread-pool thread can miss when the host side blocks pool threads (as the driver does).
        return Task.Factory.StartNew(
            () => Serve(link, cancellationToken),
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }

    private void Serve(Stream link, CancellationToken cancellationToken)
    {
        var buffer = new byte[512];
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var n = link is PtyStream pty
                    ? pty.Read(buffer, cancellationToken)
                    : link.ReadAsync(buffer, cancellationToken).AsTask().GetAwaiter().GetResult();
                if (n == 0)
                {
                    return;
                }

                foreach (var frame in _reader.Feed(buffer.AsSpan(0, n)))
                {
                    Handle(frame);
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                _link = null;
            }
        }
    }

    public JsonObject? Apply(JsonElement command)
    {
        if (command.TryGetProperty("tap", out var tap))
        {
            return Tap(VirtualCardFactory.Create(tap));
        }

        if (command.TryGetProperty("remove", out var remove))
        {
            if (remove.ValueKind != JsonValueKind.True)
            {
                throw new SimulatorControlException("\"remove\" takes true.");
            }

            var removed = Remove();
            return new JsonObject { ["removed"] = removed?.UidHex };
        }

        if (command.TryGetProperty("silent", out var silent))
        {
            if (silent.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                throw new SimulatorControlException("\"silent\" takes true or false.");
            }

            SetSilent(silent.GetBoolean());
            return new JsonObject { ["silent"] = silent.GetBoolean() };
        }

        throw new SimulatorControlException("Unknown card-reader command; use {\"tap\":{...}}, {\"remove\":true} or {\"silent\":true|false}.");
    }

    /// <summary>Puts <paramref name="card"/> in the field (replacing any card already there).</summary>
    public JsonObject Tap(VirtualCard card)
    {
        byte[]? delayed = null;
        lock (_gate)
        {
            _card = card;
            _targetActive = false;
            if (_listPending && !_silent)
            {
                // A host waiting in InListPassiveTarget (infinite retries) now gets its answer.
                _listPending = false;
                delayed = Pn532Frames.Response((byte)Pn532Command.InListPassiveTarget, ListTarget(card));
                Send(delayed);
            }
        }

        var described = card.Describe();
        Raise(new JsonObject { ["event"] = "tapped", ["card"] = described.DeepClone() });
        return described;
    }

    /// <summary>Takes the card out of the field; returns it, or null when there was none.</summary>
    public VirtualCard? Remove()
    {
        VirtualCard? card;
        lock (_gate)
        {
            card = _card;
            _card = null;
            _targetActive = false;
        }

        if (card is not null)
        {
            Raise(new JsonObject { ["event"] = "removed", ["uid"] = card.UidHex });
        }

        return card;
    }

    public void SetSilent(bool silent)
    {
        lock (_gate)
        {
            _silent = silent;
            _listPending = false;
        }

        Raise(new JsonObject { ["event"] = "silent", ["silent"] = silent });
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private void Handle(Pn532Frame frame)
    {
        JsonObject? note = null;
        lock (_gate)
        {
            if (_silent)
            {
                return;
            }

            switch (frame.Kind)
            {
                case Pn532FrameKind.Ack:
                    // The host aborts the command in progress (UM0701-02 §6.2.1.3).
                    _listPending = false;
                    return;
                case Pn532FrameKind.Nack:
                    Send(_lastResponse);
                    return;
                case Pn532FrameKind.Command:
                    _listPending = false;
                    var reply = Execute(frame.Data, out note);
                    CommandsAnswered++;
                    if (reply is null)
                    {
                        Send(Pn532Frames.Ack);
                    }
                    else
                    {
                        _lastResponse = reply;
                        Send([.. Pn532Frames.Ack, .. reply]);
                    }

                    break;
                default:
                    note = new JsonObject { ["event"] = "frame-error", ["kind"] = frame.Kind.ToString() };
                    break;
            }
        }

        if (note is not null)
        {
            Raise(note);
        }
    }

    /// <summary>Runs one command. Returns the response frame, or null when the answer comes later (pending list).</summary>
    private byte[]? Execute(byte[] data, out JsonObject? note)
    {
        note = null;
        var code = data[0];
        var args = data.AsSpan(1);
        byte[] Reply(params byte[] payload) => Pn532Frames.Response(code, payload);

        switch ((Pn532Command)code)
        {
            case Pn532Command.GetFirmwareVersion:
                return Reply(FirmwareVersion);
            case Pn532Command.SamConfiguration when args.Length >= 1 && args[0] is >= 1 and <= 4:
            case Pn532Command.SetParameters when args.Length == 1:
            case Pn532Command.WriteGpio when args.Length == 2:
            case Pn532Command.WriteRegister when args.Length >= 3 && args.Length % 3 == 0:
                return Reply();
            case Pn532Command.RfConfiguration when args.Length >= 2:
                if (args[0] == 0x05 && args.Length == 4)
                {
                    _maxRetryPassiveActivation = args[3];
                }

                return Reply();
            case Pn532Command.ReadGpio:
                return Reply(0x3F, 0x06, 0x00); // P3 pins high, P71/P72 high, interface HSU
            case Pn532Command.ReadRegister when args.Length >= 2 && args.Length % 2 == 0:
                return Reply(new byte[args.Length / 2]);
            case Pn532Command.GetGeneralStatus:
                return _targetActive && _card is not null
                    ? Reply(0x00, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x01)
                    : Reply(0x00, 0x00, 0x00, 0x01);
            case Pn532Command.Diagnose when args.Length >= 1:
                return args[0] == 0x00 ? Reply(args.ToArray()) : Reply(0x00);
            case Pn532Command.PowerDown when args.Length >= 1:
                return Reply(0x00);
            case Pn532Command.InListPassiveTarget when args.Length >= 2 && args[0] is 1 or 2:
                return ListPassiveTarget(args[1], ref note);
            case Pn532Command.InDataExchange when args.Length >= 1:
                return Reply(Exchange(args[0], args[1..], "IN_DATA_EXCHANGE", ref note));
            case Pn532Command.InCommunicateThru:
                return Reply(Exchange(1, args, "IN_COMMUNICATE_THRU", ref note));
            case Pn532Command.InDeselect when args.Length == 1:
                return Reply(VirtualCard.StatusOk);
            case Pn532Command.InRelease when args.Length == 1:
                _targetActive = false;
                _card?.Deselect();
                return Reply(VirtualCard.StatusOk);
            case Pn532Command.InSelect when args.Length == 1:
                if (_card is null || args[0] != 1)
                {
                    return Reply(VirtualCard.StatusTimeout);
                }

                _card.Select();
                _targetActive = true;
                return Reply(VirtualCard.StatusOk);
            default:
                note = new JsonObject { ["event"] = "syntax-error", ["command"] = Convert.ToHexString(data) };
                return [.. Pn532Frames.SyntaxError];
        }
    }

    private byte[]? ListPassiveTarget(byte baudRate, ref JsonObject? note)
    {
        const byte code = (byte)Pn532Command.InListPassiveTarget;
        if (baudRate != 0x00 || _card is null)
        {
            if (baudRate == 0x00 && _maxRetryPassiveActivation == 0xFF)
            {
                _listPending = true;
                return null;
            }

            return Pn532Frames.Response(code, [0x00]);
        }

        _card.Select();
        _targetActive = true;
        note = new JsonObject { ["event"] = "listed", ["uid"] = _card.UidHex };
        return Pn532Frames.Response(code, ListTarget(_card));
    }

    /// <summary>NbTg = 1, then target 1: SENS_RES (2 bytes), SEL_RES, NFCID1 length and NFCID1 (UM0701-02 §7.3.5).</summary>
    private static byte[] ListTarget(VirtualCard card) =>
        [0x01, 0x01, (byte)(card.Atqa >> 8), (byte)card.Atqa, card.Sak, (byte)card.Uid.Length, .. card.Uid];

    private byte[] Exchange(byte target, ReadOnlySpan<byte> command, string name, ref JsonObject? note)
    {
        byte status;
        byte[] answer;
        if (target != 1 || !_targetActive)
        {
            (status, answer) = (0x27, []); // command not acceptable: no target activated
        }
        else if (_card is null)
        {
            (status, answer) = (VirtualCard.StatusTimeout, []);
        }
        else
        {
            (status, answer) = _card.Exchange(command);
        }

        note = new JsonObject
        {
            ["event"] = "exchange",
            ["command"] = name,
            ["data"] = Convert.ToHexString(command),
            ["status"] = status,
        };
        return [status, .. answer];
    }

    private void Send(ReadOnlySpan<byte> bytes)
    {
        // One write per answer: the upstream driver reads the ACK and the response back to back and a response
        // split across reads would look truncated to it.
        if (_link is null || bytes.IsEmpty)
        {
            return;
        }

        try
        {
            _link.Write(bytes);
            _link.Flush();
        }
        catch (IOException)
        {
            // The host side went away; the next read ends the loop.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private void Raise(JsonObject e) => EventOccurred?.Invoke(e);
}
