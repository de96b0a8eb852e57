using System.Buffers;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Protocol;
using SevaKiosk.Protocol.Mqtt;

namespace SevaKiosk.Simulator.Backend;

/// <summary>
/// The demo fleet backend on MQTT: answers bill fetches and payment posts/status queries from an account fixture,
/// applies transactions idempotently by TxId into its ledger and acknowledges each on <c>tx/ack</c>. It can be told to be
/// down (silently ignore everything), slow (delay every answer and ack) or to answer payments "pending".
/// It reconnects by itself, so tests can stop and restart the broker under it.
/// </summary>
public sealed class DemoBackend : IAsyncDisposable
{
    private readonly DemoBackendOptions _options;
    private readonly TimeProvider _time;
    private readonly Channel<MqttApplicationMessage> _transactions = Channel.CreateUnbounded<MqttApplicationMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<MqttApplicationMessage> _requests = Channel.CreateUnbounded<MqttApplicationMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _firstConnect = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private BackendBehaviour _behaviour = BackendBehaviour.Normal;
    private IMqttClient? _client;
    private SemaphoreSlim _inFlight = new(20);
    private Task[] _loops = [];
    private long _paymentNumber;

    public DemoBackend(DemoBackendOptions options, TimeProvider? time = null)
    {
        _options = options;
        _time = time ?? TimeProvider.System;
        Ledger = new BackendLedger(options.LedgerPath);

        // A biller approval reference is unique: a backend restarted on the same ledger continues the numbering.
        _paymentNumber = Ledger.PaymentCount();
    }

    /// <summary>Something the backend did, for the CLI's JSON lines and for tests.</summary>
    public event EventHandler<BackendEvent>? EventOccurred;

    public BackendLedger Ledger { get; }

    public BackendBehaviour Behaviour
    {
        get => Volatile.Read(ref _behaviour);
        set => Volatile.Write(ref _behaviour, value);
    }

    public bool IsConnected => Volatile.Read(ref _client)?.IsConnected == true;

    public void Start() => _loops =
    [
        Task.Run(() => ConnectLoopAsync(_stop.Token)),
        Task.Run(() => TransactionLoopAsync(_stop.Token)),
        Task.Run(() => RequestLoopAsync(_stop.Token)),
    ];

    /// <summary>Completes when the first connection and its subscriptions are up.</summary>
    public Task WaitConnectedAsync(CancellationToken cancellationToken) => _firstConnect.Task.WaitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _transactions.Writer.TryComplete();
        _requests.Writer.TryComplete();
        foreach (var loop in _loops)
        {
            try
            {
                await loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }
        }

        Ledger.Dispose();
        _stop.Dispose();
    }

    private async Task ConnectLoopAsync(CancellationToken stop)
    {
        var endpoint = new Uri(_options.Broker);
        var tls = endpoint.Scheme is "mqtts" or "ssl";
        while (!stop.IsCancellationRequested)
        {
            using var client = new MqttClientFactory().CreateMqttClient();
            var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            client.DisconnectedAsync += _ =>
            {
                lost.TrySetResult();
                return Task.CompletedTask;
            };
            client.ApplicationMessageReceivedAsync += e =>
            {
                var message = e.ApplicationMessage;
                (message.Topic.EndsWith("/tx", StringComparison.Ordinal) ? _transactions : _requests).Writer.TryWrite(message);
                return Task.CompletedTask;
            };
            try
            {
                var builder = new MqttClientOptionsBuilder()
                    .WithTcpServer(endpoint.Host, endpoint.IsDefaultPort || endpoint.Port < 0 ? (tls ? 8883 : 1883) : endpoint.Port)
                    .WithClientId(_options.ClientId)
                    .WithCleanStart();
                if (_options.Password is not null)
                {
                    builder.WithCredentials(_options.Username ?? _options.ClientId, _options.Password);
                }

                if (tls)
                {
                    var roots = new X509Certificate2Collection();
                    roots.ImportFromPemFile(_options.CaCertificateFile ?? throw new InvalidOperationException("--ca is required for mqtts."));
                    builder.WithTlsOptions(o => o.WithTrustChain(roots).WithRevocationMode(X509RevocationMode.NoCheck));
                }

                using var deadline = new CancellationTokenSource(_options.PublishDeadline, _time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, deadline.Token);
                var result = await client.ConnectAsync(builder.Build(), linked.Token).ConfigureAwait(false);
                if (result.ResultCode == MqttClientConnectResultCode.Success)
                {
                    // Never more QoS 1 publishes in flight than the broker accepts (Mosquitto drops the excess silently).
                    Volatile.Write(ref _inFlight, new SemaphoreSlim(Math.Min(64, result.ReceiveMaximum is null or 0 ? 64 : (int)result.ReceiveMaximum.Value)));
                    await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                        .WithTopicFilter(KioskTopics.AllTransactions, MqttQualityOfServiceLevel.AtLeastOnce)
                        .WithTopicFilter(KioskTopics.AllBackendRequests, MqttQualityOfServiceLevel.AtLeastOnce)
                        .Build(), linked.Token).ConfigureAwait(false);
                    Volatile.Write(ref _client, client);
                    Raise("connected", _options.Broker);
                    _firstConnect.TrySetResult();
                    await lost.Task.WaitAsync(stop).ConfigureAwait(false);
                    Raise("disconnected", _options.Broker);
                }
                else
                {
                    Raise("refused", result.ResultCode.ToString());
                }
            }
            catch (Exception ex) when (!stop.IsCancellationRequested)
            {
                Raise("connect-failed", ex.Message);
            }
            catch (OperationCanceledException)
            {
                await client.TryDisconnectAsync().ConfigureAwait(false);
                return;
            }
            finally
            {
                Volatile.Write(ref _client, null);
            }

            await Task.Delay(_options.ReconnectDelay, _time, stop).ConfigureAwait(false);
        }
    }

    private async Task TransactionLoopAsync(CancellationToken stop)
    {
        var batch = new List<(TransactionRecord Record, byte[] Payload)>();
        while (await _transactions.Reader.WaitToReadAsync(stop).ConfigureAwait(false))
        {
            batch.Clear();

            // A slow backend handles one transaction at a time, each taking the configured delay.
            var most = Behaviour.Delay > TimeSpan.Zero ? 1 : 512;
            while (batch.Count < most && _transactions.Reader.TryRead(out var message))
            {
                var behaviour = Behaviour;
                if (behaviour.Down)
                {
                    continue;
                }

                var payload = message.Payload.ToArray();
                if (!KioskTopics.TryParse(message.Topic, out var machineId, out _)
                    || !KioskJson.TryDeserialize<TransactionRecord>(payload, out var record, out var error) || record is null)
                {
                    Raise("tx-malformed", message.Topic);
                    continue;
                }

                if (record.MachineId != machineId)
                {
                    Raise("tx-foreign", $"{machineId} sent a transaction of {record.MachineId}");
                    continue;
                }

                batch.Add((record, payload));
            }

            if (batch.Count == 0)
            {
                continue;
            }

            await DelayIfSlowAsync(stop).ConfigureAwait(false);
            var applied = Ledger.Apply(batch, _time.GetUtcNow());
            var acks = new List<Task>(batch.Count);
            for (var i = 0; i < batch.Count; i++)
            {
                var record = batch[i].Record;
                var ack = new TransactionAck
                {
                    TxId = record.TxId,
                    Revision = record.Revision,
                    JournalSeq = record.JournalSeq,
                    FirstApply = applied[i],
                    BackendTime = _time.GetUtcNow(),
                };
                acks.Add(PublishAsync(KioskTopics.For(record.MachineId).TransactionAck, KioskJson.Serialize(ack), null, stop));
                Raise(applied[i] ? "tx-applied" : "tx-duplicate", record.TxId);
            }

            await Task.WhenAll(acks).ConfigureAwait(false);
        }
    }

    private async Task RequestLoopAsync(CancellationToken stop)
    {
        await foreach (var message in _requests.Reader.ReadAllAsync(stop).ConfigureAwait(false))
        {
            if (Behaviour.Down || message.ResponseTopic is null || !KioskTopics.TryParse(message.Topic, out var machineId, out var rest))
            {
                continue;
            }

            await DelayIfSlowAsync(stop).ConfigureAwait(false);
            var payload = message.Payload.ToArray();
            var answer = rest switch
            {
                "backend/request/" + KioskTopics.BillFetch => AnswerBill(payload),
                "backend/request/" + KioskTopics.PaymentPost => AnswerPost(payload, machineId),
                "backend/request/" + KioskTopics.PaymentStatus => AnswerStatus(payload),
                _ => null,
            };
            if (answer is not null)
            {
                await PublishAsync(message.ResponseTopic, answer, message.CorrelationData, stop).ConfigureAwait(false);
            }
        }
    }

    private byte[]? AnswerBill(byte[] payload)
    {
        if (!KioskJson.TryDeserialize<BillFetchRequest>(payload, out var request, out _) || request is null)
        {
            return null;
        }

        var biller = _options.Accounts.FindBiller(request.BillerId);
        var account = _options.Accounts.Find(request.BillerId, request.ConsumerNumber);
        Raise("bill-fetch", $"{request.BillerId}/{request.ConsumerNumber}: {(account is null ? "not found" : account.AmountDue)}");
        return KioskJson.Serialize(biller is null || account is null
            ? new BillFetchResponse { RequestId = request.RequestId, Outcome = BillFetchOutcome.NotFound, BillerId = request.BillerId, ConsumerNumber = request.ConsumerNumber, Message = biller is null ? "unknown biller" : "no such consumer number" }
            : new BillFetchResponse
            {
                RequestId = request.RequestId,
                Outcome = BillFetchOutcome.Found,
                BillerId = biller.Id,
                BillerName = biller.Name,
                Service = biller.Service,
                ConsumerNumber = account.ConsumerNumber,
                ConsumerName = account.Name,
                AmountDue = account.AmountDue,
                DueDate = account.DueDate,
                BillNumber = account.BillNumber,
                AmountRule = biller.AmountRule,
                Fee = biller.Fee,
            });
    }

    private byte[]? AnswerPost(byte[] payload, string machineId)
    {
        if (!KioskJson.TryDeserialize<PaymentPostRequest>(payload, out var request, out _) || request is null || request.MachineId != machineId)
        {
            return null;
        }

        var stored = Ledger.FindPayment(request.IdempotencyKey);
        if (stored is null)
        {
            var biller = _options.Accounts.FindBiller(request.BillerId);
            var account = _options.Accounts.Find(request.BillerId, request.ConsumerNumber);
            var refusal = biller is null || account is null ? "unknown biller or consumer" : biller.Refuses(request.Amount, account.AmountDue);
            var (result, reference) = refusal is not null
                ? (PaymentResult.Failed, (string?)null)
                : Behaviour.AnswerPending ? (PaymentResult.Pending, null) : (PaymentResult.Posted, NextReference());
            stored = Ledger.RecordPayment(request, result, reference, refusal, _time.GetUtcNow());
        }
        else
        {
            stored = Ledger.RecordPayment(request, stored.Result, stored.Reference, stored.Message, _time.GetUtcNow());
        }

        Raise("payment-post", $"{request.IdempotencyKey}: {stored.Result} (post {stored.Posts})");
        return KioskJson.Serialize(new PaymentResponse { RequestId = request.RequestId, IdempotencyKey = request.IdempotencyKey, Result = stored.Result, PaymentReference = stored.Reference, Message = stored.Message });
    }

    private byte[]? AnswerStatus(byte[] payload)
    {
        if (!KioskJson.TryDeserialize<PaymentStatusRequest>(payload, out var request, out _) || request is null)
        {
            return null;
        }

        var stored = Ledger.FindPayment(request.IdempotencyKey);
        if (stored?.Result == PaymentResult.Pending && !Behaviour.AnswerPending)
        {
            // The biller has answered in the meantime.
            Ledger.ResolvePayment(request.IdempotencyKey, PaymentResult.Posted, NextReference());
            stored = Ledger.FindPayment(request.IdempotencyKey);
        }

        Raise("payment-status", $"{request.IdempotencyKey}: {stored?.Result.ToString() ?? "not found"}");
        return KioskJson.Serialize(new PaymentResponse
        {
            RequestId = request.RequestId,
            IdempotencyKey = request.IdempotencyKey,
            Result = stored?.Result ?? PaymentResult.NotFound,
            PaymentReference = stored?.Reference,
            Message = stored?.Message,
        });
    }

    private string NextReference() => $"BBPS{_time.GetUtcNow():yyyyMMdd}{Interlocked.Increment(ref _paymentNumber):D6}";

    private async Task DelayIfSlowAsync(CancellationToken stop)
    {
        var delay = Behaviour.Delay;
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, _time, stop).ConfigureAwait(false);
        }
    }

    private async Task PublishAsync(string topic, byte[] payload, byte[]? correlation, CancellationToken stop)
    {
        var client = Volatile.Read(ref _client);
        if (client is null)
        {
            return; // The machine re-sends or re-asks; nothing is lost by dropping an answer.
        }

        var builder = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        if (correlation is not null)
        {
            builder.WithCorrelationData(correlation);
        }

        var gate = Volatile.Read(ref _inFlight);
        try
        {
            // The deadline is for the broker's PUBACK, not for the queue behind the receive maximum.
            await gate.WaitAsync(stop).ConfigureAwait(false);
            try
            {
                using var deadline = new CancellationTokenSource(_options.PublishDeadline, _time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, deadline.Token);
                await client.PublishAsync(builder.Build(), linked.Token).ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
        }
        catch (Exception ex)
        {
            // MQTTnet reports a cancelled publish as a timeout; either way the machine re-sends or re-asks.
            if (!stop.IsCancellationRequested)
            {
                Raise("publish-failed", $"{topic}: {ex.Message}");
            }
        }
    }

    private void Raise(string kind, string detail) => EventOccurred?.Invoke(this, new BackendEvent(kind, detail));
}

/// <summary>One thing the backend did.</summary>
public sealed record BackendEvent(string Kind, string Detail);
