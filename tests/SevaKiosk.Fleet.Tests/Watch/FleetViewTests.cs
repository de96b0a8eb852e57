using SevaKiosk.Protocol.Mqtt;
using SevaKiosk.Tools.Fleet;
using SevaKiosk.Tools.Fleet.Watch;
using Spectre.Console;
using Spectre.Console.Testing;

namespace SevaKiosk.Fleet.Tests.Watch;

/// <summary>How the watch judges machines from what it hears, on a clock the test controls.</summary>
public sealed class FleetViewTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 10, 6, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan SilentAfter = TimeSpan.FromMinutes(3);

    [Fact]
    public void A_late_will_from_an_older_connection_does_not_mark_a_reconnected_machine_offline()
    {
        var view = new FleetView();
        view.Apply(Status("m-1", online: true, birthSeq: 8, connectedAt: Start.AddMinutes(-10), receivedAt: Start, retained: true));
        view.Apply(Status("m-1", online: false, birthSeq: 7, connectedAt: Start.AddMinutes(-70), receivedAt: Start.AddSeconds(5), retained: false));

        var row = view.Snapshot(Start.AddSeconds(10), Start, SilentAfter).Single();
        Assert.Equal(ConnectionView.Online, row.Connection);
        Assert.Equal(Start.AddMinutes(-10), row.Since);

        // The will of the current connection does count, and dates the outage from when it arrived.
        view.Apply(Status("m-1", online: false, birthSeq: 8, connectedAt: Start.AddMinutes(-10), receivedAt: Start.AddSeconds(20), retained: false));
        row = view.Snapshot(Start.AddSeconds(30), Start, SilentAfter).Single();
        Assert.Equal((ConnectionView.Offline, Start.AddSeconds(20)), (row.Connection, row.Since));
    }

    [Fact]
    public void Silence_is_judged_only_over_time_spent_listening_and_live_messages_keep_a_machine_alive()
    {
        var view = new FleetView();
        view.Apply(Status("quiet", online: true, birthSeq: 1, connectedAt: Start.AddHours(-2), receivedAt: Start, retained: true));
        view.Apply(Status("talking", online: true, birthSeq: 1, connectedAt: Start.AddHours(-2), receivedAt: Start, retained: true));

        Assert.All(view.Snapshot(Start.AddMinutes(2), Start, SilentAfter), r => Assert.Equal(ConnectionView.Online, r.Connection));

        view.Apply(Telemetry("talking", seq: 0, monotonicMs: 1_000, sentAt: Start.AddMinutes(2), receivedAt: Start.AddMinutes(2), paper: FleetMetrics.PaperCode.Ok));
        var rows = view.Snapshot(Start.AddMinutes(4), Start, SilentAfter);
        Assert.Equal(("quiet", ConnectionView.Silent), (rows[0].MachineId, rows[0].Connection));
        Assert.Equal(Start.AddHours(-2), rows[0].LastSeen); // from its own retained stamp
        Assert.Equal(("talking", ConnectionView.Online), (rows[1].MachineId, rows[1].Connection));
        Assert.Equal(Start.AddMinutes(2), rows[1].LastSeen);
    }

    [Fact]
    public void A_retained_stamp_from_a_clock_running_ahead_never_looks_newer_than_its_arrival()
    {
        var view = new FleetView();
        view.Apply(Status("fast-clock", online: true, birthSeq: 1, connectedAt: Start.AddDays(3), receivedAt: Start, retained: true));

        Assert.Equal(Start, view.Snapshot(Start, Start, SilentAfter).Single().LastSeen);
    }

    [Fact]
    public void The_reported_fault_list_replaces_what_was_known_and_live_events_update_it_until_the_next_list()
    {
        var view = new FleetView();
        view.Apply(Status("m-1", online: true, birthSeq: 1, connectedAt: Start, receivedAt: Start, retained: true));
        view.Apply(Fault("m-1", "printer", "printer.paper.end", "operator-can-clear", active: true, at: Start.AddMinutes(1)));
        view.Apply(Reported("m-1", at: Start.AddMinutes(2), Fault("m-1", "validator", "validator.jam.unsafe", "technician-needed", active: true, at: Start.AddMinutes(2)).Fault));

        var row = view.Snapshot(Start.AddMinutes(3), Start, SilentAfter).Single();
        Assert.Equal(["validator.jam.unsafe"], row.Faults.Select(f => f.Code));

        view.Apply(Fault("m-1", "printer", "printer.cover.open", "operator-can-clear", active: true, at: Start.AddMinutes(3)));
        view.Apply(Fault("m-1", "printer", "printer.cover.open", "operator-can-clear", active: false, at: Start.AddMinutes(4)));
        view.Apply(Fault("m-1", "printer", "printer.paper.end", "operator-can-clear", active: true, at: Start.AddMinutes(1))); // redelivered, older than the list
        row = view.Snapshot(Start.AddMinutes(5), Start, SilentAfter).Single();
        Assert.Equal(["validator.jam.unsafe"], row.Faults.Select(f => f.Code));
        Assert.Equal(2, row.Urgency); // technician needed: right after silent and offline machines
    }

    [Fact]
    public void A_telemetry_batch_replayed_late_does_not_overwrite_newer_gauges()
    {
        var view = new FleetView();
        view.Apply(Telemetry("m-1", seq: 9, monotonicMs: 90_000, sentAt: Start, receivedAt: Start, paper: FleetMetrics.PaperCode.Out));
        view.Apply(Telemetry("m-1", seq: 3, monotonicMs: 30_000, sentAt: Start.AddMinutes(-1), receivedAt: Start.AddSeconds(1), paper: FleetMetrics.PaperCode.Ok));

        Assert.Equal(FleetMetrics.PaperCode.Out, view.Snapshot(Start.AddSeconds(2), Start, SilentAfter).Single().Paper);
    }

    [Fact]
    public void Gauges_come_from_the_retained_reported_state_until_newer_telemetry_arrives()
    {
        var view = new FleetView();
        var reported = new ReportedState
        {
            MachineId = "m-1",
            Version = 0,
            InService = true,
            Gauges = new Dictionary<string, double> { [FleetMetrics.PrinterPaper] = FleetMetrics.PaperCode.NearEnd, [FleetMetrics.CashboxFill] = 40 },
            Stamp = Stamp(Start.AddMinutes(-30), monotonicMs: 50_000),
        };
        view.Apply(new ReportedReceived(reported, Start, true));
        var row = view.Snapshot(Start, Start, SilentAfter).Single();
        Assert.Equal((FleetMetrics.PaperCode.NearEnd, 40.0), (row.Paper, row.CashboxFill));

        view.Apply(Telemetry("m-1", seq: 3, monotonicMs: 40_000, sentAt: Start.AddMinutes(-40), receivedAt: Start.AddSeconds(1), paper: FleetMetrics.PaperCode.Ok)); // replayed, older
        Assert.Equal(FleetMetrics.PaperCode.NearEnd, view.Snapshot(Start, Start, SilentAfter).Single().Paper);
        view.Apply(Telemetry("m-1", seq: 9, monotonicMs: 90_000, sentAt: Start, receivedAt: Start.AddSeconds(2), paper: FleetMetrics.PaperCode.Out));
        row = view.Snapshot(Start.AddSeconds(3), Start, SilentAfter).Single();
        Assert.Equal((FleetMetrics.PaperCode.Out, 40.0), (row.Paper, row.CashboxFill));
    }

    [Fact]
    public void Block_filter_ignores_case_and_machines_without_location_fall_out_of_it()
    {
        var view = new FleetView();
        view.Apply(Meta("a", new MachineLocation("Kanota", "Bassi", "Jaipur")));
        view.Apply(Meta("b", new MachineLocation("Chaksu", "Chaksu", "Jaipur")));
        view.Apply(Meta("c", null));

        Assert.Equal(["a"], view.Snapshot(Start, Start, SilentAfter, "BASSI").Select(r => r.MachineId));
        Assert.Equal(3, view.Snapshot(Start, Start, SilentAfter).Count);
    }

    [Fact]
    public void The_table_colours_silent_machines_and_technician_faults_red_and_operator_jobs_yellow()
    {
        var view = new FleetView();
        view.Apply(Status("quiet", online: true, birthSeq: 1, connectedAt: Start.AddHours(-1), receivedAt: Start, retained: true));
        view.Apply(Status("jammed", online: true, birthSeq: 1, connectedAt: Start, receivedAt: Start.AddMinutes(4), retained: false));
        view.Apply(Fault("jammed", "validator", "validator.jam.unsafe", "technician-needed", active: true, at: Start.AddMinutes(4)));
        view.Apply(Status("paper", online: true, birthSeq: 1, connectedAt: Start, receivedAt: Start.AddMinutes(4), retained: false));
        view.Apply(Fault("paper", "printer", "printer.paper.end", "operator-can-clear", active: true, at: Start.AddMinutes(4)));
        var now = Start.AddMinutes(5);
        var console = new TestConsole { EmitAnsiSequences = true }.Colors(ColorSystem.Standard);
        console.Profile.Width = 200;

        console.Write(FleetTable.Render(view.Snapshot(now, Start, SilentAfter), new WatchFrame(now, Start, SilentAfter, null, 0, TimeZoneInfo.Utc)));

        var lines = console.Output.Split('\n');
        const string red = "\u001b[91m";
        const string boldRed = "\u001b[1;91m";
        const string yellow = "\u001b[93m";
        Assert.Contains(boldRed + "quiet", lines.Single(l => l.Contains("quiet", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains(red + "validator.jam.unsafe", lines.Single(l => l.Contains("jammed", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains(yellow + "printer.paper.end", lines.Single(l => l.Contains("paper", StringComparison.Ordinal) && l.Contains("printer.paper.end", StringComparison.Ordinal)), StringComparison.Ordinal);
        var order = lines.Where(l => l.Contains('│')).Select(l => l.Split('│')[1]).Where(c => c.Contains("quiet", StringComparison.Ordinal) || c.Contains("jammed", StringComparison.Ordinal) || c.Contains("paper", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, order.Count);
        Assert.Contains("quiet", order[0], StringComparison.Ordinal);
        Assert.Contains("jammed", order[1], StringComparison.Ordinal);
        Assert.Contains("paper", order[2], StringComparison.Ordinal);
    }

    private static MachineStamp Stamp(DateTimeOffset wall, long monotonicMs = 1_000) => new("boot-1", monotonicMs, wall, true);

    private static StatusReceived Status(string machine, bool online, long birthSeq, DateTimeOffset connectedAt, DateTimeOffset receivedAt, bool retained) =>
        new(new StatusMessage { MachineId = machine, Online = online, BirthSeq = birthSeq, FirmwareVersion = "1.4.2", Stamp = Stamp(connectedAt) }, receivedAt, retained);

    private static MetaReceived Meta(string machine, MachineLocation? location) =>
        new(new MetaMessage { MachineId = machine, FirmwareVersion = "1.4.2", ConfigVersion = 0, Location = location, Stamp = Stamp(Start) }, Start, true);

    private static FaultReceived Fault(string machine, string device, string code, string action, bool active, DateTimeOffset at) =>
        new(new FaultMessage { MachineId = machine, Device = device, Code = code, Severity = "error", Action = action, Active = active, Message = code, Stamp = Stamp(at) }, at, false);

    private static ReportedReceived Reported(string machine, DateTimeOffset at, params FaultMessage[] active) =>
        new(new ReportedState { MachineId = machine, Version = 0, InService = true, ActiveFaults = active, Stamp = Stamp(at) }, at, false);

    private static TelemetryReceived Telemetry(string machine, long seq, long monotonicMs, DateTimeOffset sentAt, DateTimeOffset receivedAt, int paper) =>
        new(new TelemetryBatch
        {
            MachineId = machine,
            Seq = seq,
            Stamp = Stamp(sentAt, monotonicMs),
            Samples = [new TelemetrySample(FleetMetrics.PrinterPaper, paper, string.Empty, monotonicMs)],
        }, receivedAt, false);
}
