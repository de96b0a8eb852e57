using System.Collections.Concurrent;
using SevaKiosk.Firmware.Agent;
using SevaKiosk.Firmware.Agent.Broker;
using SevaKiosk.Firmware.Agent.Outbox;
using SevaKiosk.Hal.Devices;
using SevaKiosk.Mqtt.Tests.Infrastructure;
using SevaKiosk.Protocol.Mqtt;
using SevaKiosk.Simulator.Backend;

namespace SevaKiosk.Mqtt.Tests;

/// <summary>The durable outbox against the embedded broker and the demo backend.</summary>
public sealed class OutboxTests : IAsyncLifetime
{
    private const string Machine = "kiosk-ob-01";
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("sevakiosk-outbox-");
    private readonly FleetKeys _fleet = new();
    private EmbeddedBroker _broker = null!;
    private DemoBackend _backend = null!;

    private string DatabasePath => Path.Combine(_data.FullName, "journal.db");

    public async Task InitializeAsync()
    {
        _broker = await EmbeddedBroker.StartAsync();
        _backend = new DemoBackend(new DemoBackendOptions { Broker = _broker.Url, LedgerPath = Path.Combine(_data.FullName, "backend.db") });
        _backend.Start();
        await _backend.WaitConnectedAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _backend.DisposeAsync();
        await _broker.DisposeAsync();
        _fleet.Dispose();
        _data.Delete(recursive: true);
    }

    [Fact]
    public async Task Closing_the_database_mid_drain_and_reopening_loses_nothing_and_applies_nothing_twice()
    {
        const int count = 400;
        var options = TestAgents.Options(Machine, _broker.Url, _fleet.PublicPem, _data.FullName);
        using (var journal = new TestJournal(DatabasePath))
        {
            for (var seq = 1; seq <= count; seq++)
            {
                journal.Record(TestAgents.Transaction(Machine, seq));
            }
        }

        var applies = new ConcurrentDictionary<string, int>();
        _backend.EventOccurred += (_, e) =>
        {
            if (e.Kind == "tx-applied")
            {
                applies.AddOrUpdate(e.Detail, 1, (_, n) => n + 1);
            }
        };
        _backend.Behaviour = new BackendBehaviour(Delay: TimeSpan.FromMilliseconds(10)); // slow acks: the stop lands mid-drain
        var acknowledged = 0;
        await using (var first = new KioskAgent(options, new RecordingTarget()))
        {
            first.TransactionAcknowledged += (_, _) => Interlocked.Increment(ref acknowledged);
            first.Start();
            await Wait.UntilAsync(() => Volatile.Read(ref acknowledged) >= 50, TimeSpan.FromSeconds(20), "some acknowledgements");
        }

        var pendingAfterStop = PendingIn(DatabasePath);
        Assert.InRange(pendingAfterStop, 1, count - 50);

        _backend.Behaviour = BackendBehaviour.Normal;
        await using (var second = new KioskAgent(options, new RecordingTarget()))
        {
            Assert.Equal(pendingAfterStop, second.Outbox.PendingTransactionCount());
            second.Start();
            await Wait.UntilAsync(() => second.Outbox.PendingTransactionCount() == 0, TimeSpan.FromSeconds(20), "the rest to drain");
        }

        var applied = _backend.Ledger.TransactionsOf(Machine);
        Assert.Equal(Enumerable.Range(1, count).Select(i => (long)i), applied.Select(t => t.JournalSeq));
        Assert.Equal(count, _backend.Ledger.Counts().Transactions);
        Assert.Equal(count, applies.Count);
        Assert.All(applies.Values, n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task A_journal_transaction_that_rolls_back_takes_its_outbox_entry_with_it()
    {
        var options = TestAgents.Options(Machine, _broker.Url, _fleet.PublicPem, _data.FullName);
        await using var agent = new KioskAgent(options, new RecordingTarget());
        using var journal = new TestJournal(DatabasePath);
        journal.Record(TestAgents.Transaction(Machine, 1), commit: false);
        journal.Record(TestAgents.Transaction(Machine, 2));
        agent.Start();
        agent.NotifyTransactionsCommitted();

        await Wait.UntilAsync(() => _backend.Ledger.Counts().Transactions == 1 && agent.Outbox.PendingTransactionCount() == 0, TimeSpan.FromSeconds(10), "the committed one");
        Assert.Equal([2L], _backend.Ledger.TransactionsOf(Machine).Select(t => t.JournalSeq));
    }

    [Fact]
    public async Task A_higher_revision_replaces_the_waiting_record_and_the_backend_keeps_the_latest()
    {
        var options = TestAgents.Options(Machine, _broker.Url, _fleet.PublicPem, _data.FullName);
        await using var agent = new KioskAgent(options, new RecordingTarget());
        var pending = TestAgents.Transaction(Machine, 1) with { PaymentStatus = PaymentStatus.Pending };
        agent.EnqueueTransaction(pending);
        agent.EnqueueTransaction(pending with { Revision = 2, PaymentStatus = PaymentStatus.Posted, PaymentReference = "BBPS1" });
        agent.EnqueueTransaction(pending); // a stale revision never replaces a newer one
        Assert.Equal(1, agent.Outbox.PendingTransactionCount());
        agent.Start();

        await Wait.UntilAsync(() => agent.Outbox.PendingTransactionCount() == 0, TimeSpan.FromSeconds(10), "the ack");
        var stored = Assert.Single(_backend.Ledger.TransactionsOf(Machine));
        Assert.Equal((2, "Posted"), (stored.Revision, stored.PaymentStatus));
    }

    [Fact]
    public async Task A_new_revision_of_a_transaction_already_sent_goes_out_at_once()
    {
        var options = TestAgents.Options(Machine, _broker.Url, _fleet.PublicPem, _data.FullName);
        options.AckTimeout = TimeSpan.FromMinutes(10); // no re-send after an ack timeout can stand in for it
        await using var watcher = await Observer.ConnectAsync(_broker.Url, null, null, "watcher", KioskTopics.For(Machine).Transactions);
        await using var agent = new KioskAgent(options, new RecordingTarget());
        _backend.Behaviour = BackendBehaviour.Normal with { Down = true }; // revision 1 goes out but is not acknowledged yet
        agent.Start();
        var pending = TestAgents.Transaction(Machine, 1) with { PaymentStatus = PaymentStatus.Pending };
        agent.EnqueueTransaction(pending);
        await Wait.UntilAsync(() => !watcher.Received.IsEmpty, TimeSpan.FromSeconds(10), "revision 1 on the wire");

        // The payment outcome follows as revision 2 of the same transaction while revision 1 awaits its ack (found by
        // the crash tests: the demo's payment outcome reached the backend only after a restart).
        agent.EnqueueTransaction(pending with { Revision = 2, PaymentStatus = PaymentStatus.Posted, PaymentReference = "BBPS1" });
        _backend.Behaviour = BackendBehaviour.Normal;

        await Wait.UntilAsync(() => agent.Outbox.PendingTransactionCount() == 0, TimeSpan.FromSeconds(10), "revision 2 acknowledged");
        var stored = Assert.Single(_backend.Ledger.TransactionsOf(Machine));
        Assert.Equal((2, "Posted"), (stored.Revision, stored.PaymentStatus));
    }

    [Fact]
    public async Task Past_its_capacity_the_outbox_puts_the_machine_out_of_service_and_keeps_every_transaction()
    {
        var options = TestAgents.Options(Machine, _broker.Url, _fleet.PublicPem, _data.FullName);
        options.OutboxCapacity = 10;
        var target = new RecordingTarget();
        await using var agent = new KioskAgent(options, target);
        var changes = new ConcurrentQueue<bool>();
        agent.OutboxStatusChanged += (_, e) => changes.Enqueue(e.Status.IsFull);
        _backend.Behaviour = new BackendBehaviour(Down: true);
        agent.Start();

        for (var seq = 1; seq <= 15; seq++)
        {
            agent.EnqueueTransaction(TestAgents.Transaction(Machine, seq));
        }

        Assert.True(agent.OutboxStatus.IsFull);
        Assert.Equal(15, agent.OutboxStatus.PendingTransactions);
        await Wait.UntilAsync(() => !target.InService, TimeSpan.FromSeconds(5), "out of service");
        await Wait.UntilAsync(() => agent.ReportedState.OutOfServiceReason == OutboxStatus.OutOfServiceReason, TimeSpan.FromSeconds(5), "the reported reason");

        _backend.Behaviour = BackendBehaviour.Normal;
        await Wait.UntilAsync(() => _backend.Ledger.Counts().Transactions == 15 && !agent.OutboxStatus.IsFull, TimeSpan.FromSeconds(15), "the backlog to drain");
        await Wait.UntilAsync(() => target.InService, TimeSpan.FromSeconds(5), "back in service");
        Assert.Equal([true, false], changes.ToArray());
    }

    [Fact]
    public async Task While_the_backend_is_away_only_a_probe_is_resent_and_everything_goes_once_it_answers()
    {
        var options = TestAgents.Options(Machine, _broker.Url, _fleet.PublicPem, _data.FullName);
        options.InFlightWindow = 5;
        options.AckTimeout = TimeSpan.FromMilliseconds(700);
        await using var agent = new KioskAgent(options, new RecordingTarget());
        var publishes = 0;
        agent.TransactionPublished += (_, _) => Interlocked.Increment(ref publishes);
        _backend.Behaviour = new BackendBehaviour(Down: true);
        for (var seq = 1; seq <= 60; seq++)
        {
            agent.EnqueueTransaction(TestAgents.Transaction(Machine, seq));
        }

        agent.Start();
        await Wait.UntilAsync(() => Volatile.Read(ref publishes) >= 60, TimeSpan.FromSeconds(10), "the first round");
        await Task.Delay(TimeSpan.FromSeconds(3)); // about four ack timeouts with nobody answering
        Assert.InRange(Volatile.Read(ref publishes), 61, 60 + (5 * 6)); // probes of one window, not the whole backlog each time

        _backend.Behaviour = BackendBehaviour.Normal;
        await Wait.UntilAsync(() => _backend.Ledger.Counts().Transactions == 60 && agent.Outbox.PendingTransactionCount() == 0, TimeSpan.FromSeconds(15), "the backlog once the backend answers");
    }

    [Fact]
    public async Task Telemetry_is_bounded_while_offline_counts_what_it_dropped_and_faults_are_published()
    {
        var options = TestAgents.Options(Machine, "mqtt://127.0.0.1:1", _fleet.PublicPem, _data.FullName);
        options.TelemetryCapacity = 5;
        await using (var offline = new KioskAgent(options, new RecordingTarget()))
        {
            for (var i = 0; i < 8; i++)
            {
                offline.RecordTelemetry([TelemetryRecorderSample(i)]);
            }

            offline.ReportFault(new DeviceFault("validator", "validator.jam.safe", FaultSeverity.Error, RecommendedAction.OperatorCanClear, false, "Note jammed", DateTimeOffset.UtcNow), active: true);
            Assert.Equal(5, offline.Outbox.PendingMessageCount(OutboxStore.TelemetryKind));
        }

        var topics = KioskTopics.For(Machine);
        await using var monitor = await Observer.ConnectAsync(_broker.Url, null, null, "monitor", topics.Telemetry, topics.Faults);
        options.Broker = _broker.Url;
        await using var online = new KioskAgent(options, new RecordingTarget());
        online.Start();
        await Wait.UntilAsync(() => monitor.On(topics.Telemetry).Count() == 5 && monitor.On(topics.Faults).Any(), TimeSpan.FromSeconds(10), "the kept telemetry and the fault");

        var batches = monitor.On(topics.Telemetry).Select(m => KioskJson.Deserialize<TelemetryBatch>(m.Payload)).ToList();
        Assert.Equal([3L, 4, 5, 6, 7], batches.Select(b => b.Seq));
        Assert.Equal([0L, 0, 0, 1, 2], batches.Select(b => b.DroppedBeforeThis)); // counted when each batch was queued
        Assert.Equal("°C", batches[0].Samples[0].Unit);
        var fault = KioskJson.Deserialize<FaultMessage>(monitor.On(topics.Faults).First().Payload);
        Assert.Equal(("validator.jam.safe", "error", "operator-can-clear", true), (fault.Code, fault.Severity, fault.Action, fault.Active));
        await Wait.UntilAsync(() => online.Outbox.PendingMessageCount(OutboxStore.TelemetryKind) == 0, TimeSpan.FromSeconds(5), "telemetry deleted on PUBACK");
    }

    private static TelemetrySample TelemetryRecorderSample(int i) =>
        SevaKiosk.Firmware.Agent.Telemetry.TelemetryRecorder.Sample("cabinet.temperature", UnitsNet.Temperature.FromDegreesCelsius(30 + i), i * 1000L);

    private static long PendingIn(string path)
    {
        using var storage = new AgentStorage(path);
        return new OutboxStore(storage).PendingTransactionCount();
    }
}
