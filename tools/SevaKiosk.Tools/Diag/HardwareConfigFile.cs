using System.Text.Json;
using System.Text.Json.Serialization;
using SevaKiosk.Hal.Io;
using SevaKiosk.Hal.Sensors;

namespace SevaKiosk.Tools.Diag;

/// <summary>
/// The kiosk's hardware configuration as JSON (the same section names the firmware uses):
/// <c>{"KioskIo":{"Door":{"Pin":17},...},"Sensors":{"Bme280":{"BusId":1},...}}</c>. A section that is absent means
/// "not wired on this machine": the diagnostic then runs against the simulated driver and says so.
/// </summary>
internal sealed record HardwareConfigFile
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public KioskIoOptions? KioskIo { get; init; }

    public EnvironmentSensorOptions? Sensors { get; init; }

    public static HardwareConfigFile Load(string? path)
    {
        if (path is null)
        {
            return new HardwareConfigFile();
        }

        try
        {
            return JsonSerializer.Deserialize<HardwareConfigFile>(File.ReadAllText(path), Json) ?? new HardwareConfigFile();
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"{path}: not a valid hardware configuration ({ex.Message})", ex);
        }
    }
}
