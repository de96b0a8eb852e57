using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SevaKiosk.Hal.Sensors;
using SevaKiosk.Simulator.Devices.Sensors;

namespace SevaKiosk.Tools.Diag;

/// <summary>
/// <c>kioskctl diag sensors [--config FILE] [--json]</c>: one reading of the enclosure BME280 (the real I2C bus when the
/// file has a <c>Sensors</c> section, otherwise a simulated BME280) and the CPU thermal zone, with units and faults.
/// </summary>
internal static class SensorsDiagCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "Hardware configuration JSON with a Sensors section (real I2C bus). Without it a simulated BME280 is read." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of text." };
        var command = new Command("sensors", "Print enclosure temperature, humidity, pressure, dew point and CPU temperature.") { config, json };
        command.SetAction(async (result, cancellationToken) =>
        {
            var file = HardwareConfigFile.Load(result.GetValue(config));
            var (code, output, text) = await RunAsync(file.Sensors, cancellationToken).ConfigureAwait(false);
            Console.Out.Write(result.GetValue(json) ? output.ToJsonString(Indented) + Environment.NewLine : text);
            return code;
        });
        return command;
    }

    internal static async Task<(int ExitCode, JsonObject Json, string Text)> RunAsync(EnvironmentSensorOptions? configured, CancellationToken cancellationToken)
    {
        var simulated = configured is null;
        var options = configured ?? new EnvironmentSensorOptions { Bme280 = new Bme280Options { BusId = 1 } };
        EnvironmentSensor sensor;
        try
        {
            sensor = simulated
                ? new EnvironmentSensor(options, settings => new SimulatedBme280(settings))
                : new EnvironmentSensor(options);
        }
        catch (Hal.Devices.DeviceConfigurationException ex)
        {
            return (2, new JsonObject { ["error"] = ex.Message }, $"Error        {ex.Message}{Environment.NewLine}");
        }

        await using (sensor.ConfigureAwait(false))
        {
            var r = await sensor.ReadAsync(cancellationToken).ConfigureAwait(false);
            var output = new JsonObject
            {
                ["bme280"] = simulated ? "simulated" : $"i2c-{options.Bme280.BusId} 0x{options.Bme280.Address:X2}",
                ["enclosureCelsius"] = Round(r.Enclosure?.DegreesCelsius),
                ["humidityPercent"] = Round(r.Humidity?.Percent),
                ["pressureHectopascals"] = Round(r.Pressure?.Hectopascals),
                ["dewPointCelsius"] = Round(r.DewPoint?.DegreesCelsius),
                ["cpuCelsius"] = Round(r.Cpu?.DegreesCelsius),
                ["state"] = sensor.State.ToString(),
                ["faults"] = new JsonArray(sensor.ActiveFaults.Select(f => (JsonNode)JsonValue.Create(f.ToString())!).ToArray()),
            };
            var text = new System.Text.StringBuilder()
                .AppendLine(CultureInfo.InvariantCulture, $"BME280       {(simulated ? "simulated (no Sensors section configured)" : $"I2C bus {options.Bme280.BusId}, address 0x{options.Bme280.Address:X2}")}")
                .AppendLine(CultureInfo.InvariantCulture, $"Enclosure    {Format(r.Enclosure?.DegreesCelsius, "F2", "°C")}")
                .AppendLine(CultureInfo.InvariantCulture, $"Humidity     {Format(r.Humidity?.Percent, "F1", "%RH")}")
                .AppendLine(CultureInfo.InvariantCulture, $"Pressure     {Format(r.Pressure?.Hectopascals, "F2", "hPa")}")
                .AppendLine(CultureInfo.InvariantCulture, $"Dew point    {Format(r.DewPoint?.DegreesCelsius, "F1", "°C")}")
                .AppendLine(CultureInfo.InvariantCulture, $"CPU          {Format(r.Cpu?.DegreesCelsius, "F1", "°C")}  ({options.CpuThermalPath})");
            foreach (var fault in sensor.ActiveFaults)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"Fault        {fault}");
            }

            return (0, output, text.ToString());
        }
    }

    private static double? Round(double? value) => value is { } v ? Math.Round(v, 2) : null;

    private static string Format(double? value, string format, string unit) =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) + " " + unit : "-";
}
