using SevaKiosk.Fleet.Tests.Support;
using SevaKiosk.Hal.Devices;
using SevaKiosk.Protocol.Mqtt;
using Xunit.Abstractions;

namespace SevaKiosk.Fleet.Tests.Watch;

/// <summary>
/// <c>kioskctl watch</c> against a live Mosquitto with machines publishing: real agents with gauges and a fault, one
/// that shut down, and one that went quiet twenty minutes ago. The assertions read the table a technician would see.
/// </summary>
public sealed class WatchLiveTests : IClassFixture<WatchLiveTests.Fleet>
{
    private readonly Fleet _fleet;
    private readonly ITestOutputHelper _log;

    public WatchLiveTests(Fleet fleet, ITestOutputHelper log)
    {
        _fleet = fleet;
        _log = log;
    }

    [Fact]
    public async Task A_snapshot_shows_every_machine_with_location_gauges_faults_and_firmware()
    {
        var (code, output, error) = await Kioskctl.RunAsync(["watch", .. _fleet.Simulated.BrokerArgs, "--once", "--width", "220"]);

        _log.WriteLine(output);
        Assert.True(code == 0, error + output);
        var lines = output.Split('\n');
        var healthy = Line(lines, Fleet.Healthy);
        Assert.Contains("Kanota, Bassi", healthy, StringComparison.Ordinal);
        Assert.Contains("online", healthy, StringComparison.Ordinal);
        Assert.Contains("none", healthy, StringComparison.Ordinal);
        Assert.Contains("62% (310)", healthy, StringComparison.Ordinal);
        Assert.Contains("37 · ₹12,450", healthy, StringComparison.Ordinal);
        Assert.Contains("1.4.2", healthy, StringComparison.Ordinal);
        Assert.Matches(@"│ ok\s", healthy);

        var faulted = Line(lines, Fleet.PaperOut);
        Assert.Contains("printer.paper.end → operator-can-clear", faulted, StringComparison.Ordinal);
        Assert.Contains("out", faulted, StringComparison.Ordinal);
        Assert.Contains("93% (465)", faulted, StringComparison.Ordinal);

        Assert.Contains("offline", Line(lines, Fleet.ShutDown), StringComparison.Ordinal);
        Assert.Contains("Chaksu", Line(lines, Fleet.OtherBlock), StringComparison.Ordinal);

        // A fresh snapshot cannot know the quiet machine has said nothing since its retained status: no one is silent yet.
        Assert.Contains("0 silent", output, StringComparison.Ordinal);
        Assert.Contains("5 machine(s)", output, StringComparison.Ordinal);
        Assert.Contains("silence is judged after", output, StringComparison.Ordinal);
        Assert.Contains("20m", Line(lines, Fleet.Quiet), StringComparison.Ordinal); // last seen, from its own stamp
    }

    [Fact]
    public async Task Listening_longer_than_the_silence_limit_puts_the_quiet_machine_first_and_block_filters()
    {
        var (code, output, error) = await Kioskctl.RunAsync(
            ["watch", .. _fleet.Simulated.BrokerArgs, "--block", "bassi", "--for", "2.5s", "--silent-after", "1.5s", "--width", "160"]);

        _log.WriteLine(output);
        Assert.True(code == 0, error + output);
        var rows = output.Split('\n').Where(l => l.Contains("RJ-", StringComparison.Ordinal)).ToList();
        Assert.Equal([Fleet.Quiet, Fleet.ShutDown, Fleet.PaperOut, Fleet.Healthy], rows.Select(MachineOf));
        Assert.Contains("SILENT", rows[0], StringComparison.Ordinal);
        Assert.DoesNotContain(Fleet.OtherBlock, output, StringComparison.Ordinal);
        Assert.Contains("1 silent", output, StringComparison.Ordinal);
        Assert.Contains("1 offline", output, StringComparison.Ordinal);
        Assert.Contains("1 with faults", output, StringComparison.Ordinal);
        Assert.Contains("silent = nothing heard for 1.5s", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_broker_with_a_bad_duration_or_a_broker_that_refuses_it_says_what_to_fix()
    {
        var missing = await Kioskctl.RunAsync("watch", "--once");
        Assert.Equal((2, true), (missing.Code, missing.Error.Contains("--broker URL is required", StringComparison.Ordinal)));

        var bad = await Kioskctl.RunAsync(["watch", .. _fleet.Simulated.BrokerArgs, "--for", "soon"]);
        Assert.Equal(2, bad.Code);
        Assert.Contains("--for 'soon' is not a duration", bad.Error, StringComparison.Ordinal);

        var refused = await Kioskctl.RunAsync("watch", "--broker", _fleet.Simulated.Broker.Url, "--user", "backend", "--password", "wrong", "--once");
        Assert.Equal(3, refused.Code);
        Assert.Contains("refused", refused.Error, StringComparison.Ordinal);

        var unreachable = await Kioskctl.RunAsync("watch", "--broker", "mqtt://127.0.0.1:1", "--once");
        Assert.Equal(3, unreachable.Code);
        Assert.Contains("not reachable", unreachable.Error, StringComparison.Ordinal);
    }

    private static string Line(string[] lines, string machine) => lines.Single(l => l.Contains(machine, StringComparison.Ordinal));

    private static string MachineOf(string line) => line.Split('│', StringSplitOptions.TrimEntries)[1];

    /// <summary>Five machines in two blocks of Jaipur district.</summary>
    public sealed class Fleet : IAsyncLifetime
    {
        public const string Healthy = "RJ-JPR-BSI-001";
        public const string PaperOut = "RJ-JPR-BSI-002";
        public const string ShutDown = "RJ-JPR-BSI-003";
        public const string Quiet = "RJ-JPR-BSI-004";
        public const string OtherBlock = "RJ-JPR-CHK-001";

        public SimulatedFleet Simulated { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Simulated = await SimulatedFleet.StartAsync(Healthy, PaperOut, ShutDown, Quiet, OtherBlock);
            await Simulated.StartMachineAsync(Healthy, new MachineLocation("Kanota", "Bassi", "Jaipur"), new Gauges(FleetMetrics.PaperCode.Ok, 62, 310, 37, 12_450m));
            var paperOut = await Simulated.StartMachineAsync(PaperOut, new MachineLocation("Tunga", "Bassi", "Jaipur"), new Gauges(FleetMetrics.PaperCode.Out, 93, 465, 12, 3_100m));
            paperOut.ReportFault(new DeviceFault("printer", "printer.paper.end", FaultSeverity.Error, RecommendedAction.OperatorCanClear, false, "Paper roll empty", DateTimeOffset.UtcNow), active: true);
            var shutDown = await Simulated.StartMachineAsync(ShutDown, new MachineLocation("Bassi", "Bassi", "Jaipur"), new Gauges(FleetMetrics.PaperCode.Ok, 10, 50, 2, 400m));
            await Simulated.StartMachineAsync(OtherBlock, new MachineLocation("Chaksu", "Chaksu", "Jaipur"), new Gauges(FleetMetrics.PaperCode.NearEnd, 40, 200, 8, 2_000m));
            await Simulated.PublishQuietMachineAsync(Quiet, new MachineLocation("Mohanpura", "Bassi", "Jaipur"), DateTimeOffset.UtcNow.AddMinutes(-20));
            await Wait.UntilAsync(() => paperOut.Outbox.PendingMessageCount(SevaKiosk.Firmware.Agent.Outbox.OutboxStore.FaultKind) == 0, TimeSpan.FromSeconds(10), "the fault to be published");
            await shutDown.StopAsync(); // says offline itself, retained
        }

        public async Task DisposeAsync() => await Simulated.DisposeAsync();
    }
}
