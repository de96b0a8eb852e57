using System.CommandLine;
using SevaKiosk.Simulator.Control;

namespace SevaKiosk.Simulator.Cli;

/// <summary><c>sevakiosk-sim device &lt;kind&gt;</c>: one simulated device on a new pseudo-terminal.</summary>
internal static class DeviceCommands
{
    public static Command Create() => new("device", "Run one simulated device on a new pseudo-terminal.")
    {
        ValidatorCommand(),
        PrinterDeviceCommand.Create(),
    };

    private static Command ValidatorCommand()
    {
        var protocol = new Option<string>("--protocol")
        {
            Description = "Wire protocol of the simulated validator.",
            DefaultValueFactory = _ => "ssp",
        };
        protocol.AcceptOnlyFromAmong(ValidatorFactory.Protocols);
        var pty = new Option<bool>("--pty") { Description = "Serve on a new pseudo-terminal (the default and only transport)." };
        var encrypted = new Option<bool>("--encrypted") { Description = "Require eSSP encryption (SSP only)." };
        var fixedKey = new Option<string?>("--fixed-key") { Description = "eSSP fixed key as 16 hex digits (default: ITL's factory key)." };

        var command = new Command("validator", "A banknote validator. Prints {\"port\":...} first, then reads control commands as JSON lines on stdin.")
        {
            protocol, pty, encrypted, fixedKey,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var options = new ValidatorOptions(result.GetValue(protocol)!, result.GetValue(encrypted), result.GetValue(fixedKey));
            ISimulatedDevice device;
            try
            {
                device = ValidatorFactory.Create(options);
            }
            catch (ArgumentException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
                return 2;
            }

            return await DeviceControlSession.RunAsync(device, Console.In, Console.Out, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}

internal sealed record ValidatorOptions(string Protocol, bool Encrypted, string? FixedKey);
