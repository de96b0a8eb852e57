using SevaKiosk.Firmware.Agent;
using SevaKiosk.Protocol.Mqtt;

namespace SevaKiosk.Fleet.Tests.Support;

/// <summary>
/// A real Mosquitto with machines on it: real <see cref="KioskAgent"/>s (their own journal databases, passwords and ACLs,
/// telemetry gauges on a short interval), and raw publishers for states an agent cannot be pushed into on demand.
/// </summary>
public sealed class SimulatedFleet : IAsyncDisposable
{
    private readonly FleetKeys _keys = new();
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("sevakiosk-fleet-");
    private readonly List<KioskAgent> _agents = [];

    private SimulatedFleet(MosquittoBroker broker) => Broker = broker;

    public MosquittoBroker Broker { get; }

    /// <summary>The monitoring account's options for kioskctl.</summary>
    public string[] BrokerArgs => ["--broker", Broker.Url, "--user", MosquittoBroker.BackendUser, "--password", MosquittoBroker.BackendPassword];

    public static async Task<SimulatedFleet> StartAsync(params string[] machines) => new(await MosquittoBroker.StartAsync(machines));

    /// <summary>Starts a machine's agent with its location and gauge values, and waits until it is connected.</summary>
    public async Task<KioskAgent> StartMachineAsync(string machineId, MachineLocation location, Gauges? gauges = null, TimeSpan? telemetryInterval = null)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_data.FullName, machineId)).FullName;
        var options = TestAgents.Options(machineId, Broker.Url, _keys.PublicPem, directory, withPassword: true);
        options.Location = location;
        options.FirmwareVersion = "1.4.2";
        options.TelemetryInterval = telemetryInterval ?? TimeSpan.FromMilliseconds(300);
        var agent = new KioskAgent(options, new RecordingTarget());
        if (gauges is not null)
        {
            agent.AddTelemetrySource(stamp => gauges.Samples(stamp.MonotonicMs));
        }

        _agents.Add(agent);
        agent.Start();
        await Wait.UntilAsync(() => agent.IsConnected, TimeSpan.FromSeconds(10), machineId + " to connect");
        return agent;
    }

    /// <summary>
    /// A machine that said it was online at <paramref name="connectedAt"/> and nothing since: retained status and meta
    /// published with its own credentials, no will (as if the link were half-open and the firmware hung).
    /// </summary>
    public async Task PublishQuietMachineAsync(string machineId, MachineLocation location, DateTimeOffset connectedAt)
    {
        var stamp = new MachineStamp("boot-quiet", 5_000, connectedAt, true);
        await using var machine = await Observer.ConnectAsync(Broker.Url, machineId, MosquittoBroker.PasswordOf(machineId), machineId);
        var topics = KioskTopics.For(machineId);
        await machine.PublishAsync(topics.Status, KioskJson.Serialize(new StatusMessage { MachineId = machineId, Online = true, BirthSeq = 4, FirmwareVersion = "1.3.0", Stamp = stamp }), retain: true);
        await machine.PublishAsync(topics.Meta, KioskJson.Serialize(new MetaMessage { MachineId = machineId, FirmwareVersion = "1.3.0", ConfigVersion = 0, Location = location, Stamp = stamp }), retain: true);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        await Broker.DisposeAsync();
        _keys.Dispose();
        _data.Delete(recursive: true);
    }
}

/// <summary>What a simulated machine's gauges read (the fleet metrics the firmware samples).</summary>
public sealed record Gauges(int Paper, double CashboxFill, int CashboxNotes, int TransactionsToday, decimal AmountToday)
{
    public IEnumerable<TelemetrySample> Samples(long monotonicMs) =>
    [
        new(FleetMetrics.PrinterPaper, Paper, string.Empty, monotonicMs),
        new(FleetMetrics.CashboxFill, CashboxFill, "%", monotonicMs),
        new(FleetMetrics.CashboxNotes, CashboxNotes, string.Empty, monotonicMs),
        new(FleetMetrics.TransactionsToday, TransactionsToday, string.Empty, monotonicMs),
        new(FleetMetrics.AmountToday, (double)AmountToday, "INR", monotonicMs),
    ];
}
