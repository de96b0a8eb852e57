using System.CommandLine;
using SevaKiosk.Simulator.Control;

namespace SevaKiosk.Simulator.Cli;

/// <summary><c>sevakiosk-sim device &lt;kind&gt;</c>: one simulated device on a new pseudo-terminal.</summary>
internal static class DeviceCommands
{
    public static Command Create() => new("device", "Run one simulated device on a new pseudo-terminal.")
    {
        ValidatorCommand(),
        CardReaderCommand.Create(),
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
        var fixedKey = new Option<string?>("--fixed-key") { Description = "eSSP fixed key as 16 hex digits (default: ITL's factory key 0123456701234567)." };
        var channels = new Option<string?>("--channels") { Description = "Face value of each channel in order (default 10,20,50,100,200,500; add 2000 for a dataset that takes it)." };
        var address = new Option<byte>("--address") { Description = "SSP slave address (default 0).", DefaultValueFactory = _ => 0 };
        var seed = new Option<int?>("--seed") { Description = "Seed for simulated line noise, to replay a noisy run." };
        var timings = new Option<string?>("--timings")
        {
            Description = "Mechanical timings in milliseconds, for example reading=50,credit=40,stacking=80,rejecting=50,escrow=10000,boot=50 (SSP only; keys you leave out keep the NV200-like defaults). Crash and soak tests use short ones.",
        };

        var command = new Command("validator", "A banknote validator. Prints {\"port\":...} first, then reads control commands as JSON lines on stdin.")
        {
            protocol, pty, encrypted, fixedKey, channels, address, seed, timings,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var options = new ValidatorOptions(result.GetValue(protocol)!, result.GetValue(encrypted), result.GetValue(fixedKey))
            {
                Channels = result.GetValue(channels),
                Address = result.GetValue(address),
                Seed = result.GetValue(seed),
                Timings = result.GetValue(timings),
            };
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

internal sealed record ValidatorOptions(string Protocol, bool Encrypted, string? FixedKey)
{
    public string? Channels { get; init; }

    public byte Address { get; init; }

    public int? Seed { get; init; }

    /// <summary><c>--timings</c> as given (name=milliseconds pairs).</summary>
    public string? Timings { get; init; }
}
