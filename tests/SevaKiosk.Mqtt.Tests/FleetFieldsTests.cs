using Microsoft.Extensions.Time.Testing;
using SevaKiosk.Firmware.Agent;
using SevaKiosk.Firmware.Agent.Broker;
using SevaKiosk.Hal.Devices;
using SevaKiosk.Protocol.Mqtt;

namespace SevaKiosk.Mqtt.Tests;

/// <summary>
/// What the fleet tools read from a machine beyond the payment flow: its location in <c>meta</c>, the faults active
/// now in the retained reported state, and gauges sampled into telemetry on the agent's timer.
/// </summary>
public sealed class FleetFieldsTests : IAsyncLifetime
{
    private const string Machine = "kiosk-fleet-01";
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("sevakiosk-fleetfields-");
    private readonly FleetKeys _fleet = new();
    private readonly MachineTopics _topics = KioskTopics.For(Machine);
    private EmbeddedBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await EmbeddedBroker.StartAsync();

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        _fleet.Dispose();
        _data.Delete(recursive: true);
    }

    [Fact]
    public async Task Meta_carries_the_configured_location()
    {
        var options = Options();
        options.Location = new MachineLocation("Kanota", "Bassi", "Jaipur");
        await using var monitor = await Observer.ConnectAsync(_broker.Url, null, null, "monitor", _topics.Meta);
        await using var agent = new KioskAgent(options, new RecordingTarget());
        agent.Start();
        await Wait.UntilAsync(() => monitor.On(_topics.Meta).Any(), TimeSpan.FromSeconds(10), "meta");

        var meta = KioskJson.Deserialize<MetaMessage>(monitor.On(_topics.Meta).Last().Payload);
        Assert.Equal(new MachineLocation("Kanota", "Bassi", "Jaipur"), meta.Location);
    }

    [Fact]
    public void A_location_with_a_blank_name_is_a_configuration_error()
    {
        var options = Options();
        options.Location = new MachineLocation("Kanota", " ", "Jaipur");
        Assert.Contains(options.Validate(), p => p.StartsWith("Agent:Location", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_reported_state_lists_active_faults_retained_and_a_restart_starts_the_list_empty()
    {
        var options = Options();
        await using (var agent = new KioskAgent(options, new RecordingTarget()))
        {
            agent.Start();
            await Wait.UntilAsync(() => agent.IsConnected, TimeSpan.FromSeconds(10), "connect");
            agent.ReportFault(Fault("printer", "printer.paper.end", RecommendedAction.OperatorCanClear), active: true);
            agent.ReportFault(Fault("validator", "validator.jam.unsafe", RecommendedAction.TechnicianNeeded), active: true);
            agent.ReportFault(Fault("printer", "printer.paper.end", RecommendedAction.OperatorCanClear), active: false);
            agent.ReportFault(Fault("validator", "validator.jam.unsafe", RecommendedAction.TechnicianNeeded), active: true); // raised twice, listed once

            // A monitor that connects later still sees what is active: the reported state is retained.
            await Wait.UntilAsync(() => RetainedReported()?.ActiveFaults is [{ Code: "validator.jam.unsafe" }], TimeSpan.FromSeconds(10), "the retained fault list");
            var fault = RetainedReported()!.ActiveFaults![0];
            Assert.Equal(("validator", "technician-needed", true), (fault.Device, fault.Action, fault.Active));
        }

        // The firmware restarts: the stored list may be stale, so it starts empty until devices raise again.
        await using var restarted = new KioskAgent(options, new RecordingTarget());
        Assert.Equal([], restarted.ReportedState.ActiveFaults);
        restarted.Start();
        await Wait.UntilAsync(() => RetainedReported()?.ActiveFaults is [], TimeSpan.FromSeconds(10), "the emptied list, retained");
    }

    [Fact]
    public async Task Telemetry_sources_are_sampled_into_one_batch_at_start_every_interval_and_on_request()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = Options();
        options.TelemetryInterval = TimeSpan.FromMinutes(1);
        var notes = 10;
        await using var monitor = await Observer.ConnectAsync(_broker.Url, null, null, "monitor", _topics.Telemetry);
        await using var agent = new KioskAgent(options, new RecordingTarget(), new KioskAgentServices { Time = time });
        agent.AddTelemetrySource(stamp => [new TelemetrySample(FleetMetrics.CashboxNotes, notes, string.Empty, stamp.MonotonicMs)]);
        agent.AddTelemetrySource(_ => throw new InvalidOperationException("sensor unplugged"));
        agent.AddTelemetrySource(stamp => [new TelemetrySample(FleetMetrics.PrinterPaper, FleetMetrics.PaperCode.NearEnd, string.Empty, stamp.MonotonicMs)]);
        agent.Start();
        time.Advance(TimeSpan.Zero); // the first sample is due at start
        await Wait.UntilAsync(() => Batches().Count == 1, TimeSpan.FromSeconds(10), "the first batch");

        notes = 11;
        time.Advance(TimeSpan.FromSeconds(59));
        await Task.Delay(200);
        Assert.Single(Batches()); // not due yet
        time.Advance(TimeSpan.FromSeconds(1));
        await Wait.UntilAsync(() => Batches().Count == 2, TimeSpan.FromSeconds(10), "the interval's batch");

        notes = 12;
        agent.RequestTelemetrySample();
        time.Advance(TimeSpan.Zero);
        await Wait.UntilAsync(() => Batches().Count == 3, TimeSpan.FromSeconds(10), "the requested batch");

        var batches = Batches();
        Assert.Equal([10.0, 11, 12], batches.Select(b => b.Samples.Single(s => s.Name == FleetMetrics.CashboxNotes).Value));
        Assert.All(batches, b => Assert.Equal(FleetMetrics.PaperCode.NearEnd, b.Samples.Single(s => s.Name == FleetMetrics.PrinterPaper).Value));
        Assert.All(batches, b => Assert.Equal(2, b.Samples.Count)); // the failing source is left out, the others still go
        Assert.Equal([0L, 1, 2], batches.Select(b => b.Seq));

        // The fleet gauges also live in the retained reported state, rewritten only when a value changed.
        await Wait.UntilAsync(() => RetainedReported()?.Gauges?.GetValueOrDefault(FleetMetrics.CashboxNotes) == 12, TimeSpan.FromSeconds(10), "the gauges in the reported state");
        Assert.Equal(FleetMetrics.PaperCode.NearEnd, RetainedReported()!.Gauges![FleetMetrics.PrinterPaper]);
        var written = agent.ReportedState;
        agent.RequestTelemetrySample();
        time.Advance(TimeSpan.Zero);
        await Wait.UntilAsync(() => Batches().Count == 4, TimeSpan.FromSeconds(10), "a batch with the same values");
        Assert.Same(written, agent.ReportedState); // same values: no durable rewrite, no publish

        List<TelemetryBatch> Batches() => monitor.On(_topics.Telemetry).Select(m => KioskJson.Deserialize<TelemetryBatch>(m.Payload)).OrderBy(b => b.Seq).ToList();
    }

    private KioskAgentOptions Options() => TestAgents.Options(Machine, _broker.Url, _fleet.PublicPem, _data.FullName);

    private ReportedState? RetainedReported()
    {
        var retained = _broker.Server.GetRetainedMessagesAsync().GetAwaiter().GetResult().FirstOrDefault(m => m.Topic == _topics.StateReported);
        return retained is null ? null : KioskJson.Deserialize<ReportedState>(System.Buffers.BuffersExtensions.ToArray(retained.Payload));
    }

    private static DeviceFault Fault(string device, string code, RecommendedAction action) =>
        new(device, code, FaultSeverity.Error, action, false, code + " (test)", DateTimeOffset.UtcNow);
}
