using System.CommandLine;
using SevaKiosk.Firmware.Hosting;

namespace SevaKiosk.Firmware.Host;

/// <summary>The command line. Options that set configuration map onto keys so every source is validated alike.</summary>
internal static class KioskCommands
{
    private static readonly Option<string?> ConfigOption = new("--config") { Description = "A JSON configuration file layered over appsettings.json (provisioned per machine)." };
    private static readonly Option<string?> DataOption = new("--data") { Description = "Directory for the journal, receipts and agent state (Kiosk:DataDirectory; default ./data)." };
    private static readonly Option<string?> BrokerOption = new("--broker") { Description = "MQTT broker URL (mqtt://host:1883, mqtts://host:8883); none starts the embedded broker and demo backend." };
    private static readonly Option<string?> MachineOption = new("--machine-id") { Description = "Machine id (Kiosk:MachineId)." };
    private static readonly Option<string[]> SetOption = new("--set") { Description = "Override a configuration key: --set Validator:Port=/dev/ttyUSB0 (repeatable)." };

    public static RootCommand Create()
    {
        var demo = new Option<bool>("--demo") { Description = "Pay the demo ₹850 electricity bill on the simulated validator and printer, then exit (0 = paid, receipted and acknowledged)." };
        var root = new RootCommand("SevaKiosk firmware: cash bill payment with a journal that survives power cuts.")
        {
            demo, ConfigOption, DataOption, BrokerOption, MachineOption, SetOption,
        };
        root.SetAction((parse, ct) => RunAsync(parse, parse.GetValue(demo), ct));

        var run = new Command("run", "Run the kiosk until stopped (what systemd starts).") { ConfigOption, DataOption, BrokerOption, MachineOption, SetOption };
        run.SetAction((parse, ct) => RunAsync(parse, demo: false, ct));
        root.Subcommands.Add(run);
        root.Subcommands.Add(ReportCommand.Create(ConfigOption, DataOption));
        root.Subcommands.Add(ConfigCheckCommand.Create(ConfigOption, SetOption));
        return root;
    }

    /// <summary>The configuration overrides the command line carries, as keys.</summary>
    public static List<KeyValuePair<string, string?>> Overrides(ParseResult parse)
    {
        var overrides = new List<KeyValuePair<string, string?>>();
        if (parse.GetValue(DataOption) is { } data)
        {
            overrides.Add(new("Kiosk:DataDirectory", data));
        }

        if (parse.GetValue(BrokerOption) is { } broker)
        {
            overrides.Add(new("Agent:Broker", broker));
        }

        if (parse.GetValue(MachineOption) is { } machine)
        {
            overrides.Add(new("Kiosk:MachineId", machine));
        }

        foreach (var pair in parse.GetValue(SetOption) ?? [])
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new KioskConfigurationException("--set", $"'{pair}' is not KEY=VALUE");
            }

            overrides.Add(new(pair[..eq], pair[(eq + 1)..]));
        }

        return overrides;
    }

    /// <summary>Loads and validates; on a bad key prints it and returns null (the caller exits with 2).</summary>
    public static KioskRuntimeSettings? LoadSettings(ParseResult parse, out Microsoft.Extensions.Configuration.IConfigurationRoot? configuration)
    {
        configuration = null;
        try
        {
            configuration = KioskConfiguration.Build(parse.GetValue(ConfigOption), Overrides(parse));
            return KioskConfiguration.Load(configuration);
        }
        catch (KioskConfigurationException ex)
        {
            Console.Error.WriteLine($"sevakiosk: configuration error: {ex.Message}");
            return null;
        }
    }

    private static async Task<int> RunAsync(ParseResult parse, bool demo, CancellationToken cancellationToken)
    {
        if (LoadSettings(parse, out var configuration) is not { } settings)
        {
            return ExitCodes.Configuration;
        }

        if (demo && !settings.Validator.AcceptedNotes.Contains(2000m))
        {
            // The demo's ₹2000 must reach escrow so that the biller's amount rule, not the validator's inhibit mask,
            // is what sends it back.
            settings = settings with { Validator = settings.Validator with { AcceptedNotes = [.. settings.Validator.AcceptedNotes, 2000m] } };
        }

        return await KioskHost.RunAsync(settings, configuration!, demo, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>Exit codes systemd and scripts can act on.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Configuration = 2;

    /// <summary>A fleet command or an update asked for a restart; systemd's Restart=always brings the firmware back.</summary>
    public const int Restart = 3;
}
