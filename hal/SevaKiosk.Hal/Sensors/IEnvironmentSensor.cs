using SevaKiosk.Hal.Devices;

namespace SevaKiosk.Hal.Sensors;

/// <summary>Kiosk health: enclosure temperature, humidity and pressure, and CPU temperature, with threshold faults.</summary>
public interface IEnvironmentSensor : IKioskDevice
{
    EnvironmentStatus Status { get; }

    event EventHandler<StatusChangedEventArgs<EnvironmentStatus>>? StatusChanged;

    /// <summary>Opens the sensors and starts sampling every poll interval.</summary>
    Task StartAsync(CancellationToken cancellationToken);

    Task StopAsync(CancellationToken cancellationToken);

    /// <summary>Takes one reading now, updates the status and raises or clears threshold faults.</summary>
    Task<EnvironmentReading> ReadAsync(CancellationToken cancellationToken);
}
