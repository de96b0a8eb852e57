using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Protocol;
using SevaKiosk.Firmware.Agent.Backend;
using SevaKiosk.Firmware.Agent.Commands;
using SevaKiosk.Firmware.Agent.Connection;
using SevaKiosk.Firmware.Agent.Outbox;
using SevaKiosk.Firmware.Agent.State;
using SevaKiosk.Firmware.Agent.Telemetry;
using SevaKiosk.Hal.Devices;
using SevaKiosk.Protocol.Mqtt;

namespace SevaKiosk.Firmware.Agent;

/// <summary>
/// The machine's MQTT agent: one object the firmware creates with its options and its <see cref="IKioskCommandTarget"/>.
/// It owns the connection, drains the durable outbox (transactions until <c>tx/ack</c>, telemetry and events until
/// PUBACK), verifies and dispatches fleet commands, applies desired state, answers for the backend client, and publishes
/// retained status, meta and reported state at every connect.
/// <para>Journal integration: create the schema with <see cref="OutboxSchema.EnsureCreated(Microsoft.Data.Sqlite.SqliteTransaction)"/>,
/// enqueue with <see cref="OutboxStore.Enqueue(Microsoft.Data.Sqlite.SqliteTransaction, TransactionRecord)"/> in the same
/// transaction as the journal entry, commit, then call <see cref="NotifyTransactionsCommitted"/>. Before taking cash,
/// check <see cref="OutboxStatus"/>.</para>
/// </summary>
public sealed class KioskAgent : IAsyncDisposable
{
    private readonly KioskAgentOptions _options;
    private readonly IKioskCommandTarget _target;
    private readonly TimeProvider _time;
    private readonly IMachineClock _clock;
    private readonly ILogger _logger;
    private readonly AgentStorage _storage;
    private readonly AgentValues _values;
    private readonly OutboxStore _outbox;
    private readonly ConnectionSupervisor _link;
    private readonly OutboxPump _pump;
    private readonly ReportedStateKeeper _reported;
    private readonly DesiredStateHandler _desired;
    private readonly CommandProcessor _commands;
    private readonly TelemetryRecorder _telemetry;
    private readonly TelemetrySampler _sampler;
    private readonly ECDsa _fleetKey;
    private readonly Channel<Func<CancellationToken, Task>> _inbox = Channel.CreateUnbounded<Func<CancellationToken, Task>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> _retainedLatest = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _retainedGate = new(1, 1);
    private readonly Lock _metaGate = new();
    private Task _inboxLoop = Task.CompletedTask;
    private MetaMessage _meta;
    private long _birthSeq;
    private MachineStamp? _connectStamp;
    private bool _started;
    private bool _disposed;

    public KioskAgent(KioskAgentOptions options, IKioskCommandTarget target, KioskAgentServices? services = null)
    {
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid agent configuration: " + string.Join(" ", problems), nameof(options));
        }

        services ??= new KioskAgentServices();
        _options = options;
        _target = target;
        _time = services.Time ?? TimeProvider.System;
        _clock = services.Clock ?? new SystemMachineClock(_time);
        _logger = (services.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("SevaKiosk.Agent");
        Topics = KioskTopics.For(options.MachineId);
        _fleetKey = FleetSignature.ImportPublicKey(ReadKey(options.FleetPublicKey!));

        var directory = Path.GetDirectoryName(Path.GetFullPath(options.DatabasePath));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        _storage = new AgentStorage(options.DatabasePath);
        _values = new AgentValues(_storage);
        _outbox = new OutboxStore(_storage);
        _link = new ConnectionSupervisor(options, NextWill, _time, _logger, services.UnitRandom)
        {
            Connected = OnConnectedAsync,
            MessageReceived = OnMessageAsync,
        };
        _pump = new OutboxPump(_link, _outbox, Topics, options, _time, _logger);
        _reported = new ReportedStateKeeper(_values, _clock, options.MachineId);
        _desired = new DesiredStateHandler(options.MachineId, _fleetKey, target, _reported, () => _pump.Status.IsFull, _logger);
        _commands = new CommandProcessor(new CommandProcessorParts(
            options, Topics, new CommandLog(_storage), _outbox, target, _reported, _desired,
            () => _pump.Status, AgentCounters, _fleetKey, _clock, _time, _pump.Wake, _logger));
        _telemetry = new TelemetryRecorder(_outbox, _values, Topics, _clock, options, _pump.Wake);
        _sampler = new TelemetrySampler(_telemetry, _clock, _time, options.TelemetryInterval, _logger, KeepGauges);
        Backend = new BackendClient(_link, Topics, options, _time, _logger);
        _meta = new MetaMessage { MachineId = options.MachineId, FirmwareVersion = options.FirmwareVersion, ConfigVersion = 0, Location = options.Location, Stamp = _clock.Now() };

        // Faults stored by the previous run may have cleared while the firmware was down; devices raise again what
        // they still see, so the list starts empty (and is present, which tells monitors this firmware reports it).
        if (_reported.Current.ActiveFaults is not { Count: 0 })
        {
            _reported.Update(s => s with { ActiveFaults = [] });
        }

        _pump.StatusChanged += OnOutboxStatusChanged;
        _reported.Changed += (_, state) => PublishRetainedInBackground(Topics.StateReported, KioskJson.Serialize(state));
    }

    public MachineTopics Topics { get; }

    /// <summary>Bill fetch and payment posting to the backend.</summary>
    public BackendClient Backend { get; }

    /// <summary>The connection supervisor (state, epoch, endpoint).</summary>
    public ConnectionSupervisor Connection => _link;

    public ConnectionState ConnectionState => _link.State;

    public bool IsConnected => _link.IsConnected;

    /// <summary>Pending transactions and whether the machine must stop taking cash.</summary>
    public OutboxStatus OutboxStatus => _pump.Status;

    public ReportedState ReportedState => _reported.Current;

    /// <summary>The outbox as a store (counts, or enqueueing in the agent's own transaction).</summary>
    public OutboxStore Outbox => _outbox;

    public event EventHandler<ConnectionStateChangedEventArgs>? ConnectionStateChanged
    {
        add => _link.StateChanged += value;
        remove => _link.StateChanged -= value;
    }

    /// <summary>The outbox became full (stop taking cash) or has room again.</summary>
    public event EventHandler<OutboxStatusChangedEventArgs>? OutboxStatusChanged;

    public event EventHandler<TransactionPublishedEventArgs>? TransactionPublished
    {
        add => _pump.TransactionPublished += value;
        remove => _pump.TransactionPublished -= value;
    }

    /// <summary>The backend acknowledged a transaction; the journal may mark it reported.</summary>
    public event EventHandler<TransactionAcknowledgedEventArgs>? TransactionAcknowledged
    {
        add => _pump.TransactionAcknowledged += value;
        remove => _pump.TransactionAcknowledged -= value;
    }

    /// <summary>Starts connecting (after the random first-connect delay) and draining.</summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_started)
        {
            return;
        }

        _started = true;
        new CommandLog(_storage).PruneExpired(_time.GetUtcNow().AddDays(-1));
        _commands.ReplyToInterrupted();
        _inboxLoop = Task.Run(() => RunInboxAsync(_stop.Token));
        _pump.Start();
        _link.Start();
        _sampler.Start();
    }

    /// <summary>Call after committing a journal transaction that enqueued outbox entries: publishes them now.</summary>
    public void NotifyTransactionsCommitted()
    {
        _pump.RefreshStatus();
        _pump.Wake();
    }

    /// <summary>Enqueues a transaction in a commit of the agent's own (tools and tests; the journal uses its own transaction).</summary>
    public void EnqueueTransaction(TransactionRecord record)
    {
        _outbox.Enqueue(record);
        NotifyTransactionsCommitted();
    }

    /// <summary>Queues one telemetry batch (bounded: the oldest batches are dropped and counted while offline).</summary>
    public TelemetryBatch RecordTelemetry(IReadOnlyList<TelemetrySample> samples) => _telemetry.Record(samples);

    /// <summary>
    /// Adds a telemetry source (for example <see cref="FleetMetrics"/> gauges): sampled with the others into one batch at
    /// start and every <see cref="KioskAgentOptions.TelemetryInterval"/>. Called on a timer thread; must be quick.
    /// </summary>
    public void AddTelemetrySource(Func<MachineStamp, IEnumerable<TelemetrySample>> source) => _sampler.Add(source);

    /// <summary>A gauge changed: samples every telemetry source soon, on the sampler's thread (the caller does not wait).</summary>
    public void RequestTelemetrySample() => _sampler.RequestSample();

    /// <summary>
    /// Keeps the fleet gauges in the retained reported state, written (durably, and published) only when a value changed:
    /// a monitor that starts later sees paper, cash box and today's transactions at once.
    /// </summary>
    private void KeepGauges(IReadOnlyList<TelemetrySample> samples)
    {
        var gauges = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var sample in samples.Where(s => FleetMetrics.IsGauge(s.Name)))
        {
            gauges[sample.Name] = sample.Value;
        }

        var known = _reported.Current.Gauges;
        if (gauges.Count == 0 || (known is not null && gauges.All(g => known.TryGetValue(g.Key, out var value) && value.Equals(g.Value))))
        {
            return;
        }

        _reported.Update(s =>
        {
            var merged = new Dictionary<string, double>(s.Gauges ?? new Dictionary<string, double>(), StringComparer.Ordinal);
            foreach (var (name, value) in gauges)
            {
                merged[name] = value;
            }

            return s with { Gauges = merged };
        });
    }

    /// <summary>Queues a fault raised or cleared, and keeps the reported state's list of active faults (retained) in step.</summary>
    public FaultMessage ReportFault(DeviceFault fault, bool active)
    {
        var message = _telemetry.Fault(fault, active);
        _reported.Update(s =>
        {
            var others = (s.ActiveFaults ?? []).Where(f => f.Device != message.Device || f.Code != message.Code);
            return s with { ActiveFaults = active ? [.. others, message] : [.. others] };
        });
        return message;
    }

    /// <summary>The firmware changed its service mode itself (a fault, the operator): reported retained.</summary>
    public ReportedState ReportServiceState(bool inService, string? reason) =>
        _reported.Update(s => s with { InService = inService, OutOfServiceReason = inService ? null : reason });

    /// <summary>Sets what <c>meta</c> says (devices, capabilities, metrics); published retained now and at every connect.</summary>
    public void UpdateMeta(IReadOnlyList<DeviceIdentity> devices, IReadOnlyList<string> capabilities, IReadOnlyList<MetricDescription> metrics)
    {
        MetaMessage meta;
        lock (_metaGate)
        {
            meta = _meta = _meta with { Devices = devices, Capabilities = capabilities, Metrics = metrics, Stamp = _clock.Now() };
        }

        PublishRetainedInBackground(Topics.Meta, KioskJson.Serialize(meta with { ConfigVersion = _reported.Current.Version }));
    }

    /// <summary>Publishes the offline status, disconnects cleanly (no will), stops the loops. The outbox stays on disk.</summary>
    public async Task StopAsync()
    {
        if (!_started)
        {
            return;
        }

        _started = false;
        _sampler.Stop();
        await _link.StopAsync(SayOfflineAsync).ConfigureAwait(false);
        await _pump.DisposeAsync().ConfigureAwait(false);
        await _stop.CancelAsync().ConfigureAwait(false);
        _inbox.Writer.TryComplete();
        try
        {
            await _inboxLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        await StopAsync().ConfigureAwait(false);
        _disposed = true;
        await _link.DisposeAsync().ConfigureAwait(false);
        _commands.Dispose();
        _desired.Dispose();
        _storage.Dispose();
        _fleetKey.Dispose();
        _stop.Dispose();
    }

    private static string ReadKey(string keyOrPath) =>
        keyOrPath.Contains("-----BEGIN", StringComparison.Ordinal) ? keyOrPath : File.ReadAllText(keyOrPath);

    private WillRequest NextWill()
    {
        _birthSeq = _values.Increment(AgentValues.BirthSeq);
        _connectStamp = _clock.Now();
        return new WillRequest(Topics.Status, KioskJson.Serialize(Status(online: false, reason: null)));
    }

    private StatusMessage Status(bool online, string? reason) => new()
    {
        MachineId = Topics.MachineId,
        Online = online,
        BirthSeq = _birthSeq,
        FirmwareVersion = _options.FirmwareVersion,
        Stamp = _connectStamp ?? _clock.Now(),
        Reason = reason,
    };

    private async Task OnConnectedAsync(ConnectedContext context)
    {
        if (!context.Result.IsSessionPresent)
        {
            var subscribe = new MqttClientSubscribeOptionsBuilder();
            foreach (var topic in new[] { Topics.TransactionAck, Topics.Command, Topics.StateDesired, Topics.BackendResponse })
            {
                subscribe.WithTopicFilter(topic, MqttQualityOfServiceLevel.AtLeastOnce);
            }

            var result = await context.Client.SubscribeAsync(subscribe.Build(), context.CancellationToken).ConfigureAwait(false);
            var refused = result.Items.Where(i => (int)i.ResultCode > (int)MqttClientSubscribeResultCode.GrantedQoS2).ToList();
            if (refused.Count > 0)
            {
                throw new InvalidOperationException("The broker refused subscriptions: " + string.Join(", ", refused.Select(i => $"{i.TopicFilter.Topic} ({i.ResultCode})")));
            }
        }

        MetaMessage meta;
        lock (_metaGate)
        {
            meta = _meta with { ConfigVersion = _reported.Current.Version, Stamp = _clock.Now() };
        }

        await PublishRetainedAsync(Topics.Status, KioskJson.Serialize(Status(online: true, reason: null)), context.CancellationToken).ConfigureAwait(false);
        await PublishRetainedAsync(Topics.Meta, KioskJson.Serialize(meta), context.CancellationToken).ConfigureAwait(false);
        await PublishRetainedAsync(Topics.StateReported, KioskJson.Serialize(_reported.Current), context.CancellationToken).ConfigureAwait(false);
    }

    private async Task SayOfflineAsync(IMqttClient client)
    {
        var message = Retained(Topics.Status, KioskJson.Serialize(Status(online: false, reason: "shutdown")));
        using var deadline = new CancellationTokenSource(_options.PublishDeadline, _time);
        await client.PublishAsync(message, deadline.Token).ConfigureAwait(false);
    }

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        var topic = e.ApplicationMessage.Topic;
        var payload = e.ApplicationMessage.Payload.ToArray();
        if (topic == Topics.TransactionAck)
        {
            if (KioskJson.TryDeserialize<TransactionAck>(payload, out var ack, out var error) && ack is not null)
            {
                _pump.Acknowledge(ack);
            }
            else
            {
                AgentLog.IgnoredMessage(_logger, topic, error ?? "empty");
            }
        }
        else if (topic == Topics.BackendResponse)
        {
            Backend.HandleResponse(e.ApplicationMessage);
        }
        else if (topic == Topics.Command)
        {
            // Acknowledged only once stored; carried out off the receive loop so a slow command never delays acks
            // or backend answers.
            e.AutoAcknowledge = false;
            _inbox.Writer.TryWrite(ct => _commands.HandleAsync(payload, () => e.AcknowledgeAsync(ct), ct));
        }
        else if (topic == Topics.StateDesired)
        {
            _inbox.Writer.TryWrite(ct => _desired.HandleAsync(payload, ct));
        }

        return Task.CompletedTask;
    }

    private async Task RunInboxAsync(CancellationToken stop)
    {
        await foreach (var work in _inbox.Reader.ReadAllAsync(stop).ConfigureAwait(false))
        {
            try
            {
                await work(stop).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stop.IsCancellationRequested)
            {
                AgentLog.PumpFailed(_logger, ex);
            }
        }
    }

    private void OnOutboxStatusChanged(object? sender, OutboxStatusChangedEventArgs e)
    {
        OutboxStatusChanged?.Invoke(this, e);
        var reason = OutboxStatus.OutOfServiceReason;
        if (e.Status.IsFull && _reported.Current.InService)
        {
            _inbox.Writer.TryWrite(async ct =>
            {
                var result = await _target.SetOutOfServiceAsync(reason, ct).ConfigureAwait(false);
                _reported.Update(s => s with { InService = !result.Accepted && s.InService, OutOfServiceReason = result.Accepted ? reason : s.OutOfServiceReason });
            });
        }
        else if (!e.Status.IsFull && !_reported.Current.InService && _reported.Current.OutOfServiceReason == reason)
        {
            _inbox.Writer.TryWrite(async ct =>
            {
                var result = await _target.SetInServiceAsync(ct).ConfigureAwait(false);
                if (result.Accepted)
                {
                    _reported.Update(s => s with { InService = true, OutOfServiceReason = null });
                }
            });
        }
    }

    private Dictionary<string, string> AgentCounters() => new()
    {
        ["agent.pendingTransactions"] = _pump.Status.PendingTransactions.ToString(CultureInfo.InvariantCulture),
        ["agent.outboxFull"] = _pump.Status.IsFull ? "true" : "false",
        ["agent.droppedTelemetry"] = _values.GetNumber(AgentValues.DroppedCounter(OutboxStore.TelemetryKind)).ToString(CultureInfo.InvariantCulture),
        ["agent.birthSeq"] = _birthSeq.ToString(CultureInfo.InvariantCulture),
        ["agent.connections"] = _link.Epoch.ToString(CultureInfo.InvariantCulture),
        ["agent.configVersion"] = _reported.Current.Version.ToString(CultureInfo.InvariantCulture),
    };

    private Task<MqttClientPublishResult> PublishRetainedAsync(string topic, byte[] payload, CancellationToken cancellationToken) =>
        _link.PublishAsync(Retained(topic, payload), cancellationToken);

    /// <summary>Retained state is re-published at every connect, so a failure here loses nothing.</summary>
    private void PublishRetainedInBackground(string topic, byte[] payload)
    {
        // Changes come in bursts (a fault raised and cleared in one poll). Publishes go one at a time and each sends the
        // newest snapshot of its topic, so the broker's retained copy can never end on an older state than the last.
        _retainedLatest[topic] = payload;
        if (!_link.IsConnected)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await _retainedGate.WaitAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }

            try
            {
                if (_retainedLatest.TryRemove(topic, out var latest))
                {
                    await PublishRetainedAsync(topic, latest, _stop.Token).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is AgentNotConnectedException or TimeoutException or OperationCanceledException or ObjectDisposedException)
            {
                // Published again after the next connect.
            }
            finally
            {
                _retainedGate.Release();
            }
        });
    }

    private static MqttApplicationMessage Retained(string topic, byte[] payload) => new MqttApplicationMessageBuilder()
        .WithTopic(topic)
        .WithPayload(payload)
        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
        .WithRetainFlag()
        .Build();
}

/// <summary>Optional collaborators of <see cref="KioskAgent"/>; defaults are the real ones.</summary>
public sealed class KioskAgentServices
{
    public TimeProvider? Time { get; init; }

    public IMachineClock? Clock { get; init; }

    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Uniform [0, 1) source for backoff jitter and the first-connect delay.</summary>
    public Func<double>? UnitRandom { get; init; }
}
