using System.Text.Json;
using SevaKiosk.Fleet.Tests.Support;
using SevaKiosk.Hal.Devices;
using SevaKiosk.Protocol.Mqtt;
using SevaKiosk.Testing;
using Xunit.Abstractions;

namespace SevaKiosk.Fleet.Tests.Report;

/// <summary>
/// <c>kioskctl report --broker</c> and <c>kioskctl faults --broker</c> against a live Mosquitto: the persistent session
/// queues what machines publish while kioskctl is not running, the next run drains it into the local store, and every
/// transaction counts once however often it was delivered.
/// </summary>
public sealed class ReportBrokerTests : IAsyncLifetime
{
    private const string BassiA = "RJ-JPR-BSI-101";
    private const string BassiB = "RJ-JPR-BSI-102";
    private const string Chaksu = "RJ-JPR-CHK-101";
    private readonly TempDirectory _directory = new();
    private readonly ITestOutputHelper _log;
    private SimulatedFleet _fleet = null!;

    public ReportBrokerTests(ITestOutputHelper log) => _log = log;

    private string Store => Path.Combine(_directory.Path, "fleet.db");

    public async Task InitializeAsync() => _fleet = await SimulatedFleet.StartAsync(BassiA, BassiB, Chaksu);

    public async Task DisposeAsync()
    {
        await _fleet.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Transactions_published_between_runs_are_queued_drained_and_counted_once()
    {
        // First run: nothing yet, but the session (and its subscriptions) now exists on the broker.
        var first = await KioskctlAsync("report", "--json");
        Assert.Equal(0, first.Json.GetProperty("total").GetProperty("transactions").GetInt64());
        Assert.Contains("new session", first.Error, StringComparison.Ordinal);

        // While kioskctl is not running, machines sell. No backend acknowledges, so each agent re-sends its
        // transactions every AckTimeout: the queue holds duplicates.
        var agents = new[]
        {
            (Agent: await _fleet.StartMachineAsync(BassiA, new MachineLocation("Kanota", "Bassi", "Jaipur")), Count: 5),
            (Agent: await _fleet.StartMachineAsync(BassiB, new MachineLocation("Tunga", "Bassi", "Jaipur")), Count: 3),
            (Agent: await _fleet.StartMachineAsync(Chaksu, new MachineLocation("Chaksu", "Chaksu", "Jaipur")), Count: 2),
        };
        var published = new int[agents.Length];
        for (var i = 0; i < agents.Length; i++)
        {
            var index = i;
            agents[i].Agent.TransactionPublished += (_, _) => Interlocked.Increment(ref published[index]);
            for (var seq = 1; seq <= agents[i].Count; seq++)
            {
                agents[i].Agent.EnqueueTransaction(TestAgents.Transaction(agents[i].Agent.Topics.MachineId, seq, amount: 100m * seq));
            }
        }

        await Wait.UntilAsync(() => Enumerable.Range(0, agents.Length).All(i => Volatile.Read(ref published[i]) >= 2 * agents[i].Count), TimeSpan.FromSeconds(15), "every transaction published at least twice");
        foreach (var (agent, _) in agents)
        {
            await agent.StopAsync();
        }

        var second = await KioskctlAsync("report", "--by", "machine", "--json");
        Assert.Contains("session resumed", second.Error, StringComparison.Ordinal);
        var units = second.Json.GetProperty("units").EnumerateArray().ToDictionary(u => u.GetProperty("name").GetString()!);
        Assert.Equal(5, units[BassiA].GetProperty("transactions").GetInt64());
        Assert.Equal(1_500m, units[BassiA].GetProperty("amount").GetDecimal()); // 100 + 200 + ... + 500
        Assert.Equal(3, units[BassiB].GetProperty("transactions").GetInt64());
        Assert.Equal(2, units[Chaksu].GetProperty("transactions").GetInt64());
        Assert.Equal("Kanota, Bassi, Jaipur", units[BassiA].GetProperty("parent").GetString()); // location from the retained meta

        using (var store = new SevaKiosk.Tools.Fleet.FleetStore(Store))
        {
            var (transactions, deliveries) = store.TransactionCounts();
            Assert.Equal(10, transactions);
            Assert.True(deliveries >= 20, $"{deliveries} deliveries: the duplicates reached the store and were folded");
        }

        // Offline, from the store alone: the same figures by block.
        var offline = await Kioskctl.RunAsync("report", "--store", Store, "--by", "block", "--json");
        Assert.True(offline.Code == 0, offline.Error);
        var bassi = JsonDocument.Parse(offline.Output).RootElement.GetProperty("units").EnumerateArray().Single(u => u.GetProperty("name").GetString() == "Bassi");
        Assert.Equal((8L, 80.00m, 4.00m), (bassi.GetProperty("transactions").GetInt64(), bassi.GetProperty("shareOfParent").GetDecimal(), bassi.GetProperty("transactionsPerMachine").GetDecimal()));
    }

    [Fact]
    public async Task Faults_shows_history_counters_and_what_is_active_now()
    {
        var agent = await _fleet.StartMachineAsync(BassiA, new MachineLocation("Kanota", "Bassi", "Jaipur"));
        var first = await Kioskctl.RunAsync(FaultArgs("--json"));
        Assert.True(first.Code == 0, first.Error);
        Assert.Empty(JsonDocument.Parse(first.Output).RootElement.GetProperty("history").EnumerateArray());

        var paper = new DeviceFault("printer", "printer.paper.end", FaultSeverity.Error, RecommendedAction.OperatorCanClear, false, "Paper roll empty", DateTimeOffset.UtcNow);
        var jam = new DeviceFault("validator", "validator.jam.unsafe", FaultSeverity.Critical, RecommendedAction.TechnicianNeeded, false, "Note jammed in the transport", DateTimeOffset.UtcNow);
        agent.ReportFault(paper, active: true);
        agent.ReportFault(jam, active: true);
        agent.ReportFault(paper, active: false);
        agent.ReportFault(jam, active: false);
        agent.ReportFault(paper, active: true);
        await Wait.UntilAsync(() => agent.Outbox.PendingMessageCount(SevaKiosk.Firmware.Agent.Outbox.OutboxStore.FaultKind) == 0, TimeSpan.FromSeconds(10), "the fault events to be published");
        await Task.Delay(300); // the retained reported state follows its own publish

        var (code, output, error) = await Kioskctl.RunAsync(FaultArgs("--json"));
        Assert.True(code == 0, error);
        var root = JsonDocument.Parse(output).RootElement;
        Assert.Equal(("Kanota", "Bassi"), (root.GetProperty("panchayat").GetString(), root.GetProperty("block").GetString()));
        Assert.Equal(["printer.paper.end"], root.GetProperty("active").EnumerateArray().Select(f => f.GetProperty("code").GetString()));
        Assert.Equal("reported-state", root.GetProperty("activeSource").GetString());
        var counters = root.GetProperty("counters").EnumerateArray().ToDictionary(c => c.GetProperty("code").GetString()!);
        Assert.Equal((2, 1, true, "operator-can-clear"), Counter(counters["printer.paper.end"]));
        Assert.Equal((1, 1, false, "technician-needed"), Counter(counters["validator.jam.unsafe"]));
        var history = root.GetProperty("history").EnumerateArray().Select(h => (h.GetProperty("code").GetString(), h.GetProperty("event").GetString())).ToList();
        Assert.Equal(5, history.Count);
        Assert.Equal(("printer.paper.end", "raised"), history[0]); // newest first

        var table = await Kioskctl.RunAsync(FaultArgs("--width", "160"));
        _log.WriteLine(table.Output);
        Assert.Contains("Active now", table.Output, StringComparison.Ordinal);
        Assert.Contains("printer.paper.end on printer → operator-can-clear: Paper roll empty", table.Output, StringComparison.Ordinal);
        Assert.Contains("History (newest first, 5 of 5)", table.Output, StringComparison.Ordinal);

        var unknown = await Kioskctl.RunAsync("faults", "--store", Store, "--machine", "RJ-NOWHERE-1");
        Assert.Equal(1, unknown.Code);
        Assert.Contains("nothing is stored about RJ-NOWHERE-1", unknown.Error, StringComparison.Ordinal);
    }

    private static (int Raised, int Cleared, bool Active, string? Action) Counter(JsonElement c) =>
        (c.GetProperty("raised").GetInt32(), c.GetProperty("cleared").GetInt32(), c.GetProperty("activeNow").GetBoolean(), c.GetProperty("action").GetString());

    private string[] FaultArgs(params string[] extra) =>
        ["faults", .. _fleet.BrokerArgs, "--machine", BassiA, "--store", Store, "--session", "kioskctl-test", "--collect", "5s", "--quiet", "700ms", .. extra];

    private async Task<(JsonElement Json, string Error)> KioskctlAsync(params string[] args)
    {
        var (code, output, error) = await Kioskctl.RunAsync(
            [.. args, .. _fleet.BrokerArgs, "--store", Store, "--session", "kioskctl-test", "--collect", "5s", "--quiet", "700ms"]);
        Assert.True(code == 0, error);
        return (JsonDocument.Parse(output).RootElement, error);
    }
}
