namespace SevaKiosk.Hal.Devices;

/// <summary>
/// A device's configuration is unusable (duplicate pin, missing bus, unknown port). Thrown at start, before any
/// hardware is touched; <see cref="Key"/> names the configuration key to fix, for example <c>KioskIo:Outputs:Buzzer:Pin</c>.
/// </summary>
public sealed class DeviceConfigurationException : Exception
{
    public DeviceConfigurationException()
    {
    }

    public DeviceConfigurationException(string message)
        : base(message)
    {
    }

    public DeviceConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DeviceConfigurationException(string key, string problem)
        : base($"{key}: {problem}") => Key = key;

    /// <summary>The configuration key at fault (section:name).</summary>
    public string? Key { get; }
}
