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
// The rate phases (1 and 2a) run with the demo backend told to drop what it receives ("down"), so that a consumer slower
// than the publishers cannot push back through Mosquitto's queue and TCP into the figure; phase 2b then measures the
// whole path to the backend's tx/ack with a fresh backend (--only-ack) applying every transaction in its SQLite ledger.
// Usage: SevaKiosk.Mqtt.Bench --broker mqtt://127.0.0.1:PORT --machine ID --password P --count 100000 --latency 2000
//        --data DIR [--backend-control FIFO]
var broker = Arg("--broker") ?? throw new ArgumentException("--broker is required");
var machine = Arg("--machine") ?? "kiosk-bench";
var password = Arg("--password");
var count = int.Parse(Arg("--count") ?? "100000", CultureInfo.InvariantCulture);
var latencyCount = int.Parse(Arg("--latency") ?? "2000", CultureInfo.InvariantCulture);
var data = Arg("--data") ?? Path.Combine(Path.GetTempPath(), "sevakiosk-bench");
var backendControl = Arg("--backend-control");
var ackCount = Math.Min(count, int.Parse(Arg("--ack-count") ?? "20000", CultureInfo.InvariantCulture));
Directory.CreateDirectory(data);
using var fleet = ECDsa.Create(ECCurve.NamedCurves.nistP256);

var sample = Transaction(machine, 1);
var payload = KioskJson.Serialize(sample);
Console.WriteLine($"payload {payload.Length} bytes (one transaction record), {count} messages");

if (args.Contains("--only-ack"))
{
    // Run against a backend with no backlog (the script starts a fresh one): the full path to tx/ack.
    await AckPathAsync();
    return 0;
}

Control("""{"down":true}""");
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
    // Same broker, topic, payload size and subscriber as the outbox drain; only the SQLite outbox is missing.
    using var client = new MqttClientFactory().CreateMqttClient();
    var uri = new Uri(broker);
    var connected = await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(uri.Host, uri.Port).WithClientId(machine)
        .WithCredentials(machine, password).WithCleanStart().Build());
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
    var (toPuback, peakHeapA, peakSetA) = await MeasureAsync(options, count, waitForAcks: false);
    Console.WriteLine($"outbox drain, {count} queued transactions, window {window}: to PUBACK {count / toPuback.TotalSeconds:0} msg/s ({toPuback.TotalSeconds:0.0} s); " +
        $"{count / toPuback.TotalSeconds / windowed:P0} of the plain windowed loop, {count / toPuback.TotalSeconds / sequential:P0} of the plain sequential loop");
    Console.WriteLine($"memory while draining to PUBACK: peak managed heap {peakHeapA / 1048576.0:0.0} MiB, peak working set {peakSetA / 1048576.0:0.0} MiB");

}

async Task AckPathAsync()
{
    // 2b: an outbox of ackCount drained to the backend, which applies each in its SQLite ledger and acknowledges. One
    // demo backend process is slower than the publisher, so this is the backend's rate as much as the agent's.
    var ackDb = Path.Combine(data, "ack.db");
    DeleteDatabase(ackDb);
    using (var storage = new AgentStorage(ackDb))
    {
        storage.InTransaction(transaction =>
        {
            for (var seq = 1; seq <= ackCount; seq++)
            {
                OutboxStore.Enqueue(transaction, Transaction(machine, seq) with { TxId = $"{machine}-ack-{seq:D8}" });
            }

            return 0;
        });
    }

    var ackOptions = Options(ackDb);
    var (toAck, peakHeapB, peakSetB) = await MeasureAsync(ackOptions, ackCount, waitForAcks: true);
    Console.WriteLine($"outbox drain of {ackCount} to backend tx/ack (applied in the demo backend's SQLite ledger, outbox rows deleted): {ackCount / toAck.TotalSeconds:0} msg/s ({toAck.TotalSeconds:0.0} s); " +
        $"peak managed heap {peakHeapB / 1048576.0:0.0} MiB, peak working set {peakSetB / 1048576.0:0.0} MiB");
}

async Task<(TimeSpan Elapsed, long PeakHeap, long PeakWorkingSet)> MeasureAsync(KioskAgentOptions options, int expected, bool waitForAcks)
{
    await using var agent = new KioskAgent(options, new NoCommands());
    var published = 0;
    var acked = 0;
    var done = new TaskCompletionSource<TimeSpan>();
    var started = 0L;
    var refused = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
    var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
    agent.TransactionPublished += (_, e) =>
    {
        if (!e.Accepted)
        {
            refused.AddOrUpdate(e.ReasonCode, 1, (_, n) => n + 1);
        }
        else if (Interlocked.Increment(ref published) == expected && !waitForAcks)
        {
            done.TrySetResult(Stopwatch.GetElapsedTime(started));
        }
    };
    agent.TransactionAcknowledged += (_, e) =>
    {
        if (seen.TryAdd(e.TxId, true) && Interlocked.Increment(ref acked) == expected && waitForAcks)
        {
            done.TrySetResult(Stopwatch.GetElapsedTime(started));
        }
    };

    long peakHeap = 0, peakWorkingSet = 0;
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
    using var progress = new Timer(_ => Console.Error.WriteLine($"  ... {Stopwatch.GetElapsedTime(started).TotalSeconds:0} s: PUBACKed {Volatile.Read(ref published)}, acknowledged {Volatile.Read(ref acked)}, refused [{string.Join(", ", refused.Select(r => $"{r.Key} {r.Value}"))}], epoch {agent.Connection.Epoch}"), null, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(15));
    var elapsed = await done.Task.WaitAsync(TimeSpan.FromMinutes(15));
    sampler.Dispose();
    await sampling;
    return (elapsed, peakHeap, peakWorkingSet);
}

void Control(string line)
{
    if (backendControl is null)
    {
        return;
    }

    using var fifo = new FileStream(backendControl, FileMode.Open, FileAccess.Write);
    using var writer = new StreamWriter(fifo);
    writer.WriteLine(line);
    writer.Flush();
    Thread.Sleep(200);
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

    public Task<CommandResult> CashReportAsync(bool closePeriod, bool print, CancellationToken cancellationToken) => Refuse();

    private static Task<CommandResult> Refuse() => Task.FromResult(CommandResult.Refuse("benchmark"));
}
