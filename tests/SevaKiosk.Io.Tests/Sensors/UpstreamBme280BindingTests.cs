using System.Device.I2c;
using Iot.Device.Bmxx80;
using SevaKiosk.Simulator.Devices.Sensors;

namespace SevaKiosk.Io.Tests.Sensors;

/// <summary>The unmodified upstream Bme280 binding against the simulated chip: it must compute what the chip was given.</summary>
public class UpstreamBme280BindingTests
{
    [Theory]
    [InlineData(23.45, 61.2, 95_432.1)]
    [InlineData(-5.0, 12.5, 101_325.0)]
    [InlineData(48.7, 88.0, 87_000.0)]
    [InlineData(31.2, 99.5, 99_900.0)]
    public void Binding_reads_back_the_environment_within_the_sensor_resolution(double celsius, double percent, double pascals)
    {
        var chip = new SimulatedBme280(new I2cConnectionSettings(1, Bme280.DefaultI2cAddress));
        chip.SetEnvironment(celsius, percent, pascals);
        using var bme280 = new Bme280(chip)
        {
            TemperatureSampling = Sampling.Standard,
            PressureSampling = Sampling.Standard,
            HumiditySampling = Sampling.Standard,
        };

        var result = bme280.Read();

        Assert.Equal(celsius, result.Temperature!.Value.DegreesCelsius, 0.01);
        Assert.Equal(percent, result.Humidity!.Value.Percent, 0.05);
        Assert.Equal(pascals, result.Pressure!.Value.Pascals, 1.0);
        Assert.True(chip.Measurements >= 1, "the binding triggered a forced measurement");
    }

    [Fact]
    public void Binding_sees_skipped_humidity_as_no_reading()
    {
        var chip = new SimulatedBme280();
        using var bme280 = new Bme280(chip) { HumiditySampling = Sampling.Skipped };

        Assert.Null(bme280.Read().Humidity);
    }

    [Fact]
    public void Binding_fails_with_an_io_error_when_the_chip_does_not_acknowledge()
    {
        var chip = new SimulatedBme280 { Absent = true };

        Assert.Throws<IOException>(() => new Bme280(chip));
    }
}
