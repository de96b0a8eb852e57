using SevaKiosk.Hal.Devices;

namespace SevaKiosk.Hal.Io;

/// <summary>
/// The kiosk's own I/O: door, cash-box and service-key switches (debounced, with change events and alarms), the status
/// LEDs, the buzzer and the validator's power relay.
/// </summary>
public interface IKioskIo : IKioskDevice
{
    KioskIoCapabilities Capabilities { get; }

    KioskIoStatus Status { get; }

    event EventHandler<StatusChangedEventArgs<KioskIoStatus>>? StatusChanged;

    /// <summary>A debounced input changed.</summary>
    event EventHandler<IoInputChangedEventArgs>? InputChanged;

    /// <summary>Door opened or cash box removed. Raised in every service state, Offline included.</summary>
    event EventHandler<IoAlarmEventArgs>? AlarmRaised;

    /// <summary>Alarms not yet acknowledged, oldest first: what an agent that was offline sends when it reconnects.</summary>
    IReadOnlyList<IoAlarm> PendingAlarms { get; }

    /// <summary>How many validator power cycles were done since start.</summary>
    long PowerCycles { get; }

    /// <summary>Opens the pins, reads the inputs once (raising alarms for a door already open or a box already out) and starts sampling.</summary>
    Task StartAsync(CancellationToken cancellationToken);

    Task StopAsync(CancellationToken cancellationToken);

    /// <summary>Drives the in-service / out-of-service LEDs.</summary>
    void SetServiceState(KioskServiceState state);

    /// <summary>Drops alarms up to and including <paramref name="sequence"/> from <see cref="PendingAlarms"/>.</summary>
    void AcknowledgeAlarms(long sequence);

    /// <summary>Sounds the buzzer for <paramref name="duration"/>.</summary>
    Task BeepAsync(TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>
    /// Cuts the validator's power for the configured off time and restores it, to recover a validator stuck in an
    /// unrecoverable fault. Power is restored even if the wait is cancelled.
    /// </summary>
    /// <exception cref="InvalidOperationException">A power cycle is already running.</exception>
    Task PowerCycleValidatorAsync(CancellationToken cancellationToken);
}
