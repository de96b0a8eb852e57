using System.CommandLine;
using SevaKiosk.Firmware.Hosting;

namespace SevaKiosk.Firmware.Host;

/// <summary><c>sevakiosk config check [--config FILE]</c>: validate before flashing; exit 2 names the bad key.</summary>
internal static class ConfigCheckCommand
{
    public static Command Create(Option<string?> config, Option<string[]> set)
    {
        var check = new Command("check", "Validate the configuration (appsettings.json + --config + SEVAKIOSK_ variables) and exit: 0 OK, 2 with the offending key.") { config, set };
        check.SetAction(parse =>
        {
            if (KioskCommands.LoadSettings(parse, out _) is not { } settings)
            {
                return ExitCodes.Configuration;
            }

            Console.Out.WriteLine($"configuration OK: machine {settings.Kiosk.MachineId}, validator {settings.Validator.Protocol} on {Describe(settings.Validator.Port)}, printer {settings.Printer.Profile} on {Describe(settings.Printer.Port)}, broker {(string.IsNullOrWhiteSpace(settings.Agent.Broker) ? "embedded" : settings.Agent.Broker)}");
            return ExitCodes.Ok;
        });
        return new Command("config", "Configuration tools.") { check };
    }

    private static string Describe(string? port) => string.IsNullOrWhiteSpace(port) ? "the simulator" : port;
}
