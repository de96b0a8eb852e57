using SevaKiosk.Hal.Devices;

namespace SevaKiosk.Hal.Io;

public enum IoInput
{
    Door,
    CashBox,
    ServiceKey,
}

public enum DoorState
{
    Unknown,
    Closed,
    Open,
}

public enum CashBoxPresence
{
    Unknown,
    Present,
    Removed,
}

public enum ValidatorPower
{
    On,
    Off,

    /// <summary>Off for a power cycle; comes back on by itself.</summary>
    Cycling,
}

/// <summary>What the kiosk tells the citizen with its lights.</summary>
public enum KioskServiceState
{
    InService,
    OutOfService,

    /// <summary>No connection to the backend; the machine still guards its cash and raises alarms.</summary>
    Offline,
}

public enum IoAlarmKind
{
    DoorOpened,
    CashBoxRemoved,
}

/// <summary>An alarm, kept until acknowledged whether or not anyone was listening or the kiosk was online.</summary>
/// <param name="Sequence">Increases by one per alarm over the board's lifetime.</param>
/// <param name="At">When the input first took the alarming level (start of the debounce window).</param>
/// <param name="ServiceKeyOn">True when the service key was turned: an expected opening by staff.</param>
/// <param name="ServiceState">The kiosk's service state at the time (alarms are raised in every state, Offline included).</param>
public sealed record IoAlarm(long Sequence, IoAlarmKind Kind, DateTimeOffset At, bool ServiceKeyOn, KioskServiceState ServiceState);

/// <summary>A debounced input change.</summary>
public sealed record IoInputChange(IoInput Input, bool Active, DateTimeOffset At);

public sealed record KioskLeds(bool InService, bool OutOfService, bool Attention);

/// <summary>The I/O board's status. Records compare by value, so status events are change-only.</summary>
public sealed record KioskIoStatus(
    DeviceState Device,
    DoorState Door,
    CashBoxPresence CashBox,
    bool ServiceKeyOn,
    KioskServiceState ServiceState,
    KioskLeds Leds,
    bool BuzzerOn,
    ValidatorPower ValidatorPower)
{
    public static KioskIoStatus Initial { get; } = new(
        DeviceState.Offline, DoorState.Unknown, CashBoxPresence.Unknown, false, KioskServiceState.OutOfService, new KioskLeds(false, false, false), false, ValidatorPower.On);
}

/// <summary>Pin map as configured, read once at start.</summary>
public sealed record KioskIoCapabilities(IReadOnlyDictionary<string, int> Pins, TimeSpan Debounce, TimeSpan RelayOffTime);

public sealed class IoInputChangedEventArgs(IoInputChange change) : EventArgs
{
    public IoInputChange Change { get; } = change;
}

public sealed class IoAlarmEventArgs(IoAlarm alarm) : EventArgs
{
    public IoAlarm Alarm { get; } = alarm;
}

public static class KioskIoFaults
{
    /// <summary>The door is open without the service key: possible intrusion. Clears when the door closes.</summary>
    public static readonly FaultDefinition DoorOpen = new(
        "io.door.open", FaultSeverity.Critical, RecommendedAction.OperatorCanClear, ClearsBySelf: true, "Kiosk door is open");

    /// <summary>The cash box is out of the validator. Clears when it is back.</summary>
    public static readonly FaultDefinition CashBoxRemoved = new(
        "io.cashbox.removed", FaultSeverity.Critical, RecommendedAction.OperatorCanClear, ClearsBySelf: true, "Cash box removed");

    /// <summary>A validator power cycle left the relay in a state it could not confirm.</summary>
    public static readonly FaultDefinition RelayFailed = new(
        "io.relay.failed", FaultSeverity.Error, RecommendedAction.TechnicianNeeded, ClearsBySelf: false, "Validator power relay did not switch");
}
