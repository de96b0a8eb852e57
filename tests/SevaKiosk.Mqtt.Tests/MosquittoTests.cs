using System.Collections.Concurrent;
using System.Diagnostics;
using SevaKiosk.Firmware.Agent;
using SevaKiosk.Firmware.Agent.Connection;
using SevaKiosk.Mqtt.Tests.Infrastructure;
using SevaKiosk.Protocol.Mqtt;
using SevaKiosk.Simulator.Backend;

namespace SevaKiosk.Mqtt.Tests;

/// <summary>The agent and the demo backend against a real Mosquitto with passwords, per-machine ACLs and TLS.</summary>
public sealed class MosquittoTests : IDisposable
{
    private readonly FleetKeys _fleet = new();
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("sevakiosk-mosq-");

    public void Dispose()
    {
        _fleet.Dispose();
        _data.Delete(recursive: true);
    }

    [Fact]
    public async Task A_thousand_transactions_survive_a_broker_restart_without_persistence_and_each_is_applied_once()
    {
        const string machine = "kiosk-a";
        await using var broker = await MosquittoBroker.StartAsync([machine]);
        await using var backend = StartBackend(broker);
        var options = TestAgents.Options(machine, broker.Url, _fleet.PublicPem, _data.FullName, withPassword: true);
        await using var agent = new KioskAgent(options, new RecordingTarget());
        var applies = new ConcurrentDictionary<string, int>();
        var duplicates = 0;
        backend.EventOccurred += (_, e) =>
        {
            if (e.Kind == "tx-applied")
            {
                applies.AddOrUpdate(e.Detail, 1, (_, n) => n + 1);
            }
            else if (e.Kind == "tx-duplicate")
            {
                Interlocked.Increment(ref duplicates);
            }
        };
        using var journal = new TestJournal(options.DatabasePath);
        agent.Start();
        await backend.WaitConnectedAsync(CancellationToken.None);
        await Wait.UntilAsync(() => agent.IsConnected, TimeSpan.FromSeconds(10), "the agent to connect");

        for (var seq = 1; seq <= 1000; seq++)
        {
            if (seq == 301)
            {
                await broker.StopAsync();
            }

            if (seq == 701)
            {
                await broker.RestartAsync();
            }

            journal.Record(TestAgents.Transaction(machine, seq));
            agent.NotifyTransactionsCommitted();
        }

        await Wait.UntilAsync(() => backend.Ledger.Counts().Transactions == 1000 && agent.OutboxStatus.PendingTransactions == 0,
            TimeSpan.FromSeconds(40), $"all 1000 transactions to be applied and acknowledged ({backend.Ledger.Counts()}, pending {agent.OutboxStatus.PendingTransactions})");

        var applied = backend.Ledger.TransactionsOf(machine);
        Assert.Equal(Enumerable.Range(1, 1000).Select(i => (long)i), applied.Select(t => t.JournalSeq));
        Assert.All(applied, t => Assert.Equal(1, t.Revision));
        Assert.Equal(1000, applies.Count);
        Assert.All(applies.Values, n => Assert.Equal(1, n));
        Assert.Equal(1000 + duplicates, backend.Ledger.Counts().Deliveries);
        Assert.True(agent.Connection.Epoch >= 2, "the agent reconnected after the restart");
    }

    [Fact]
    public async Task A_machine_can_neither_read_another_machines_commands_nor_publish_on_its_topics()
    {
        await using var broker = await MosquittoBroker.StartAsync(["kiosk-a", "kiosk-b"]);
        var a = KioskTopics.For("kiosk-a");
        var b = KioskTopics.For("kiosk-b");
        await using var fleet = await Observer.ConnectAsync(broker.Url, MosquittoBroker.BackendUser, MosquittoBroker.BackendPassword, "fleet", KioskTopics.AllTransactions, "kiosk/v1/+/cmd/reply");
        await using var machineB = await Observer.ConnectAsync(broker.Url, "kiosk-b", MosquittoBroker.PasswordOf("kiosk-b"), "kiosk-b", b.Command);
        await using var machineA = await Observer.ConnectAsync(broker.Url, "kiosk-a", MosquittoBroker.PasswordOf("kiosk-a"), "kiosk-a");

        var spy = await machineA.Client.SubscribeAsync(new MQTTnet.MqttClientSubscribeOptionsBuilder().WithTopicFilter(b.Command).WithTopicFilter("kiosk/v1/#").Build());
        var command = KioskJson.Serialize(_fleet.Command("kiosk-b", CommandTypes.OutOfService));
        await fleet.PublishAsync(b.Command, command);
        var forgedTx = await machineA.PublishAsync(b.Transactions, KioskJson.Serialize(TestAgents.Transaction("kiosk-b", 1)));
        var forgedReply = await machineA.PublishAsync(b.CommandReply, "{}"u8.ToArray());
        var ownTx = await machineA.PublishAsync(a.Transactions, KioskJson.Serialize(TestAgents.Transaction("kiosk-a", 1)));

        await Wait.UntilAsync(() => machineB.On(b.Command).Any() && fleet.On(a.Transactions).Any(), TimeSpan.FromSeconds(5), "the legitimate deliveries");
        await Task.Delay(300);
        Assert.Empty(machineA.Received);
        Assert.Equal(2, spy.Items.Count); // Mosquitto grants the subscription but its read ACL delivers nothing on it.
        Assert.Empty(fleet.On(b.Transactions));
        Assert.Empty(fleet.On(b.CommandReply));
        Assert.Equal(MQTTnet.MqttClientPublishReasonCode.NotAuthorized, forgedTx.ReasonCode);
        Assert.Equal(MQTTnet.MqttClientPublishReasonCode.NotAuthorized, forgedReply.ReasonCode);
        Assert.True(ownTx.IsSuccess);
    }

    [Fact]
    public async Task The_will_marks_a_killed_agent_offline_with_its_birth_sequence()
    {
        const string machine = "kiosk-w";
        await using var broker = await MosquittoBroker.StartAsync([machine]);
        var topics = KioskTopics.For(machine);
        await using var monitor = await Observer.ConnectAsync(broker.Url, MosquittoBroker.BackendUser, MosquittoBroker.BackendPassword, "monitor", topics.Status);
        var keyFile = Path.Combine(_data.FullName, "fleet.pem");
        await File.WriteAllTextAsync(keyFile, _fleet.PublicPem);

        var info = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "SevaKiosk.Mqtt.TestHost.dll"), "run", "--broker", broker.Url, "--machine-id", machine,
            "--data", _data.FullName, "--fleet-key", keyFile, "--password", MosquittoBroker.PasswordOf(machine),
        })
        {
            info.ArgumentList.Add(argument);
        }

        using var host = Process.Start(info)!;
        try
        {
            await Wait.UntilAsync(() => Statuses(monitor, topics).Any(s => s.Online), TimeSpan.FromSeconds(20), "the child agent's online status");
            var online = Statuses(monitor, topics).Last(s => s.Online);

            host.Kill(entireProcessTree: true); // SIGKILL: no DISCONNECT, no last words
            await host.WaitForExitAsync();

            await Wait.UntilAsync(() => Statuses(monitor, topics).Any(s => !s.Online), TimeSpan.FromSeconds(10), "the will");
            var will = Statuses(monitor, topics).Last();
            Assert.False(will.Online);
            Assert.Equal(online.BirthSeq, will.BirthSeq);
            Assert.Null(will.Reason);
        }
        finally
        {
            if (!host.HasExited)
            {
                host.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task A_clean_stop_says_offline_itself_and_the_next_start_has_a_higher_birth_sequence()
    {
        const string machine = "kiosk-s";
        await using var broker = await MosquittoBroker.StartAsync([machine]);
        var topics = KioskTopics.For(machine);
        await using var monitor = await Observer.ConnectAsync(broker.Url, MosquittoBroker.BackendUser, MosquittoBroker.BackendPassword, "monitor", topics.Status);
        var options = TestAgents.Options(machine, broker.Url, _fleet.PublicPem, _data.FullName, withPassword: true);
        await using (var agent = new KioskAgent(options, new RecordingTarget()))
        {
            agent.Start();
            await Wait.UntilAsync(() => agent.IsConnected, TimeSpan.FromSeconds(10), "connect");
        }

        await Wait.UntilAsync(() => Statuses(monitor, topics).Any(s => !s.Online), TimeSpan.FromSeconds(5), "the offline status");
        Assert.Equal("shutdown", Statuses(monitor, topics).Last().Reason);

        await using (var again = new KioskAgent(options, new RecordingTarget()))
        {
            again.Start();
            await Wait.UntilAsync(() => Statuses(monitor, topics).Count(s => s.Online) == 2, TimeSpan.FromSeconds(10), "the second birth");
        }

        var births = Statuses(monitor, topics).Where(s => s.Online).Select(s => s.BirthSeq).ToList();
        Assert.True(births[1] > births[0]);
    }

    [Fact]
    public async Task Tls_with_the_pinned_ca_connects_and_a_broker_signed_by_another_ca_is_refused()
    {
        using var certificates = TestCertificates.Create();
        using var otherCa = TestCertificates.Create("Some Other CA");
        await using var broker = await MosquittoBroker.StartAsync(["kiosk-t", "kiosk-u"], certificates);

        var good = TestAgents.Options("kiosk-t", broker.TlsUrl, _fleet.PublicPem, Path.Combine(_data.FullName, "t"), withPassword: true);
        good.CaCertificateFile = certificates.CaCertificatePath;
        await using var trusted = new KioskAgent(good, new RecordingTarget());
        trusted.Start();
        await Wait.UntilAsync(() => trusted.IsConnected, TimeSpan.FromSeconds(10), "the TLS connection with the pinned CA");

        var bad = TestAgents.Options("kiosk-u", broker.TlsUrl, _fleet.PublicPem, Path.Combine(_data.FullName, "u"), withPassword: true);
        bad.CaCertificateFile = otherCa.CaCertificatePath;
        await using var refused = new KioskAgent(bad, new RecordingTarget());
        var failures = new ConcurrentQueue<string>();
        refused.ConnectionStateChanged += (_, e) =>
        {
            if (e.State == ConnectionState.Waiting && e.Reason is { } reason && e.Delay > TimeSpan.Zero)
            {
                failures.Enqueue(reason);
            }
        };
        refused.Start();
        await Wait.UntilAsync(() => failures.Count >= 2, TimeSpan.FromSeconds(10), "two refused attempts");
        Assert.False(refused.IsConnected);
        Assert.Equal(0, refused.Connection.Epoch);
        Assert.Contains(failures, f => f.Contains("Authentication", StringComparison.OrdinalIgnoreCase) || f.Contains("certificate", StringComparison.OrdinalIgnoreCase) || f.Contains("SSL", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_machine_can_authenticate_with_a_client_certificate_instead_of_a_password()
    {
        using var certificates = TestCertificates.Create();
        await using var broker = await MosquittoBroker.StartAsync(["kiosk-c"], certificates);
        var (certificate, key) = certificates.IssueClient("kiosk-c");
        var options = TestAgents.Options("kiosk-c", broker.CertificateUrl, _fleet.PublicPem, _data.FullName);
        options.CaCertificateFile = certificates.CaCertificatePath;
        options.ClientCertificateFile = certificate;
        options.ClientKeyFile = key;
        await using var backend = StartBackend(broker);
        await using var agent = new KioskAgent(options, new RecordingTarget());
        agent.Start();
        await Wait.UntilAsync(() => agent.IsConnected, TimeSpan.FromSeconds(10), "the certificate-authenticated connection");

        // The ACL applies to the certificate's name: its own transactions go through.
        agent.EnqueueTransaction(TestAgents.Transaction("kiosk-c", 1));
        await Wait.UntilAsync(() => agent.Outbox.PendingTransactionCount() == 0, TimeSpan.FromSeconds(10), "the acknowledgement");
    }

    private static List<StatusMessage> Statuses(Observer monitor, MachineTopics topics) =>
        monitor.On(topics.Status).Where(m => m.Payload.Length > 0).Select(m => KioskJson.Deserialize<StatusMessage>(m.Payload)).ToList();

    private DemoBackend StartBackend(MosquittoBroker broker)
    {
        var backend = new DemoBackend(new DemoBackendOptions
        {
            Broker = broker.Url,
            ClientId = "backend",
            Username = MosquittoBroker.BackendUser,
            Password = MosquittoBroker.BackendPassword,
            LedgerPath = Path.Combine(_data.FullName, "backend.db"),
            ReconnectDelay = TimeSpan.FromMilliseconds(200),
        });
        backend.Start();
        return backend;
    }
}
