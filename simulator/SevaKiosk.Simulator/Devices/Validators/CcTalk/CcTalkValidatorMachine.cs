using System.Text;
using System.Text.Json.Nodes;
using SevaKiosk.Protocol.CcTalk;
using SevaKiosk.Simulator.Control;

namespace SevaKiosk.Simulator.Devices.Validators.CcTalk;

/// <summary>
/// The validator itself: answers ccTalk commands, moves bills through escrow and transport, keeps the buffered-event
/// ring and counter. Thread-safe: commands come from the link loop, controls from the JSON session, timers from the
/// <see cref="TimeProvider"/>. Events are collected under the lock and raised after it.
/// </summary>
internal sealed class CcTalkValidatorMachine : IDisposable
{
    private readonly object _gate = new();
    private readonly CcTalkValidatorOptions _options;
    private readonly TimeProvider _time;
    private readonly CcTalkBillEvent[] _ring;
    private readonly List<JsonObject> _pending = [];
    private readonly int[] _stackedByType = new int[CcTalkInhibitMask.MaxBillType + 1];
    private int _ringCount;
    private byte _counter;
    private CcTalkInhibitMask _inhibits;
    private bool _acceptingEnabled;
    private CcTalkBillOperatingMode _mode;
    private CcTalkBillDefinition? _escrow;
    private CcTalkBillDefinition? _moving;
    private bool _movingToCashbox;
    private ITimer? _escrowTimer;
    private ITimer? _transportTimer;
    private int _timerGeneration;
    private CcTalkJam _jam;
    private bool _cashboxRemoved;
    private bool _cashboxFull;
    private int _cashboxCount;
    private bool _disposed;

    public CcTalkValidatorMachine(CcTalkValidatorOptions options, TimeProvider time, Action<JsonObject> emit)
    {
        _options = options;
        _time = time;
        Emit = emit;
        _ring = new CcTalkBillEvent[options.EventBufferDepth];
        _mode = options.PowerUpOperatingMode;
    }

    private Action<JsonObject> Emit { get; }

    // Line behaviour, read by the link loop once per exchange.
    public bool Silent { get; set; }

    public TimeSpan ReplyDelay { get; set; }

    public double Noise { get; set; }

    public bool Echo { get; set; }

    /// <summary>Set by a power cycle so the link loop drops a half-received frame.</summary>
    public bool LinkResetRequested { get; set; }

    /// <summary>Answers one command addressed to us. Returns the reply header (ACK or NAK) and the reply data length.</summary>
    public byte Handle(byte header, ReadOnlySpan<byte> data, Span<byte> reply, out int replyLength)
    {
        byte replyHeader;
        lock (_gate)
        {
            replyHeader = HandleLocked(header, data, reply, out replyLength);
        }

        RaisePending();
        return replyHeader;
    }

    public JsonObject Insert(decimal value, CcTalkRejectReason? reject)
    {
        JsonObject result;
        lock (_gate)
        {
            result = InsertLocked(value, reject);
        }

        RaisePending();
        return result;
    }

    public void SetJam(CcTalkJam jam) => Locked(() =>
    {
        _jam = jam;
        if (jam == CcTalkJam.None)
        {
            Note("jam_cleared");
        }
        else
        {
            Queue(CcTalkBillEvent.Status(CcTalkControlCodes.StatusOf(jam)));
        }
    });

    public void Cashbox(CcTalkCashboxAction action) => Locked(() =>
    {
        switch (action)
        {
            case CcTalkCashboxAction.Removed:
                _cashboxRemoved = true;
                break;
            case CcTalkCashboxAction.Replaced:
                _cashboxRemoved = false;
                _cashboxFull = false;
                _cashboxCount = 0;
                Array.Clear(_stackedByType);
                break;
            case CcTalkCashboxAction.Full:
                _cashboxFull = true;
                break;
        }

        Queue(CcTalkBillEvent.Status(CcTalkControlCodes.StatusOf(action)));
    });

    /// <summary>Power off and on: counter and buffer cleared, settings back to power-up values, a bill in escrow
    /// returned without an event, a bill being stacked lands in the cash box without an event.</summary>
    public void PowerCycle() => Locked(() =>
    {
        Restart("power_cycle");
        LinkResetRequested = true;
    });

    /// <summary>Queues <paramref name="count"/> rejections at once, so a host polling afterwards sees more new events
    /// than the buffer holds.</summary>
    public void Burst(int count) => Locked(() =>
    {
        for (var i = 0; i < count; i++)
        {
            Queue(CcTalkBillEvent.Status(CcTalkBillEventCode.InvalidBillValidationFail));
        }
    });

    public JsonObject Status()
    {
        lock (_gate)
        {
            var events = new JsonArray();
            for (var i = 0; i < _ringCount; i++)
            {
                events.Add(new JsonArray(_ring[i].A, _ring[i].B));
            }

            var stacked = new JsonObject();
            foreach (var bill in _options.Bills.Where(b => _stackedByType[b.Type] > 0))
            {
                stacked[ValueOf(bill).ToString(System.Globalization.CultureInfo.InvariantCulture)] = _stackedByType[bill.Type];
            }

            return new JsonObject
            {
                ["counter"] = _counter,
                ["events"] = events,
                ["accepting"] = _acceptingEnabled,
                ["enabledTypes"] = new JsonArray([.. _inhibits.EnabledTypes().Select(t => JsonValue.Create(t))]),
                ["escrowMode"] = _mode.HasFlag(CcTalkBillOperatingMode.UseEscrow),
                ["escrow"] = _escrow is null ? null : ValueOf(_escrow),
                ["moving"] = _moving is null ? null : ValueOf(_moving),
                ["jam"] = _jam.ToString().ToLowerInvariant(),
                ["cashbox"] = _cashboxRemoved ? "removed" : _cashboxFull ? "full" : "present",
                ["cashboxCount"] = _cashboxCount,
                ["stacked"] = stacked,
                ["silent"] = Silent,
                ["slowMs"] = ReplyDelay.TotalMilliseconds,
                ["noise"] = Noise,
                ["echo"] = Echo,
            };
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _escrowTimer?.Dispose();
            _transportTimer?.Dispose();
        }
    }

    private byte HandleLocked(byte header, ReadOnlySpan<byte> data, Span<byte> reply, out int length)
    {
        const byte Ack = (byte)CcTalkHeader.Ack;
        const byte Nak = (byte)CcTalkHeader.Nak;
        length = 0;
        if (IdentificationText((CcTalkHeader)header) is { } text)
        {
            length = Ascii(text, reply);
            return Ack;
        }

        switch ((CcTalkHeader)header)
        {
            case CcTalkHeader.SimplePoll:
                return Ack;
            case CcTalkHeader.RequestSerialNumber:
                CcTalkReply.SerialNumber(_options.SerialNumber).CopyTo(reply);
                length = 3;
                return Ack;

            case CcTalkHeader.ModifyInhibitStatus:
                if (!CcTalkInhibitMask.TryParse(data, _options.InhibitPolarity, out var mask))
                {
                    return Nak;
                }

                _inhibits = mask;
                Note("inhibits", new JsonObject { ["enabledTypes"] = new JsonArray([.. mask.EnabledTypes().Select(t => JsonValue.Create(t))]) });
                return Ack;
            case CcTalkHeader.RequestInhibitStatus:
                _inhibits.WriteTo(reply, _options.InhibitPolarity);
                length = 2;
                return Ack;
            case CcTalkHeader.ModifyMasterInhibitStatus:
                if (!CcTalkMasterInhibit.TryParse(data, out var accepting))
                {
                    return Nak;
                }

                _acceptingEnabled = accepting;
                Note("master_inhibit", new JsonObject { ["accepting"] = accepting });
                return Ack;
            case CcTalkHeader.RequestMasterInhibitStatus:
                reply[0] = CcTalkMasterInhibit.Encode(_acceptingEnabled);
                length = 1;
                return Ack;
            case CcTalkHeader.ModifyBillOperatingMode:
                if (data.Length != 1)
                {
                    return Nak;
                }

                _mode = (CcTalkBillOperatingMode)(data[0] & 0x03);
                Note("operating_mode", new JsonObject { ["stacker"] = _mode.HasFlag(CcTalkBillOperatingMode.UseStacker), ["escrow"] = _mode.HasFlag(CcTalkBillOperatingMode.UseEscrow) });
                return Ack;
            case CcTalkHeader.RequestBillOperatingMode:
                reply[0] = (byte)_mode;
                length = 1;
                return Ack;

            case CcTalkHeader.ReadBufferedBillEvents:
                length = CcTalkBufferedEvents.Write(_counter, _ring.AsSpan(0, _ringCount), reply, _ring.Length);
                return Ack;
            case CcTalkHeader.RequestBillId:
                if (data.Length != 1)
                {
                    return Nak;
                }

                length = BillId(data[0], reply);
                return Ack;
            case CcTalkHeader.RequestCountryScalingFactor:
                if (data.Length != 2)
                {
                    return Nak;
                }

                var known = data.SequenceEqual(Encoding.ASCII.GetBytes(_options.Country));
                (known ? _options.ScalingFactor : default).ToBytes().CopyTo(reply);
                length = 3;
                return Ack;
            case CcTalkHeader.RouteBill:
                return Route(data, reply, out length);
            case CcTalkHeader.ResetDevice:
                Restart("reset_device");
                return Ack;
            default:
                Note("nak", new JsonObject { ["header"] = header, ["name"] = CcTalkHeaderNames.Of(header) });
                return Nak;
        }
    }

    private string? IdentificationText(CcTalkHeader header) => header switch
    {
        CcTalkHeader.RequestManufacturerId => _options.ManufacturerId,
        CcTalkHeader.RequestEquipmentCategoryId => _options.EquipmentCategory,
        CcTalkHeader.RequestProductCode => _options.ProductCode,
        CcTalkHeader.RequestBuildCode => _options.BuildCode,
        CcTalkHeader.RequestSoftwareRevision => _options.SoftwareRevision,
        _ => null,
    };

    private byte Route(ReadOnlySpan<byte> data, Span<byte> reply, out int length)
    {
        length = 0;
        if (data.Length != 1 || data[0] is not (0 or 1 or 255))
        {
            return (byte)CcTalkHeader.Nak;
        }

        var code = (CcTalkRouteCode)data[0];
        var result = RouteEscrow(code);
        Note("route", new JsonObject { ["code"] = CcTalkRouteBill.NameOf(code), ["result"] = CcTalkRouteBill.NameOf(result) });
        if (result != CcTalkRouteResult.Accepted)
        {
            reply[0] = (byte)result;
            length = 1;
        }

        return (byte)CcTalkHeader.Ack;
    }

    private CcTalkRouteResult RouteEscrow(CcTalkRouteCode code)
    {
        if (_escrow is not { } bill)
        {
            return CcTalkRouteResult.EscrowEmpty;
        }

        switch (code)
        {
            case CcTalkRouteCode.ExtendEscrowTimeout:
                StartEscrowTimer();
                return CcTalkRouteResult.Accepted;
            case CcTalkRouteCode.Stack when _jam != CcTalkJam.None || _cashboxRemoved || _cashboxFull:
                // The bill stays in escrow; its timeout keeps running.
                return CcTalkRouteResult.FailedToRoute;
            default:
                _escrow = null;
                _escrowTimer?.Dispose();
                StartTransport(bill, toCashbox: code == CcTalkRouteCode.Stack);
                return CcTalkRouteResult.Accepted;
        }
    }

    private JsonObject InsertLocked(decimal value, CcTalkRejectReason? reject)
    {
        if (_escrow is not null || _moving is not null)
        {
            throw new SimulatorControlException("a bill is already in the validator (in escrow or being moved)");
        }

        if (_jam != CcTalkJam.None)
        {
            throw new SimulatorControlException($"the validator is jammed ({_jam.ToString().ToLowerInvariant()}); send {{\"jam\":\"clear\"}} first");
        }

        if (_cashboxRemoved || _cashboxFull)
        {
            throw new SimulatorControlException(_cashboxRemoved ? "the cash box is removed" : "the cash box is full");
        }

        var bill = _options.Bills.FirstOrDefault(b => ValueOf(b) == value);
        CcTalkBillEventCode? refusal = reject is { } reason ? CcTalkControlCodes.StatusOf(reason)
            : !_acceptingEnabled ? CcTalkBillEventCode.MasterInhibitActive
            : bill is null ? CcTalkBillEventCode.InvalidBillValidationFail
            : !_inhibits.IsEnabled(bill.Type) ? CcTalkBillEventCode.InhibitedBillOnSerial
            : null;
        if (refusal is { } code)
        {
            Queue(CcTalkBillEvent.Status(code));
            return new JsonObject { ["outcome"] = "refused", ["event"] = CcTalkBillEventCodes.NameOf((byte)code) };
        }

        if (_mode.HasFlag(CcTalkBillOperatingMode.UseEscrow))
        {
            _escrow = bill;
            Queue(CcTalkBillEvent.Escrow(bill!.Type));
            StartEscrowTimer();
            return new JsonObject { ["outcome"] = "escrow", ["billType"] = bill.Type };
        }

        StartTransport(bill!, toCashbox: true);
        return new JsonObject { ["outcome"] = "stacking", ["billType"] = bill!.Type };
    }

    private void StartEscrowTimer() => _escrowTimer = Schedule(_escrowTimer, _options.EscrowTimeout, OnEscrowTimeout);

    private void OnEscrowTimeout()
    {
        if (_escrow is not { } bill)
        {
            return;
        }

        _escrow = null;
        Note("escrow_timeout", BillJson(bill));
        StartTransport(bill, toCashbox: false);
    }

    private void StartTransport(CcTalkBillDefinition bill, bool toCashbox)
    {
        _moving = bill;
        _movingToCashbox = toCashbox;
        _transportTimer = Schedule(_transportTimer, _options.TransportTime, OnTransportDone);
    }

    /// <summary>One-shot timer whose callback runs under the lock, and only if no later timer or reset superseded it.</summary>
    private ITimer Schedule(ITimer? previous, TimeSpan due, Action onDue)
    {
        previous?.Dispose();
        var generation = ++_timerGeneration;
        return _time.CreateTimer(
            _ => Locked(() =>
            {
                if (!_disposed && generation == _timerGeneration)
                {
                    onDue();
                }
            }),
            null,
            due,
            Timeout.InfiniteTimeSpan);
    }

    private void OnTransportDone()
    {
        if (_moving is not { } bill)
        {
            return;
        }

        _moving = null;
        if (!_movingToCashbox)
        {
            Queue(CcTalkBillEvent.Status(CcTalkBillEventCode.BillReturnedFromEscrow), BillJson(bill));
            return;
        }

        StoreInCashbox(bill);
        Queue(CcTalkBillEvent.Credit(bill.Type), BillJson(bill));
        if (_cashboxCount >= _options.CashboxCapacity && !_cashboxFull)
        {
            _cashboxFull = true;
            Queue(CcTalkBillEvent.Status(CcTalkBillEventCode.StackerFull));
        }
    }

    private void Restart(string cause)
    {
        var details = new JsonObject { ["cause"] = cause };
        if (_escrow is { } held)
        {
            details["returned"] = ValueOf(held);
        }

        if (_moving is { } moving)
        {
            // Power is lost mid-move: a bill on its way to the cash box arrives there, but the device has no event for it.
            if (_movingToCashbox)
            {
                StoreInCashbox(moving);
                details["stackedWithoutEvent"] = ValueOf(moving);
            }
            else
            {
                details["returned"] = ValueOf(moving);
            }
        }

        _escrow = null;
        _moving = null;
        _timerGeneration++;
        _escrowTimer?.Dispose();
        _transportTimer?.Dispose();
        _counter = 0;
        _ringCount = 0;
        Array.Clear(_ring);
        _inhibits = CcTalkInhibitMask.AllInhibited;
        _acceptingEnabled = false;
        _mode = _options.PowerUpOperatingMode;
        Note("reset", details);
    }

    private void StoreInCashbox(CcTalkBillDefinition bill)
    {
        _cashboxCount++;
        _stackedByType[bill.Type]++;
    }

    private void Queue(CcTalkBillEvent ev, JsonObject? details = null)
    {
        _counter = CcTalkEventCounter.Next(_counter);
        Array.Copy(_ring, 0, _ring, 1, _ring.Length - 1);
        _ring[0] = ev;
        _ringCount = Math.Min(_ringCount + 1, _ring.Length);

        var line = new JsonObject { ["event"] = ev.Name, ["counter"] = _counter, ["a"] = ev.A, ["b"] = ev.B };
        if (ev.Kind != CcTalkBillEventKind.Status && _options.Bills.FirstOrDefault(b => b.Type == ev.A) is { } bill)
        {
            details ??= BillJson(bill);
        }

        Publish(line, details);
    }

    private void Note(string name, JsonObject? details = null) => Publish(new JsonObject { ["event"] = name }, details);

    private void Publish(JsonObject line, JsonObject? details)
    {
        foreach (var (key, value) in details ?? [])
        {
            line[key] = value?.DeepClone();
        }

        _pending.Add(line);
    }

    private int BillId(byte type, Span<byte> reply)
    {
        var bill = _options.Bills.FirstOrDefault(b => b.Type == type);
        var text = bill is null ? CcTalkBillId.Unprogrammed : Encoding.ASCII.GetString(CcTalkBillId.Encode(_options.Country, bill.ValueCode, bill.Issue));
        return Ascii(text, reply);
    }

    private decimal ValueOf(CcTalkBillDefinition bill) => _options.ScalingFactor.ValueOf(bill.ValueCode);

    private JsonObject BillJson(CcTalkBillDefinition bill) => new() { ["billType"] = bill.Type, ["value"] = ValueOf(bill) };

    private static int Ascii(string text, Span<byte> reply) => Encoding.ASCII.GetBytes(text, reply);

    private void Locked(Action action)
    {
        lock (_gate)
        {
            action();
        }

        RaisePending();
    }

    private void RaisePending()
    {
        JsonObject[] lines;
        lock (_gate)
        {
            if (_pending.Count == 0)
            {
                return;
            }

            lines = [.. _pending];
            _pending.Clear();
        }

        foreach (var line in lines)
        {
            Emit(line);
        }
    }
}
