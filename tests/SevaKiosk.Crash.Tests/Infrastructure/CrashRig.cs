using System.Globalization;
using System.Security.Cryptography;
using SevaKiosk.Mqtt.Testing;
using SevaKiosk.Testing;

namespace SevaKiosk.Crash.Tests.Infrastructure;

/// <summary>
/// What every crash scenario shares and what outlives the firmware's deaths: a real Mosquitto on a free loopback port
/// (a user per machine, ACL per machine), the fleet backend as a <c>sevakiosk-sim backend</c> process with its SQLite
/// ledger, and a fleet command key. Each scenario is its own machine (own id, data directory and validator), so the
/// backend's ledger keeps them apart by transaction id.
/// </summary>
public sealed class CrashRig : IAsyncLifetime
{
    /// <summary>Machine ids the broker knows: one per scenario, <c>CRASH-K001</c> ... plus a few named ones.</summary>
    public const int MaxScenarios = 120;

    private readonly TempDirectory _work = new();
    private readonly Lazy<Task<CrashOutcome>> _reference;
    private ChildProcess? _backend;

    public CrashRig() => _reference = new(() => CrashScenario.RunAsync(this, "CRASH-TRACE", killAfter: null));

    public MosquittoBroker Broker { get; private set; } = null!;

    public string LedgerPath => Path.Combine(_work.Path, "backend-ledger.db");

    public string FleetKeyPath => Path.Combine(_work.Path, "fleet-public.pem");

    public string WorkDirectory => _work.Path;

    public static string Machine(int scenario) => string.Create(CultureInfo.InvariantCulture, $"CRASH-K{scenario:D3}");

    public static IEnumerable<string> NamedMachines => ["CRASH-TRACE", "CRASH-DEMO"];

    public async Task InitializeAsync()
    {
        // The firmware refuses a real broker without the fleet's command key; the private half is never needed here.
        using (var fleet = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            await File.WriteAllTextAsync(FleetKeyPath, fleet.ExportSubjectPublicKeyInfoPem());
        }

        Broker = await MosquittoBroker.StartAsync(NamedMachines.Concat(Enumerable.Range(1, MaxScenarios).Select(Machine)));
        _backend = ChildProcess.Start("sevakiosk-sim.dll",
        [
            "backend", "--broker", Broker.Url, "--ledger", LedgerPath,
            "--username", MosquittoBroker.BackendUser, "--password", MosquittoBroker.BackendPassword,
        ]);
        await _backend.WaitForStdoutAsync(line => line.Contains("\"connected\"", StringComparison.Ordinal), TimeSpan.FromSeconds(90));
    }

    /// <summary>The uninterrupted, traced session every crash point is chosen from (run once, shared).</summary>
    public Task<CrashOutcome> ReferenceRunAsync() => _reference.Value;

    /// <summary>The backend's output, for failure messages.</summary>
    public string BackendTranscript() => _backend?.Transcript(40) ?? string.Empty;

    public async Task DisposeAsync()
    {
        if (_backend is not null)
        {
            await _backend.DisposeAsync();
        }

        if (Broker is not null)
        {
            await Broker.DisposeAsync();
        }

        _work.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class CrashRigCollection : ICollectionFixture<CrashRig>
{
    public const string Name = "crash rig";
}
