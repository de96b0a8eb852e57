using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using MQTTnet;
using MQTTnet.Protocol;
using SevaKiosk.Firmware.Agent;
using SevaKiosk.Firmware.Agent.Commands;
using SevaKiosk.Firmware.Agent.Outbox;
using SevaKiosk.Protocol.Mqtt;

// Measures, against one broker in one run:
//  1. a plain MQTTnet QoS 1 publish loop (sequential, and with the agent's in-flight window) of transaction-sized payloads;
//  2. the agent draining N transactions queued in its SQLite outbox: rate to PUBACK, rate to backend tx/ack (outbox empty),
//     managed heap and working set while draining;
//  3. credit-to-PUBACK latency: journal commit (with the outbox entry) → PUBACK, one transaction at a time.
// Usage: SevaKiosk.Mqtt.Bench --broker mqtt://127.0.0.1:PORT --machine ID --password P --count 100000 --latency 2000 --data DIR
var broker = Arg("--broker") ?? throw new ArgumentException("--broker is required");
var machine = Arg("--machine") ?? "kiosk-bench";
var password = Arg("--password");
var count = int.Parse(Arg("--count") ?? "100000", CultureInfo.InvariantCulture);
var latencyCount = int.Parse(Arg("--latency") ?? "2000", CultureInfo.InvariantCulture);
var data = Arg("--data") ?? Path.Combine(Path.GetTempPath(), "sevakiosk-bench");
Directory.CreateDirectory(data);
using var fleet = ECDsa.Create(ECCurve.NamedCurves.nistP256);

var sample = Transaction(machine, 1);
var payload = KioskJson.Serialize(sample);
Console.WriteLine($"payload {payload.Length} bytes (one transaction record), {count} messages");

var window = 32;
var (sequential, receiveMaximum) = await PlainLoopAsync(count / 4, 1);
window = Math.Min(window, receiveMaximum);
var (windowed, _) = await PlainLoopAsync(count, window);
Console.WriteLine($"plain MQTTnet QoS 1 loop, sequential: {sequential:0} msg/s ({count / 4} messages)");
Console.WriteLine($"plain MQTTnet QoS 1 loop, {window} in flight: {windowed:0} msg/s");

await DrainAsync();
await LatencyAsync();
return 0;

async Task<(double Rate, int ReceiveMaximum)> PlainLoopAsync(int n, int inFlight)
{
    // Same broker, same topic, same payload size and the same backend work per message as the outbox drain; only the
    // SQLite outbox is missing. The backend's acks are awaited afterwards so no backlog spills into the next phase.
    using var client = new MqttClientFactory().CreateMqttClient();
    var uri = new Uri(broker);
    var acks = 0;
    var allAcked = new TaskCompletionSource();
    client.ApplicationMessageReceivedAsync += _ =>
    {
        if (Interlocked.Increment(ref acks) == n)
        {
            allAcked.TrySetResult();
        }

        return Task.CompletedTask;
    };
    var connected = await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(uri.Host, uri.Port).WithClientId(machine)
        .WithCredentials(machine, password).WithCleanStart().Build());
    await client.SubscribeAsync(KioskTopics.For(machine).TransactionAck, MqttQualityOfServiceLevel.AtLeastOnce);
    var limit = connected.ReceiveMaximum is null or 0 ? ushort.MaxValue : connected.ReceiveMaximum.Value;
    using var gate = new SemaphoreSlim(Math.Min(inFlight, limit));
    var topic = KioskTopics.For(machine).Transactions;
    var started = Stopwatch.GetTimestamp();
    var pending = new List<Task>(n);
    for (var i = 0; i < n; i++)
    {
        await gate.WaitAsync();
        var body = KioskJson.Serialize(Transaction(machine, i) with { TxId = $"plain-{inFlight}-{i}" });
        var message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(body).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
        pending.Add(PublishAsync(client, message, gate));
    }

    await Task.WhenAll(pending);
    var rate = n / Stopwatch.GetElapsedTime(started).TotalSeconds;
    // Wait for the backend to catch up: all acks, or none for 15 s (an ack lost under load is not re-sent here).
    var seen = -1;
    while (!allAcked.Task.IsCompleted && seen != Volatile.Read(ref acks))
    {
        seen = Volatile.Read(ref acks);
        await Task.WhenAny(allAcked.Task, Task.Delay(TimeSpan.FromSeconds(15)));
    }

    await client.DisconnectAsync();
    return (rate, limit);
}

static async Task PublishAsync(IMqttClient client, MqttApplicationMessage message, SemaphoreSlim gate)
{
    try
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var result = await client.PublishAsync(message, deadline.Token);
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException("PUBACK " + result.ReasonCode);
        }
    }
    finally
    {
        gate.Release();
    }
}

async Task DrainAsync()
{
    var db = Path.Combine(data, "drain.db");
    DeleteDatabase(db);
    using (var storage = new AgentStorage(db))
    {
        storage.InTransaction(transaction =>
        {
            for (var seq = 1; seq <= count; seq++)
            {
                OutboxStore.Enqueue(transaction, Transaction(machine, seq));
            }

            return 0;
        });
    }

    GC.Collect();
    var options = Options(db);
    options.InFlightWindow = 32;
    await using var agent = new KioskAgent(options, new NoCommands());
    var published = 0;
    var pubackDone = new TaskCompletionSource<TimeSpan>();
    var ackDone = new TaskCompletionSource<TimeSpan>();
    var started = 0L;
    var refused = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
    agent.TransactionPublished += (_, e) =>
    {
        if (!e.Accepted)
        {
            refused.AddOrUpdate(e.ReasonCode, 1, (_, n) => n + 1);
            return;
        }

        if (Interlocked.Increment(ref published) == count)
        {
            pubackDone.TrySetResult(Stopwatch.GetElapsedTime(started));
        }
    };
    var acked = 0;
    var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
    agent.TransactionAcknowledged += (_, e) =>
    {
        if (seen.TryAdd(e.TxId, true) && Interlocked.Increment(ref acked) == count)
        {
            ackDone.TrySetResult(Stopwatch.GetElapsedTime(started));
        }
    };

    long peakHeap = 0, peakWorkingSet = 0, baselineWorkingSet = Environment.WorkingSet;
    using var sampler = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
    var sampling = Task.Run(async () =>
    {
        while (await sampler.WaitForNextTickAsync())
        {
            peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(false));
            peakWorkingSet = Math.Max(peakWorkingSet, Environment.WorkingSet);
        }
    });

    started = Stopwatch.GetTimestamp();
    agent.Start();
    using var progress = new Timer(_ => Console.Error.WriteLine($"  ... {Stopwatch.GetElapsedTime(started).TotalSeconds:0} s: PUBACKed {Volatile.Read(ref published)}, acknowledged {Volatile.Read(ref acked)}, refused [{string.Join(", ", refused.Select(r => $"{r.Key} {r.Value}"))}], connection {agent.ConnectionState} epoch {agent.Connection.Epoch}"), null, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));
    var toPuback = await pubackDone.Task.WaitAsync(TimeSpan.FromMinutes(10));
    var toAck = await ackDone.Task.WaitAsync(TimeSpan.FromMinutes(10));
    sampler.Dispose();
    await sampling;
    Console.WriteLine($"outbox drain, {count} queued transactions, window {window}: to PUBACK {count / toPuback.TotalSeconds:0} msg/s ({toPuback.TotalSeconds:0.0} s), " +
        $"to backend tx/ack and deleted {count / toAck.TotalSeconds:0} msg/s ({toAck.TotalSeconds:0.0} s)");
    Console.WriteLine($"outbox drain vs plain windowed loop: {count / toPuback.TotalSeconds / windowed:P0}; vs plain sequential loop: {count / toPuback.TotalSeconds / sequential:P0}");
    Console.WriteLine($"memory while draining: peak managed heap {peakHeap / 1048576.0:0.0} MiB, peak working set {peakWorkingSet / 1048576.0:0.0} MiB (before start {baselineWorkingSet / 1048576.0:0.0} MiB)");
    Console.WriteLine($"outbox left: {agent.Outbox.PendingTransactionCount()}");
}

async Task LatencyAsync()
{
    var db = Path.Combine(data, "latency.db");
    DeleteDatabase(db);
    var options = Options(db);
    await using var agent = new KioskAgent(options, new NoCommands());
    using var journal = AgentDatabase.Open(db);
    OutboxSchema.EnsureCreated(journal);
    var waiting = new Dictionary<string, TaskCompletionSource>();
    agent.TransactionPublished += (_, e) =>
    {
        lock (waiting)
        {
            if (waiting.Remove(e.TxId, out var done))
            {
                done.TrySetResult();
            }
        }
    };
    agent.Start();
    while (!agent.IsConnected)
    {
        await Task.Delay(10);
    }

    var latencies = new List<double>(latencyCount);
    for (var seq = 1; seq <= latencyCount; seq++)
    {
        var record = Transaction(machine + "-lat", seq) with { MachineId = machine };
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (waiting)
        {
            waiting[record.TxId] = done;
        }

        var credited = Stopwatch.GetTimestamp();
        using (var transaction = journal.BeginTransaction())
        {
            OutboxStore.Enqueue(transaction, record);
            transaction.Commit();
        }

        agent.NotifyTransactionsCommitted();
        await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
        latencies.Add(Stopwatch.GetElapsedTime(credited).TotalMilliseconds);
    }

    latencies.Sort();
    Console.WriteLine($"credit-to-PUBACK latency over {latencyCount} transactions (commit incl. fsync → PUBACK): " +
        $"p50 {Percentile(0.50):0.00} ms, p99 {Percentile(0.99):0.00} ms, max {latencies[^1]:0.00} ms");

    double Percentile(double p) => latencies[(int)Math.Min(latencies.Count - 1, Math.Ceiling(p * latencies.Count) - 1)];
}

KioskAgentOptions Options(string db) => new()
{
    MachineId = machine,
    Broker = broker,
    Password = password,
    FleetPublicKey = fleet.ExportSubjectPublicKeyInfoPem(),
    DatabasePath = db,
    FirstConnectMaxDelay = TimeSpan.Zero,
    AckTimeout = TimeSpan.FromSeconds(60),
    OutboxCapacity = count * 2,
    PublishDeadline = TimeSpan.FromSeconds(30),
};

static void DeleteDatabase(string path)
{
    foreach (var file in new[] { path, path + "-wal", path + "-shm" })
    {
        File.Delete(file);
    }
}

static TransactionRecord Transaction(string machineId, long seq)
{
    var stamp = new MachineStamp("bench-boot", seq * 1000, DateTimeOffset.UtcNow, true);
    return new TransactionRecord
    {
        TxId = $"{machineId}-{seq:D8}",
        MachineId = machineId,
        JournalSeq = seq,
        SessionId = $"s-{seq}",
        Service = "electricity",
        BillerId = "JVVNL",
        ConsumerNumber = "210441023456",
        Amount = 850m,
        Currency = "INR",
        Notes = [new NoteCredit(500m, stamp, "NV200-1"), new NoteCredit(200m, stamp, "NV200-1"), new NoteCredit(100m, stamp, "NV200-1"), new NoteCredit(50m, stamp, "NV200-1")],
        PaymentStatus = PaymentStatus.Posted,
        ReceiptNumber = $"R{seq:D6}",
        CreatedAt = stamp,
    };
}

string? Arg(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

internal sealed class NoCommands : IKioskCommandTarget
{
    public Task<CommandResult> SetOutOfServiceAsync(string reason, CancellationToken cancellationToken) => Refuse();

    public Task<CommandResult> SetInServiceAsync(CancellationToken cancellationToken) => Refuse();

    public Task<CommandResult> ApplyConfigurationAsync(long version, IReadOnlyDictionary<string, string> configuration, CancellationToken cancellationToken) => Refuse();

    public Task<CommandResult> GetStatusAndCountersAsync(CancellationToken cancellationToken) => Refuse();

    public Task<CommandResult> ReprintLastReceiptAsync(CancellationToken cancellationToken) => Refuse();

    public Task<CommandResult> SelfTestAsync(string device, CancellationToken cancellationToken) => Refuse();

    public Task<CommandResult> RestartAsync(CancellationToken cancellationToken) => Refuse();

    private static Task<CommandResult> Refuse() => Task.FromResult(CommandResult.Refuse("benchmark"));
}
