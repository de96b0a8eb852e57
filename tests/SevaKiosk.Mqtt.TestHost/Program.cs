using System.Globalization;
using SevaKiosk.Firmware.Agent;
using SevaKiosk.Firmware.Agent.Commands;

// A "sevakiosk run"-style host for the MQTT tests: the real agent in its own process, so that a test can kill it
// (SIGKILL: no DISCONNECT, the broker must publish the will). Usage:
//   run --broker URL --machine-id ID --data DIR --fleet-key FILE [--username U --password P] [--ca FILE]
// Prints one line per connection state; runs until stdin closes or says "quit".
if (args.Length == 0 || args[0] != "run")
{
    await Console.Error.WriteLineAsync("usage: run --broker URL --machine-id ID --data DIR --fleet-key FILE [--username U --password P] [--ca FILE]");
    return 2;
}

string? Arg(string name)
{
    var index = Array.IndexOf(args, name);
    return index > 0 && index + 1 < args.Length ? args[index + 1] : null;
}

var data = Arg("--data") ?? "data";
var options = new KioskAgentOptions
{
    MachineId = Arg("--machine-id") ?? "kiosk-test",
    Broker = Arg("--broker") ?? string.Empty,
    Username = Arg("--username"),
    Password = Arg("--password"),
    CaCertificateFile = Arg("--ca"),
    FleetPublicKey = Arg("--fleet-key"),
    DatabasePath = Path.Combine(data, "journal.db"),
    FirstConnectMaxDelay = TimeSpan.Zero,
    ReconnectMinDelay = TimeSpan.FromMilliseconds(200),
    ReconnectMaxDelay = TimeSpan.FromSeconds(2),
    KeepAlive = TimeSpan.FromSeconds(5),
};

await using var agent = new KioskAgent(options, new AcceptingTarget());
agent.ConnectionStateChanged += (_, e) => Console.WriteLine($"state {e.State} epoch {e.Epoch.ToString(CultureInfo.InvariantCulture)}");
agent.Start();
while (await Console.In.ReadLineAsync() is { } line)
{
    if (line == "quit")
    {
        break;
    }
}

return 0;

/// <summary>Accepts every verified command; the will test needs none.</summary>
internal sealed class AcceptingTarget : IKioskCommandTarget
{
    public Task<CommandResult> SetOutOfServiceAsync(string reason, CancellationToken cancellationToken) => Task.FromResult(CommandResult.Done());

    public Task<CommandResult> SetInServiceAsync(CancellationToken cancellationToken) => Task.FromResult(CommandResult.Done());

    public Task<CommandResult> ApplyConfigurationAsync(long version, IReadOnlyDictionary<string, string> configuration, CancellationToken cancellationToken) => Task.FromResult(CommandResult.Done());

    public Task<CommandResult> GetStatusAndCountersAsync(CancellationToken cancellationToken) => Task.FromResult(CommandResult.Done());

    public Task<CommandResult> ReprintLastReceiptAsync(CancellationToken cancellationToken) => Task.FromResult(CommandResult.Refuse("no printer in the test host"));

    public Task<CommandResult> SelfTestAsync(string device, CancellationToken cancellationToken) => Task.FromResult(CommandResult.Refuse("no devices in the test host"));

    public Task<CommandResult> RestartAsync(CancellationToken cancellationToken) => Task.FromResult(CommandResult.Refuse("the test host does not restart"));

    public Task<CommandResult> CashReportAsync(bool closePeriod, bool print, CancellationToken cancellationToken) => Task.FromResult(CommandResult.Refuse("the test host keeps no journal"));
}
