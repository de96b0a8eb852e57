using System.Device.Gpio;
using SevaKiosk.Hal.Devices;

namespace SevaKiosk.Hal.Io;

/// <summary>
/// Kiosk I/O over a <see cref="GpioController"/> (a real SBC's, or one built on a simulated driver). Inputs are sampled
/// on a <see cref="TimeProvider"/> timer and debounced: a new level counts once it has held for
/// <see cref="KioskIoOptions.Debounce"/>, and the change is stamped with the time it was first seen. Edges only wake
/// the sampler: where the driver reports them it samples every <see cref="KioskIoOptions.PollInterval"/> from an edge
/// until every input has settled and every <see cref="KioskIoOptions.IdleSampleInterval"/> otherwise; where it does
/// not, every PollInterval. Debouncing itself always runs on samples, so it stays deterministic under a virtual clock.
/// </summary>
public sealed class KioskIoBoard : IKioskIo
{
    private readonly object _gate = new();
    private readonly GpioController _gpio;
    private readonly bool _disposeController;
    private readonly KioskIoOptions _options;
    private readonly TimeProvider _time;
    private readonly FaultSet _faults;
    private readonly StatusCell<KioskIoStatus> _status = new(KioskIoStatus.Initial);
    private readonly Dictionary<IoInput, Debouncer> _inputs = [];
    private readonly List<IoAlarm> _pending = [];
    private ITimer? _sampler;
    private bool _edges;
    private bool _fast;
    private long _alarmSequence;
    private long _powerCycles;
    private int _cycling;

    /// <param name="gpio">The controller; disposed with the board only when <paramref name="shouldDispose"/>.</param>
    public KioskIoBoard(GpioController gpio, KioskIoOptions options, TimeProvider? time = null, bool shouldDispose = false)
    {
        options.Validate(pinCount: gpio.PinCount);
        _gpio = gpio;
        _disposeController = shouldDispose;
        _options = options;
        _time = time ?? TimeProvider.System;
        _faults = new FaultSet(options.Name, _time);
        _status.Changed += (_, e) => StatusChanged?.Invoke(this, e);
        _faults.Raised += (_, e) => FaultRaised?.Invoke(this, e);
        _faults.Cleared += (_, e) => FaultCleared?.Invoke(this, e);
        Capabilities = new KioskIoCapabilities(
            options.Inputs().Select(i => (i.Name, i.Input.Pin)).Concat(options.Outputs().Select(o => (o.Name, o.Output.Pin)))
                .ToDictionary(p => p.Name, p => p.Pin),
            options.Debounce,
            options.RelayOffTime);
    }

    public event EventHandler<StatusChangedEventArgs<KioskIoStatus>>? StatusChanged;

    public event EventHandler<IoInputChangedEventArgs>? InputChanged;

    public event EventHandler<IoAlarmEventArgs>? AlarmRaised;

    public event EventHandler<DeviceFaultEventArgs>? FaultRaised;

    public event EventHandler<DeviceFaultEventArgs>? FaultCleared;

    public string Name => _options.Name;

    public DeviceClass Class => DeviceClass.IoBoard;

    public DeviceState State => _status.Current.Device;

    public KioskIoCapabilities Capabilities { get; }

    public KioskIoStatus Status => _status.Current;

    public IReadOnlyList<DeviceFault> ActiveFaults => _faults.Active;

    public long PowerCycles => Interlocked.Read(ref _powerCycles);

    public IReadOnlyList<IoAlarm> PendingAlarms
    {
        get
        {
            lock (_gate)
            {
                return _pending.ToArray();
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var changes = new List<IoInputChange>();
        lock (_gate)
        {
            foreach (var (name, input) in _options.Inputs())
            {
                _gpio.OpenPin(input.Pin, input.Mode);
                var kind = Enum.Parse<IoInput>(name);
                var active = IsActive(input);
                _inputs[kind] = new Debouncer(input, active);
                changes.Add(new IoInputChange(kind, active, _time.GetUtcNow()));
            }

            foreach (var (_, output) in _options.Outputs())
            {
                _gpio.OpenPin(output.Pin, PinMode.Output);
                Set(output, on: false);
            }

            // The validator is powered unless a power cycle says otherwise.
            Set(_options.ValidatorRelay, on: true);
            _status.Update(s => s with { Device = DeviceState.Online, ValidatorPower = ValidatorPower.On });
        }

        foreach (var change in changes)
        {
            Apply(change, initial: true);
        }

        SetServiceState(KioskServiceState.OutOfService);
        lock (_gate)
        {
            _edges = WatchEdges();
            _fast = !_edges;
            var period = _edges ? _options.IdleSampleInterval : _options.PollInterval;
            _sampler = _time.CreateTimer(_ => Sample(), null, period, period);
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_edges)
            {
                foreach (var debouncer in _inputs.Values.Where(d => _gpio.IsPinOpen(d.Input.Pin)))
                {
                    _gpio.UnregisterCallbackForPinValueChangedEvent(debouncer.Input.Pin, OnEdge);
                }

                _edges = false;
            }
        }

        if (_sampler is not null)
        {
            await _sampler.DisposeAsync().ConfigureAwait(false);
            _sampler = null;
        }

        _status.Update(s => s with { Device = DeviceState.Offline });
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        lock (_gate)
        {
            foreach (var pin in Capabilities.Pins.Values.Where(_gpio.IsPinOpen))
            {
                _gpio.ClosePin(pin);
            }
        }

        if (_disposeController)
        {
            _gpio.Dispose();
        }
    }

    public void SetServiceState(KioskServiceState state)
    {
        lock (_gate)
        {
            Set(_options.InServiceLed, state == KioskServiceState.InService);
            Set(_options.OutOfServiceLed, state != KioskServiceState.InService);
            _status.Update(s => s with { ServiceState = state, Leds = s.Leds with { InService = state == KioskServiceState.InService, OutOfService = state != KioskServiceState.InService } });
        }
    }

    public void AcknowledgeAlarms(long sequence)
    {
        lock (_gate)
        {
            _pending.RemoveAll(a => a.Sequence <= sequence);
            UpdateAttentionLed();
        }
    }

    public async Task BeepAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        SetBuzzer(true);
        try
        {
            await Task.Delay(duration, _time, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            SetBuzzer(false);
        }
    }

    public async Task PowerCycleValidatorAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _cycling, 1, 0) != 0)
        {
            throw new InvalidOperationException("A validator power cycle is already running.");
        }

        try
        {
            SetRelay(on: false, ValidatorPower.Cycling);
            try
            {
                await Task.Delay(_options.RelayOffTime, _time, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                // Never leave the validator unpowered, even when the caller gave up waiting.
                SetRelay(on: true, ValidatorPower.On);
                Interlocked.Increment(ref _powerCycles);
            }
        }
        finally
        {
            Volatile.Write(ref _cycling, 0);
        }
    }

    private void SetRelay(bool on, ValidatorPower power)
    {
        lock (_gate)
        {
            Set(_options.ValidatorRelay, on);
            if (Read(_options.ValidatorRelay.Pin) != Level(_options.ValidatorRelay, on))
            {
                _faults.Raise(KioskIoFaults.RelayFailed, $"GPIO {_options.ValidatorRelay.Pin} reads back the wrong level");
            }

            _status.Update(s => s with { ValidatorPower = power });
        }
    }

    private void SetBuzzer(bool on)
    {
        lock (_gate)
        {
            Set(_options.Buzzer, on);
            _status.Update(s => s with { BuzzerOn = on });
        }
    }

    /// <summary>Subscribes to both edges of every input; false when the driver has no edge events.</summary>
    private bool WatchEdges()
    {
        var watched = new List<int>();
        try
        {
            foreach (var debouncer in _inputs.Values)
            {
                _gpio.RegisterCallbackForPinValueChangedEvent(debouncer.Input.Pin, PinEventTypes.Rising | PinEventTypes.Falling, OnEdge);
                watched.Add(debouncer.Input.Pin);
            }

            return true;
        }
        catch (Exception ex) when (ex is NotSupportedException or NotImplementedException or InvalidOperationException or IOException)
        {
            foreach (var pin in watched)
            {
                _gpio.UnregisterCallbackForPinValueChangedEvent(pin, OnEdge);
            }

            return false;
        }
    }

    /// <summary>An edge on an input: sample at PollInterval from now until it has settled (or bounced back).</summary>
    private void OnEdge(object sender, PinValueChangedEventArgs e)
    {
        lock (_gate)
        {
            if (_edges && !_fast && _sampler is not null)
            {
                _fast = true;
                _sampler.Change(TimeSpan.Zero, _options.PollInterval);
            }
        }
    }

    private void Sample()
    {
        var now = _time.GetUtcNow();
        var changes = new List<IoInputChange>();
        lock (_gate)
        {
            var settled = true;
            foreach (var (kind, debouncer) in _inputs)
            {
                if (debouncer.Sample(IsActive(debouncer.Input), now, _options.Debounce) is { } since)
                {
                    changes.Add(new IoInputChange(kind, debouncer.Stable, since));
                }

                settled &= !debouncer.Changing;
            }

            if (_edges && _sampler is not null && _fast != !settled)
            {
                // Fast while an input is between levels; back to the idle rate once all have settled.
                _fast = !settled;
                var period = _fast ? _options.PollInterval : _options.IdleSampleInterval;
                _sampler.Change(period, period);
            }
        }

        foreach (var change in changes)
        {
            Apply(change, initial: false);
        }
    }

    private void Apply(IoInputChange change, bool initial)
    {
        IoAlarm? alarm = null;
        lock (_gate)
        {
            switch (change.Input)
            {
                case IoInput.Door:
                    _status.Update(s => s with { Door = change.Active ? DoorState.Open : DoorState.Closed });
                    if (change.Active)
                    {
                        alarm = NewAlarm(IoAlarmKind.DoorOpened, change.At);
                        if (!_status.Current.ServiceKeyOn)
                        {
                            _faults.Raise(KioskIoFaults.DoorOpen);
                        }
                    }
                    else
                    {
                        _faults.Clear(KioskIoFaults.DoorOpen.Code);
                    }

                    break;
                case IoInput.CashBox:
                    _status.Update(s => s with { CashBox = change.Active ? CashBoxPresence.Present : CashBoxPresence.Removed });
                    if (!change.Active)
                    {
                        alarm = NewAlarm(IoAlarmKind.CashBoxRemoved, change.At);
                        _faults.Raise(KioskIoFaults.CashBoxRemoved);
                    }
                    else
                    {
                        _faults.Clear(KioskIoFaults.CashBoxRemoved.Code);
                    }

                    break;
                case IoInput.ServiceKey:
                    _status.Update(s => s with { ServiceKeyOn = change.Active });
                    if (change.Active)
                    {
                        // Staff with the key: an open door is expected, no longer an intrusion fault.
                        _faults.Clear(KioskIoFaults.DoorOpen.Code);
                    }
                    else if (_status.Current.Door == DoorState.Open)
                    {
                        _faults.Raise(KioskIoFaults.DoorOpen, "service key turned off with the door open");
                    }

                    break;
            }

            var worst = _faults.WorstState() ?? DeviceState.Online;
            _status.Update(s => s with { Device = worst });
            if (alarm is not null)
            {
                _pending.Add(alarm);
                UpdateAttentionLed();
            }
        }

        if (!initial)
        {
            InputChanged?.Invoke(this, new IoInputChangedEventArgs(change));
        }

        if (alarm is not null)
        {
            AlarmRaised?.Invoke(this, new IoAlarmEventArgs(alarm));
        }
    }

    private IoAlarm NewAlarm(IoAlarmKind kind, DateTimeOffset at) =>
        new(++_alarmSequence, kind, at, _status.Current.ServiceKeyOn, _status.Current.ServiceState);

    private void UpdateAttentionLed()
    {
        var on = _pending.Count > 0;
        Set(_options.AttentionLed, on);
        _status.Update(s => s with { Leds = s.Leds with { Attention = on } });
    }

    private bool IsActive(InputPin input) => (Read(input.Pin) == PinValue.High) != input.ActiveLow;

    private PinValue Read(int pin) => _gpio.Read(pin);

    private void Set(OutputPin output, bool on) => _gpio.Write(output.Pin, Level(output, on));

    private static PinValue Level(OutputPin output, bool on) => on != output.ActiveLow ? PinValue.High : PinValue.Low;

    /// <summary>Debounce state of one input: the accepted level and a candidate level with the time it was first seen.</summary>
    private sealed class Debouncer(InputPin input, bool initial)
    {
        private bool? _candidate;
        private DateTimeOffset _candidateSince;

        public InputPin Input { get; } = input;

        public bool Stable { get; private set; } = initial;

        /// <summary>A new level has been seen and is waiting out the debounce time.</summary>
        public bool Changing => _candidate is not null;

        /// <summary>Returns the time the new level was first seen when it has just been accepted; otherwise null.</summary>
        public DateTimeOffset? Sample(bool level, DateTimeOffset now, TimeSpan debounce)
        {
            if (level == Stable)
            {
                _candidate = null;
                return null;
            }

            if (_candidate != level)
            {
                _candidate = level;
                _candidateSince = now;
            }

            if (now - _candidateSince < debounce)
            {
                return null;
            }

            Stable = level;
            _candidate = null;
            return _candidateSince;
        }
    }
}
