using SevaKiosk.Hal.Devices;

namespace SevaKiosk.Hal.Sensors;

/// <summary>The BME280 in the enclosure (section <c>Sensors:Bme280</c>).</summary>
public sealed record Bme280Options
{
    public bool Enabled { get; init; } = true;

    /// <summary>I2C bus number (<c>/dev/i2c-N</c>); required when enabled.</summary>
    public int? BusId { get; init; }

    /// <summary>0x76 (SDO to ground) or 0x77 (SDO to VDDIO).</summary>
    public int Address { get; init; } = 0x76;
}

/// <summary>Enclosure and CPU health monitoring (section <c>Sensors</c>). Checked by <see cref="Validate"/> at start.</summary>
public sealed record EnvironmentSensorOptions
{
    public const string Section = "Sensors";

    public string Name { get; init; } = "environment";

    public Bme280Options Bme280 { get; init; } = new();

    /// <summary>Kernel thermal zone file (millidegrees Celsius); empty to disable the CPU reading.</summary>
    public string CpuThermalPath { get; init; } = "/sys/class/thermal/thermal_zone0/temp";

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Enclosure temperature above which <c>environment.over-temperature</c> is raised.</summary>
    public double MaxEnclosureCelsius { get; init; } = 50;

    /// <summary>CPU temperature above which <c>environment.cpu-over-temperature</c> is raised.</summary>
    public double MaxCpuCelsius { get; init; } = 80;

    /// <summary>A temperature fault clears only this far below its threshold, so a reading hovering at it does not flap.</summary>
    public double HysteresisCelsius { get; init; } = 2;

    /// <summary>Condensation risk when the enclosure is within this many degrees of its dew point.</summary>
    public double CondensationMarginCelsius { get; init; } = 2;

    public void Validate(string section = Section)
    {
        if (Bme280.Enabled)
        {
            if (Bme280.BusId is null)
            {
                throw new DeviceConfigurationException($"{section}:Bme280:BusId", "required: the I2C bus of the BME280 (or set Sensors:Bme280:Enabled to false)");
            }

            if (Bme280.BusId < 0)
            {
                throw new DeviceConfigurationException($"{section}:Bme280:BusId", $"{Bme280.BusId} is not an I2C bus number");
            }

            if (Bme280.Address is not (0x76 or 0x77))
            {
                throw new DeviceConfigurationException($"{section}:Bme280:Address", $"0x{Bme280.Address:X2} is not a BME280 address (0x76 or 0x77)");
            }
        }

        if (PollInterval <= TimeSpan.Zero)
        {
            throw new DeviceConfigurationException($"{section}:PollInterval", "must be positive");
        }

        if (HysteresisCelsius < 0)
        {
            throw new DeviceConfigurationException($"{section}:HysteresisCelsius", "must not be negative");
        }

        if (CondensationMarginCelsius < 0)
        {
            throw new DeviceConfigurationException($"{section}:CondensationMarginCelsius", "must not be negative");
        }
    }
}
