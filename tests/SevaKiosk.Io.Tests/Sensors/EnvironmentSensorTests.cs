using SevaKiosk.Hal.Devices;
using SevaKiosk.Hal.Sensors;
using SevaKiosk.Simulator.Devices.Sensors;

namespace SevaKiosk.Io.Tests.Sensors;

public sealed class EnvironmentSensorTests : IDisposable
{
    private readonly SimulatedBme280 _chip = new();
    private readonly string _thermal = Path.Combine(Path.GetTempPath(), $"sevakiosk-thermal-{Guid.NewGuid():N}");

    public EnvironmentSensorTests() => File.WriteAllText(_thermal, "48312\n");

    public void Dispose() => File.Delete(_thermal);

    [Fact]
    public async Task Reports_enclosure_climate_and_cpu_temperature_as_quantities()
    {
        await using var sensor = NewSensor();
        _chip.SetEnvironment(27.5, 55.0, 97_100);

        var reading = await sensor.ReadAsync(CancellationToken.None);

        Assert.Equal(27.5, reading.Enclosure!.Value.DegreesCelsius, 0.01);
        Assert.Equal(55.0, reading.Humidity!.Value.Percent, 0.05);
        Assert.Equal(971.0, reading.Pressure!.Value.Hectopascals, 0.01);
        Assert.Equal(17.7, reading.DewPoint!.Value.DegreesCelsius, 0.2);
        Assert.Equal(48.312, reading.Cpu!.Value.DegreesCelsius, 0.001);
        Assert.Equal(DeviceState.Online, sensor.State);
        Assert.Empty(sensor.ActiveFaults);
    }

    [Fact]
    public async Task Over_temperature_raises_a_fault_that_clears_only_below_the_hysteresis_band()
    {
        await using var sensor = NewSensor();
        _chip.SetEnvironment(51.0, 20, 100_000);
        await sensor.ReadAsync(CancellationToken.None);
        Assert.Equal("environment.over-temperature", Assert.Single(sensor.ActiveFaults).Code);
        Assert.Equal(DeviceState.HardwareError, sensor.State);

        _chip.SetEnvironment(49.0, 20, 100_000);
        await sensor.ReadAsync(CancellationToken.None);
        Assert.Single(sensor.ActiveFaults);

        _chip.SetEnvironment(47.9, 20, 100_000);
        await sensor.ReadAsync(CancellationToken.None);
        Assert.Empty(sensor.ActiveFaults);
    }

    [Fact]
    public async Task Humid_air_near_its_dew_point_raises_condensation_risk()
    {
        await using var sensor = NewSensor();
        _chip.SetEnvironment(20.0, 95.0, 100_000);

        await sensor.ReadAsync(CancellationToken.None);

        var fault = Assert.Single(sensor.ActiveFaults);
        Assert.Equal("environment.condensation-risk", fault.Code);
        Assert.Equal(FaultSeverity.Warning, fault.Severity);
    }

    [Fact]
    public async Task Hot_cpu_raises_its_own_fault()
    {
        await using var sensor = NewSensor();
        await File.WriteAllTextAsync(_thermal, "85250\n");

        await sensor.ReadAsync(CancellationToken.None);

        Assert.Contains("85.2", Assert.Single(sensor.ActiveFaults, f => f.Code == "environment.cpu-over-temperature").Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_bme280_is_an_offline_fault_until_it_answers_again()
    {
        _chip.Absent = true;
        await using var sensor = NewSensor();

        var reading = await sensor.ReadAsync(CancellationToken.None);

        Assert.Null(reading.Enclosure);
        Assert.NotNull(reading.Cpu);
        Assert.Equal(DeviceState.Offline, sensor.State);
        Assert.Equal("environment.bme280.offline", Assert.Single(sensor.ActiveFaults).Code);

        _chip.Absent = false;
        await sensor.ReadAsync(CancellationToken.None);
        Assert.Equal(DeviceState.Online, sensor.State);
        Assert.Empty(sensor.ActiveFaults);
    }

    [Fact]
    public void Bad_configuration_names_the_key()
    {
        var bus = Assert.Throws<DeviceConfigurationException>(() => new EnvironmentSensorOptions().Validate());
        Assert.Equal("Sensors:Bme280:BusId", bus.Key);

        var address = Assert.Throws<DeviceConfigurationException>(() =>
            new EnvironmentSensorOptions { Bme280 = new Bme280Options { BusId = 1, Address = 0x40 } }.Validate());
        Assert.Equal("Sensors:Bme280:Address", address.Key);
    }

    private EnvironmentSensor NewSensor() => new(
        new EnvironmentSensorOptions { Bme280 = new Bme280Options { BusId = 1 }, CpuThermalPath = _thermal },
        settings => settings is { BusId: 1, DeviceAddress: 0x76 } ? _chip : throw new IOException("wrong bus or address"));
}
