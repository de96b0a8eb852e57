using System.Device.Gpio;
using SevaKiosk.Hal.Devices;

namespace SevaKiosk.Hal.Io;

/// <summary>A switch input. <see cref="ActiveLow"/>: the input is active (door open, box present, key on) when the pin reads low.</summary>
public sealed record InputPin
{
    public int Pin { get; init; } = -1;

    public bool ActiveLow { get; init; }

    /// <summary>Input, InputPullUp or InputPullDown.</summary>
    public PinMode Mode { get; init; } = PinMode.InputPullUp;
}

/// <summary>An output (LED, buzzer, relay). <see cref="ActiveLow"/>: on = pin low (typical for relay boards with opto inputs).</summary>
public sealed record OutputPin
{
    public int Pin { get; init; } = -1;

    public bool ActiveLow { get; init; }
}

/// <summary>
/// The kiosk I/O pin map (section <c>KioskIo</c>), BCM GPIO numbers. Defaults suit a door reed switch to ground
/// (closed door pulls low, so open reads high), a cash-box micro-switch and a service key switch to ground.
/// </summary>
public sealed record KioskIoOptions
{
    public const string Section = "KioskIo";

    /// <summary>
    /// The reference wiring (BCM numbers on a Raspberry Pi 40-pin header): door 17, cash box 27, service key 22, LEDs
    /// 5/6/13, buzzer 19, validator relay 26 on an active-low opto relay board. Used by the simulator and diagnostics.
    /// </summary>
    public static KioskIoOptions ReferenceWiring { get; } = new()
    {
        Door = new InputPin { Pin = 17 },
        CashBox = new InputPin { Pin = 27, ActiveLow = true },
        ServiceKey = new InputPin { Pin = 22, ActiveLow = true },
        InServiceLed = new OutputPin { Pin = 5 },
        OutOfServiceLed = new OutputPin { Pin = 6 },
        AttentionLed = new OutputPin { Pin = 13 },
        Buzzer = new OutputPin { Pin = 19 },
        ValidatorRelay = new OutputPin { Pin = 26, ActiveLow = true },
    };

    public string Name { get; init; } = "io";

    /// <summary>Active = door open.</summary>
    public InputPin Door { get; init; } = new();

    /// <summary>Active = cash box present.</summary>
    public InputPin CashBox { get; init; } = new() { ActiveLow = true };

    /// <summary>Active = service key turned (service mode).</summary>
    public InputPin ServiceKey { get; init; } = new() { ActiveLow = true };

    public OutputPin InServiceLed { get; init; } = new();

    public OutputPin OutOfServiceLed { get; init; } = new();

    public OutputPin AttentionLed { get; init; } = new();

    public OutputPin Buzzer { get; init; } = new();

    /// <summary>Relay in the validator's supply. On = powered.</summary>
    public OutputPin ValidatorRelay { get; init; } = new();

    /// <summary>An input must hold a new level this long before it counts (switch bounce, vibration).</summary>
    public TimeSpan Debounce { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How often inputs are sampled while one is changing (with a driver that has no edge events: always).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// With a GPIO driver that reports edges (libgpiod on a board, the simulated driver): how often inputs are sampled
    /// while nothing changes, a safety net for an edge the driver missed. An edge switches sampling to
    /// <see cref="PollInterval"/> until every input has settled, so an idle board costs one wake-up a second, not a hundred.
    /// </summary>
    public TimeSpan IdleSampleInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the validator stays unpowered during a power cycle.</summary>
    public TimeSpan RelayOffTime { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Throws <see cref="DeviceConfigurationException"/> naming the key at fault (missing or duplicate pin, bad timing).</summary>
    public void Validate(string section = Section, int? pinCount = null)
    {
        var used = new Dictionary<int, string>();
        foreach (var (name, pin) in Pins())
        {
            var key = $"{section}:{name}:Pin";
            if (pin < 0)
            {
                throw new DeviceConfigurationException(key, "required: the GPIO number (BCM) of this signal");
            }

            if (pinCount is { } count && pin >= count)
            {
                throw new DeviceConfigurationException(key, $"GPIO {pin} does not exist on this controller (0-{count - 1})");
            }

            if (used.TryGetValue(pin, out var other))
            {
                throw new DeviceConfigurationException(key, $"GPIO {pin} is already used by {other}");
            }

            used[pin] = key;
        }

        foreach (var (name, input) in Inputs())
        {
            if (input.Mode is not (PinMode.Input or PinMode.InputPullUp or PinMode.InputPullDown))
            {
                throw new DeviceConfigurationException($"{section}:{name}:Mode", "must be Input, InputPullUp or InputPullDown");
            }
        }

        if (Debounce < TimeSpan.Zero)
        {
            throw new DeviceConfigurationException($"{section}:Debounce", "must not be negative");
        }

        if (PollInterval <= TimeSpan.Zero)
        {
            throw new DeviceConfigurationException($"{section}:PollInterval", "must be positive");
        }

        if (IdleSampleInterval < PollInterval)
        {
            throw new DeviceConfigurationException($"{section}:IdleSampleInterval", "must be at least PollInterval");
        }

        if (RelayOffTime <= TimeSpan.Zero)
        {
            throw new DeviceConfigurationException($"{section}:RelayOffTime", "must be positive");
        }
    }

    internal IEnumerable<(string Name, InputPin Input)> Inputs() =>
        [(nameof(Door), Door), (nameof(CashBox), CashBox), (nameof(ServiceKey), ServiceKey)];

    internal IEnumerable<(string Name, OutputPin Output)> Outputs() =>
        [(nameof(InServiceLed), InServiceLed), (nameof(OutOfServiceLed), OutOfServiceLed), (nameof(AttentionLed), AttentionLed), (nameof(Buzzer), Buzzer), (nameof(ValidatorRelay), ValidatorRelay)];

    private IEnumerable<(string Name, int Pin)> Pins() =>
        Inputs().Select(i => (i.Name, i.Input.Pin)).Concat(Outputs().Select(o => (o.Name, o.Output.Pin)));
}
