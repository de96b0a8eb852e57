using System.Device.Gpio;

namespace SevaKiosk.Simulator.Devices.Gpio;

/// <summary>
/// A <see cref="GpioDriver"/> with no hardware behind it, for tests and the simulator: a <see cref="GpioController"/>
/// built on it behaves like one on a real SBC. Inputs read the level something outside drives with
/// <see cref="Drive"/> (a switch, a test), or the pull resistor's level when nothing drives them; outputs latch what the
/// program writes and report each change through <see cref="OutputChanged"/>. Edge callbacks and
/// <c>WaitForEvent</c> fire on input changes.
/// </summary>
public sealed class SimulatedGpioDriver : GpioDriver
{
    private readonly object _gate = new();
    private readonly Dictionary<int, PinState> _pins = [];
    private readonly int _pinCount;

    /// <param name="reportsEdges">False: a driver without edge events (sysfs without interrupts, some expanders), whose
    /// callback registration throws <see cref="NotSupportedException"/> as such drivers do.</param>
    public SimulatedGpioDriver(int pinCount = 54, bool reportsEdges = true)
    {
        _pinCount = pinCount;
        ReportsEdges = reportsEdges;
    }

    public bool ReportsEdges { get; }

    /// <summary>An output pin changed level: (pin, new level).</summary>
    public event Action<int, PinValue>? OutputChanged;

    protected override int PinCount => _pinCount;

    /// <summary>Drives an input pin from outside (a switch closing, a test). Null releases it to its pull resistor.</summary>
    public void Drive(int pinNumber, PinValue? level) => Drive(pinNumber, level, edge: true);

    /// <summary>Changes an input's level without an edge event: an edge the driver's detection missed (a glitch, a lost interrupt).</summary>
    public void DriveWithoutEdge(int pinNumber, PinValue? level) => Drive(pinNumber, level, edge: false);

    private void Drive(int pinNumber, PinValue? level, bool edge)
    {
        List<(PinChangeEventHandler Handler, PinEventTypes Type)> callbacks = [];
        lock (_gate)
        {
            var pin = State(pinNumber);
            var before = InputLevel(pin);
            pin.Driven = level;
            var after = InputLevel(pin);
            if (before == after || !pin.Open || pin.Mode == PinMode.Output || !edge)
            {
                return;
            }

            var type = after == PinValue.High ? PinEventTypes.Rising : PinEventTypes.Falling;
            foreach (var (handler, types) in pin.Callbacks)
            {
                if ((types & type) != 0)
                {
                    callbacks.Add((handler, type));
                }
            }

            foreach (var waiter in pin.Waiters.Where(w => (w.Types & type) != 0).ToList())
            {
                waiter.Completion.TrySetResult(type);
                pin.Waiters.Remove(waiter);
            }
        }

        foreach (var (handler, type) in callbacks)
        {
            handler(this, new PinValueChangedEventArgs(type, pinNumber));
        }
    }

    /// <summary>The level an output pin was last set to (Low if never written).</summary>
    public PinValue OutputLevel(int pinNumber)
    {
        lock (_gate)
        {
            return State(pinNumber).Latch;
        }
    }

    public bool IsOpen(int pinNumber)
    {
        lock (_gate)
        {
            return _pins.TryGetValue(pinNumber, out var pin) && pin.Open;
        }
    }

    protected override void OpenPin(int pinNumber)
    {
        lock (_gate)
        {
            var pin = State(pinNumber);
            if (pin.Open)
            {
                throw new InvalidOperationException($"GPIO {pinNumber} is already open.");
            }

            pin.Open = true;
            pin.Mode = PinMode.Input;
        }
    }

    protected override void ClosePin(int pinNumber)
    {
        lock (_gate)
        {
            var pin = State(pinNumber);
            pin.Open = false;
            pin.Callbacks.Clear();
            foreach (var waiter in pin.Waiters)
            {
                waiter.Completion.TrySetResult(PinEventTypes.None);
            }

            pin.Waiters.Clear();
        }
    }

    protected override void SetPinMode(int pinNumber, PinMode mode)
    {
        lock (_gate)
        {
            RequireOpen(pinNumber).Mode = mode;
        }
    }

    protected override PinMode GetPinMode(int pinNumber)
    {
        lock (_gate)
        {
            return RequireOpen(pinNumber).Mode;
        }
    }

    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) =>
        pinNumber >= 0 && pinNumber < _pinCount && mode is PinMode.Input or PinMode.InputPullUp or PinMode.InputPullDown or PinMode.Output;

    protected override PinValue Read(int pinNumber)
    {
        lock (_gate)
        {
            var pin = RequireOpen(pinNumber);
            return pin.Mode == PinMode.Output ? pin.Latch : InputLevel(pin);
        }
    }

    protected override void Write(int pinNumber, PinValue value)
    {
        bool changed;
        lock (_gate)
        {
            var pin = RequireOpen(pinNumber);
            if (pin.Mode != PinMode.Output)
            {
                throw new InvalidOperationException($"GPIO {pinNumber} is an input; it cannot be written.");
            }

            changed = pin.Latch != value;
            pin.Latch = value;
        }

        if (changed)
        {
            OutputChanged?.Invoke(pinNumber, value);
        }
    }

    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken)
    {
        var completion = new TaskCompletionSource<PinEventTypes>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            RequireOpen(pinNumber).Waiters.Add((eventTypes, completion));
        }

        try
        {
            var type = completion.Task.WaitAsync(cancellationToken).GetAwaiter().GetResult();
            return new WaitForEventResult { EventTypes = type, TimedOut = type == PinEventTypes.None };
        }
        catch (OperationCanceledException)
        {
            return new WaitForEventResult { EventTypes = PinEventTypes.None, TimedOut = true };
        }
    }

    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback)
    {
        if (!ReportsEdges)
        {
            throw new NotSupportedException("This GPIO driver has no edge events.");
        }

        lock (_gate)
        {
            RequireOpen(pinNumber).Callbacks.Add((callback, eventTypes));
        }
    }

    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback)
    {
        lock (_gate)
        {
            RequireOpen(pinNumber).Callbacks.RemoveAll(c => c.Handler == callback);
        }
    }

    private static PinValue InputLevel(PinState pin) =>
        pin.Driven ?? (pin.Mode == PinMode.InputPullDown ? PinValue.Low : PinValue.High);

    private PinState State(int pinNumber)
    {
        if (pinNumber < 0 || pinNumber >= _pinCount)
        {
            throw new ArgumentOutOfRangeException(nameof(pinNumber), $"GPIO {pinNumber} does not exist (0-{_pinCount - 1}).");
        }

        if (!_pins.TryGetValue(pinNumber, out var pin))
        {
            pin = new PinState();
            _pins[pinNumber] = pin;
        }

        return pin;
    }

    private PinState RequireOpen(int pinNumber)
    {
        var pin = State(pinNumber);
        return pin.Open ? pin : throw new InvalidOperationException($"GPIO {pinNumber} is not open.");
    }

    private sealed class PinState
    {
        public bool Open { get; set; }

        public PinMode Mode { get; set; } = PinMode.Input;

        public PinValue Latch { get; set; } = PinValue.Low;

        /// <summary>Level an outside source drives; null = floating, so the pull resistor decides (pull-up when none).</summary>
        public PinValue? Driven { get; set; }

        public List<(PinChangeEventHandler Handler, PinEventTypes Types)> Callbacks { get; } = [];

        public List<(PinEventTypes Types, TaskCompletionSource<PinEventTypes> Completion)> Waiters { get; } = [];
    }
}
