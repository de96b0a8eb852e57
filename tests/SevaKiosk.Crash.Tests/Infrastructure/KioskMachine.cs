using System.Globalization;
using System.Text.Json.Nodes;
using SevaKiosk.Mqtt.Testing;

namespace SevaKiosk.Crash.Tests.Infrastructure;

/// <summary>
/// One kiosk: a machine id, a data directory and a validator port. Starts <c>sevakiosk</c> on them, with the same
/// configuration every time (a machine has one), against the rig's Mosquitto and backend.
/// </summary>
internal sealed record KioskMachine(CrashRig Rig, string MachineId, string DataDirectory, string ValidatorPort)
{
    /// <summary>The demo's notes in the order the citizen offers them: ₹2000 first, which the amount rule returns.</summary>
    public static readonly long[] DemoNotes = [2000, 500, 200, 100, 50];

    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    private IEnumerable<string> Configuration =>
    [
        "--data", DataDirectory, "--broker", Rig.Broker.Url, "--machine-id", MachineId,
        "--set", $"Validator:Port={ValidatorPort}",
        "--set", "Validator:PollInterval=00:00:00.050",

        // The validator is another process on a loaded machine: allow it a second to answer (the 200 ms default
        // declares it offline whenever the scheduler starves it, which is not what these tests are about).
        "--set", "Validator:ResponseTimeout=00:00:01",

        // A list is taken whole from the source that sets it (never merged index by index): all seven notes.
        "--set", "Validator:AcceptedNotes:0=10", "--set", "Validator:AcceptedNotes:1=20", "--set", "Validator:AcceptedNotes:2=50",
        "--set", "Validator:AcceptedNotes:3=100", "--set", "Validator:AcceptedNotes:4=200", "--set", "Validator:AcceptedNotes:5=500",
        "--set", "Validator:AcceptedNotes:6=2000",
        "--set", $"Agent:Username={MachineId}",
        "--set", $"Agent:Password={MosquittoBroker.PasswordOf(MachineId)}",
        "--set", $"Agent:FleetPublicKeyFile={Rig.FleetKeyPath}",
        "--set", "Agent:FirstConnectMaxDelay=00:00:00",
        "--set", "Agent:ReconnectMinDelay=00:00:00.200",

        // Connects and link losses in the transcript of a failing scenario.
        "--set", "Logging:LogLevel:SevaKiosk.Agent=Information",
    ];

    /// <summary><c>sevakiosk --demo</c>, tracing every commit, and SIGKILLed after commit <paramref name="killAfter"/> if given.</summary>
    public ChildProcess StartDemo(long? killAfter) => ChildProcess.Start("sevakiosk.dll", ["--demo", .. Configuration], new Dictionary<string, string?>
    {
        ["SEVAFAULT_TRACE_COMMITS"] = "1",
        ["SEVAFAULT_KILL_AFTER_COMMIT"] = killAfter?.ToString(CultureInfo.InvariantCulture),
    });

    /// <summary><c>sevakiosk run</c>: the kiosk proper, which recovers the journal before it says "ready for cash".</summary>
    public ChildProcess StartRun() => ChildProcess.Start("sevakiosk.dll", ["run", .. Configuration]);

    public string JournalPath => Path.Combine(DataDirectory, "journal.db");

    /// <summary><c>sevakiosk report x --json</c> for this machine.</summary>
    public async Task<JsonObject> XReportAsync()
    {
        // report takes no --machine-id; the environment source names the machine on the report.
        await using var report = ChildProcess.Start("sevakiosk.dll", ["report", "x", "--data", DataDirectory, "--json"], new Dictionary<string, string?>
        {
            ["SEVAKIOSK_Kiosk__MachineId"] = MachineId,
        });
        var exit = await report.WaitForExitAsync(Patience);
        return exit == 0
            ? JsonNode.Parse(string.Join('\n', report.Stdout))!.AsObject()
            : throw new InvalidOperationException($"report x exited {exit}\n{report.Transcript()}");
    }
}
