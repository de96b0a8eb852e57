namespace SevaKiosk.Hal.Devices;

/// <summary>Who, or what, has to act to clear a fault. This routes a village operator's job away from a technician's.</summary>
public enum RecommendedAction
{
    /// <summary>A device reset (done by the firmware itself, or on request) is expected to clear it.</summary>
    Reset,

    /// <summary>The kiosk operator can clear it on site (load paper, close a cover, re-seat the cash box).</summary>
    OperatorCanClear,

    /// <summary>A field technician has to visit.</summary>
    TechnicianNeeded,

    /// <summary>The machine's configuration is wrong (port, note set, key).</summary>
    Configuration,
}

public enum FaultSeverity
{
    /// <summary>Worth knowing; the device still serves.</summary>
    Warning,

    /// <summary>The device cannot serve until the fault clears.</summary>
    Error,

    /// <summary>Money may be at risk (unsafe jam, fraud) or the machine must go out of service at once.</summary>
    Critical,
}

/// <summary>
/// A fault a device raised. <see cref="Code"/> is stable (dotted, lower case, for example <c>validator.jam.unsafe</c>)
/// so that the fleet can count faults by code; <see cref="Message"/> is for people.
/// </summary>
public sealed record DeviceFault(
    string Device,
    string Code,
    FaultSeverity Severity,
    RecommendedAction Action,
    bool ClearsBySelf,
    string Message,
    DateTimeOffset RaisedAt)
{
    public override string ToString() => $"{Device}: {Code} ({Severity}, {Action}) {Message}";
}

/// <summary>A fault definition without the time and device: drivers keep static tables of these.</summary>
public sealed record FaultDefinition(string Code, FaultSeverity Severity, RecommendedAction Action, bool ClearsBySelf, string Message)
{
    public DeviceFault Raise(string device, DateTimeOffset at, string? detail = null) =>
        new(device, Code, Severity, Action, ClearsBySelf, detail is null ? Message : $"{Message}: {detail}", at);
}

public sealed class DeviceFaultEventArgs(DeviceFault fault) : EventArgs
{
    public DeviceFault Fault { get; } = fault;
}

public sealed class StatusChangedEventArgs<TStatus>(TStatus previous, TStatus current) : EventArgs
{
    public TStatus Previous { get; } = previous;

    public TStatus Current { get; } = current;
}
