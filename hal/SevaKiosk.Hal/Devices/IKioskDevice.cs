namespace SevaKiosk.Hal.Devices;

/// <summary>
/// What every kiosk device has in common: a name, a class, the shared state, and faults that are raised and cleared
/// as events. Class-specific interfaces add capabilities (read once) and a status record with change-only events.
/// </summary>
public interface IKioskDevice : IAsyncDisposable
{
    /// <summary>Configured name, for example <c>validator</c> or <c>printer</c>; used in fault records and topics.</summary>
    string Name { get; }

    DeviceClass Class { get; }

    DeviceState State { get; }

    /// <summary>Faults currently active, oldest first.</summary>
    IReadOnlyList<DeviceFault> ActiveFaults { get; }

    event EventHandler<DeviceFaultEventArgs>? FaultRaised;

    event EventHandler<DeviceFaultEventArgs>? FaultCleared;
}
