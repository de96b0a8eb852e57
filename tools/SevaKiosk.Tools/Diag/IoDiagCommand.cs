using System.Globalization;
using System.CommandLine;
using System.Device.Gpio;
using System.Text.Json;
using System.Text.Json.Nodes;
using SevaKiosk.Hal.Io;
using SevaKiosk.Simulator.Devices.Gpio;

namespace SevaKiosk.Tools.Diag;

/// <summary>
/// <c>kioskctl diag io [--config FILE] [--json]</c>: opens the kiosk I/O (the real GPIO controller when the file has a
/// <c>KioskIo</c> pin map, otherwise the simulated driver with a demo pin map) and prints the debounced inputs, LEDs,
/// relay, pending alarms and faults.
/// </summary>
internal static class IoDiagCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "Hardware configuration JSON with a KioskIo section (real pins). Without it the simulated GPIO driver is used." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of text." };
        var command = new Command("io", "Print the kiosk's door, cash-box and service-key inputs, LEDs and validator relay.") { config, json };
        command.SetAction(async (result, cancellationToken) =>
        {
            var file = HardwareConfigFile.Load(result.GetValue(config));
            var (code, output, text) = await RunAsync(file.KioskIo, cancellationToken).ConfigureAwait(false);
            Console.Out.Write(result.GetValue(json) ? output.ToJsonString(Indented) + Environment.NewLine : text);
            return code;
        });
        return command;
    }

    internal static async Task<(int ExitCode, JsonObject Json, string Text)> RunAsync(KioskIoOptions? configured, CancellationToken cancellationToken)
    {
        var simulated = configured is null;
        var options = configured ?? KioskIoOptions.ReferenceWiring;
        GpioController controller;
        if (simulated)
        {
            // The demo machine: door closed (reed switch pulls low), cash box in, service key off.
            var driver = new SimulatedGpioDriver();
            driver.Drive(options.Door.Pin, PinValue.Low);
            driver.Drive(options.CashBox.Pin, PinValue.Low);
            controller = new GpioController(driver);
        }
        else
        {
            controller = new GpioController();
        }

        KioskIoBoard board;
        try
        {
            board = new KioskIoBoard(controller, options, shouldDispose: true);
        }
        catch (Hal.Devices.DeviceConfigurationException ex)
        {
            controller.Dispose();
            return (2, new JsonObject { ["error"] = ex.Message }, $"Error      {ex.Message}{Environment.NewLine}");
        }

        await using (board.ConfigureAwait(false))
        {
            await board.StartAsync(cancellationToken).ConfigureAwait(false);
            var s = board.Status;
            var output = new JsonObject
            {
                ["driver"] = simulated ? "simulated" : "gpio",
                ["door"] = s.Door.ToString(),
                ["cashBox"] = s.CashBox.ToString(),
                ["serviceKey"] = s.ServiceKeyOn ? "On" : "Off",
                ["leds"] = new JsonObject { ["inService"] = s.Leds.InService, ["outOfService"] = s.Leds.OutOfService, ["attention"] = s.Leds.Attention },
                ["buzzer"] = s.BuzzerOn,
                ["validatorPower"] = s.ValidatorPower.ToString(),
                ["pins"] = new JsonObject(board.Capabilities.Pins.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
                ["pendingAlarms"] = new JsonArray(board.PendingAlarms.Select(a => (JsonNode)JsonValue.Create($"{a.Kind} at {a.At:O}")!).ToArray()),
                ["faults"] = new JsonArray(board.ActiveFaults.Select(f => (JsonNode)JsonValue.Create(f.ToString())!).ToArray()),
            };
            var pins = board.Capabilities.Pins;
            var text = new System.Text.StringBuilder()
                .AppendLine(CultureInfo.InvariantCulture, $"Driver          {(simulated ? "simulated GPIO (no KioskIo section configured)" : "GPIO controller")}")
                .AppendLine(CultureInfo.InvariantCulture, $"Door            {s.Door,-10} GPIO {pins["Door"]}")
                .AppendLine(CultureInfo.InvariantCulture, $"Cash box        {s.CashBox,-10} GPIO {pins["CashBox"]}")
                .AppendLine(CultureInfo.InvariantCulture, $"Service key     {(s.ServiceKeyOn ? "On" : "Off"),-10} GPIO {pins["ServiceKey"]}")
                .AppendLine(CultureInfo.InvariantCulture, $"LED in service  {OnOff(s.Leds.InService),-10} GPIO {pins["InServiceLed"]}")
                .AppendLine(CultureInfo.InvariantCulture, $"LED out of svc  {OnOff(s.Leds.OutOfService),-10} GPIO {pins["OutOfServiceLed"]}")
                .AppendLine(CultureInfo.InvariantCulture, $"LED attention   {OnOff(s.Leds.Attention),-10} GPIO {pins["AttentionLed"]}")
                .AppendLine(CultureInfo.InvariantCulture, $"Buzzer          {OnOff(s.BuzzerOn),-10} GPIO {pins["Buzzer"]}")
                .AppendLine(CultureInfo.InvariantCulture, $"Validator power {s.ValidatorPower,-10} GPIO {pins["ValidatorRelay"]}");
            foreach (var alarm in board.PendingAlarms)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"Alarm           {alarm.Kind} at {alarm.At:O}");
            }

            foreach (var fault in board.ActiveFaults)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"Fault           {fault}");
            }

            return (0, output, text.ToString());
        }
    }

    private static string OnOff(bool on) => on ? "On" : "Off";
}
