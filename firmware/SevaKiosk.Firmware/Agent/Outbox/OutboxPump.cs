using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Protocol;
using SevaKiosk.Firmware.Agent.Connection;
using SevaKiosk.Protocol.Mqtt;

namespace SevaKiosk.Firmware.Agent.Outbox;

/// <summary>
/// Drains the outbox while the link is up. Transactions go out at QoS 1 in enqueue (journal) order with a window of
/// publishes in flight, and stay in the outbox until the backend's <c>tx/ack</c>: after a reconnect (a new epoch) or
/// when an ack is overdue, everything unacknowledged is published again; the backend applies by TxId, so a duplicate
/// has no effect. When the oldest ack is overdue and the backend has been silent as long, one window's worth is re-sent
/// as a probe until an ack shows the backend is back.
/// Messages (telemetry, faults, replies) go after the transactions and are deleted on PUBACK.
/// </summary>
public sealed class OutboxPump : IAsyncDisposable
{
    private const int BatchSize = 256;
    private readonly ConnectionSupervisor _link;
    private readonly OutboxStore _store;
    private readonly KioskAgentOptions _options;
    private readonly string _txTopic;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Channel<TransactionAck> _acks = Channel.CreateUnbounded<TransactionAck>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Queue<Published> _awaitingAck = new();
    private readonly ConcurrentDictionary<string, int> _acked = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _statusGate = new();
    private Task _pumping = Task.CompletedTask;
    private Task _acking = Task.CompletedTask;
    private long _txCursor;
    private long _messageCursor;
    private long _resendBudget = long.MaxValue;
    private long _lastAckAt;
    private int _failedEpoch = -1;
    private OutboxStatus _status;

    public OutboxPump(ConnectionSupervisor link, OutboxStore store, MachineTopics topics, KioskAgentOptions options, TimeProvider? time = null, ILogger? logger = null)
    {
        _link = link;
        _store = store;
        _options = options;
        _txTopic = topics.Transactions;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _status = new OutboxStatus(0, options.OutboxCapacity, false);
    }

    public event EventHandler<OutboxStatusChangedEventArgs>? StatusChanged;

    public event EventHandler<TransactionPublishedEventArgs>? TransactionPublished;

    public event EventHandler<TransactionAcknowledgedEventArgs>? TransactionAcknowledged;

    public OutboxStatus Status
    {
        get
        {
            lock (_statusGate)
            {
                return _status;
            }
        }
    }

    public void Start()
    {
        RefreshStatus();
        _pumping = Task.Run(() => PumpAsync(_stop.Token));
        _acking = Task.Run(() => AckAsync(_stop.Token));
    }

    /// <summary>Something was enqueued (or should be looked at): drain now instead of at the next poll.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    /// <summary>The backend acknowledged a transaction (called from the <c>tx/ack</c> subscription).</summary>
    public void Acknowledge(TransactionAck ack) => _acks.Writer.TryWrite(ack);

    /// <summary>Recounts pending transactions and raises <see cref="StatusChanged"/> when fullness flips.</summary>
    public OutboxStatus RefreshStatus()
    {
        var pending = _store.PendingTransactionCount();
        OutboxStatus next;
        bool flipped;
        lock (_statusGate)
        {
            var capacity = _options.OutboxCapacity;
            var lowWater = capacity - Math.Max(1, capacity / 10);
            var full = _status.IsFull ? pending > lowWater : pending >= capacity;
            flipped = full != _status.IsFull;
            next = _status = new OutboxStatus(pending, capacity, full);
        }

        if (flipped)
        {
            if (next.IsFull)
            {
                AgentLog.OutboxFull(_logger, next.PendingTransactions, next.Capacity);
            }
            else
            {
                AgentLog.OutboxRelieved(_logger, next.PendingTransactions);
            }

            StatusChanged?.Invoke(this, new OutboxStatusChangedEventArgs(next));
        }

        return next;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _acks.Writer.TryComplete();
        foreach (var task in new[] { _pumping, _acking })
        {
            try
            {
                await task.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }
        }

        _stop.Dispose();
    }

    private async Task PumpAsync(CancellationToken stop)
    {
        var epoch = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var current = await _link.WaitConnectedAsync(stop).ConfigureAwait(false);
                if (current != epoch)
                {
                    // New connection: nothing published before counts; re-send everything still in the outbox.
                    epoch = current;
                    _txCursor = 0;
                    _messageCursor = 0;
                    _awaitingAck.Clear();
                    _acked.Clear();
                    Volatile.Write(ref _resendBudget, long.MaxValue);
                }
                else if (Volatile.Read(ref _failedEpoch) == epoch)
                {
                    // This connection failed under a publish; wait for the supervisor to replace it.
                    await WaitForWorkAsync(_options.OutboxPollInterval, stop).ConfigureAwait(false);
                    continue;
                }

                var window = new SemaphoreSlim(Math.Min(_options.InFlightWindow, _link.ServerReceiveMaximum));
                var progressed = await PublishTransactionsAsync(epoch, window, stop).ConfigureAwait(false);
                progressed |= await PublishMessagesAsync(epoch, window, stop).ConfigureAwait(false);
                if (!progressed && !RewindIfAckOverdue(out var nextDue))
                {
                    await WaitForWorkAsync(nextDue < _options.OutboxPollInterval ? nextDue : _options.OutboxPollInterval, stop).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                AgentLog.PumpFailed(_logger, ex);
                await Task.Delay(_options.OutboxPollInterval, _time, stop).ConfigureAwait(false);
            }
        }
    }

    private async Task<bool> PublishTransactionsAsync(int epoch, SemaphoreSlim window, CancellationToken stop)
    {
        var budget = Volatile.Read(ref _resendBudget);
        if (budget <= 0)
        {
            return false; // Probing: wait for an ack (or the next ack deadline) before sending more.
        }

        var rows = _store.ReadTransactions(_txCursor, (int)Math.Min(BatchSize, budget));
        if (budget != long.MaxValue)
        {
            Interlocked.CompareExchange(ref _resendBudget, budget - rows.Count, budget);
        }

        await PublishBatchAsync(
            rows,
            row =>
            {
                _txCursor = row.Seq;
                _awaitingAck.Enqueue(new Published(row.Seq, row.TxId, _time.GetTimestamp()));
                return (_txTopic, row.Payload);
            },
            (row, result) => TransactionPublished?.Invoke(this, new TransactionPublishedEventArgs(row.TxId, row.JournalSeq, result.IsSuccess, result.ReasonCode.ToString())),
            epoch,
            window,
            stop).ConfigureAwait(false);
        return rows.Count > 0;
    }

    private async Task<bool> PublishMessagesAsync(int epoch, SemaphoreSlim window, CancellationToken stop)
    {
        var rows = _store.ReadMessages(_messageCursor, BatchSize);
        var done = new ConcurrentBag<long>();

        // Delivered, or refused for good by the broker (it would refuse it again): either way it leaves the outbox.
        await PublishBatchAsync(
            rows,
            row =>
            {
                _messageCursor = row.Seq;
                return (row.Topic, row.Payload);
            },
            (row, _) => done.Add(row.Seq),
            epoch,
            window,
            stop).ConfigureAwait(false);
        _store.DeleteMessages(done.ToArray());
        return rows.Count > 0;
    }

    /// <summary>Publishes rows in order at QoS 1, at most the window in flight; stops early when the connection fails.</summary>
    private async Task PublishBatchAsync<TRow>(IReadOnlyList<TRow> rows, Func<TRow, (string Topic, byte[] Payload)> take, Action<TRow, MqttClientPublishResult> onPuback, int epoch, SemaphoreSlim window, CancellationToken stop)
    {
        var pending = new List<Task>(rows.Count);
        foreach (var row in rows)
        {
            await window.WaitAsync(stop).ConfigureAwait(false);
            if (Volatile.Read(ref _failedEpoch) == epoch)
            {
                window.Release();
                break;
            }

            var (topic, payload) = take(row);
            var message = new MqttApplicationMessageBuilder()
                .WithTopic(topic)
                .WithPayload(payload)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build();
            pending.Add(PublishInWindowAsync(message, window, epoch, result => onPuback(row, result), stop));
        }

        await Task.WhenAll(pending).ConfigureAwait(false);
    }

    private async Task PublishInWindowAsync(MqttApplicationMessage message, SemaphoreSlim window, int epoch, Action<MqttClientPublishResult> onPuback, CancellationToken stop)
    {
        try
        {
            var result = await _link.PublishAsync(message, stop).ConfigureAwait(false);
            if (!result.IsSuccess)
            {
                AgentLog.PublishRefused(_logger, message.Topic, result.ReasonCode.ToString());
            }

            onPuback(result);
        }
        catch (Exception ex) when (ex is AgentNotConnectedException or TimeoutException or OperationCanceledException)
        {
            // The supervisor has declared the link dead; the next epoch re-sends from the outbox.
            Volatile.Write(ref _failedEpoch, epoch);
        }
        finally
        {
            window.Release();
        }
    }

    /// <summary>When the oldest unacknowledged publish is overdue, rewinds so it and all after it go out again.</summary>
    private bool RewindIfAckOverdue(out TimeSpan nextDue)
    {
        nextDue = TimeSpan.MaxValue;
        while (_awaitingAck.TryPeek(out var head))
        {
            if (_acked.ContainsKey(head.TxId))
            {
                _awaitingAck.Dequeue();
                continue;
            }

            // Overdue only when the backend has also been silent that long: while acks keep coming it is working
            // through a backlog, and re-sending would only lengthen it. A transaction lost on the way is re-sent once the
            // flow of acks stops.
            var quiet = _time.GetElapsedTime(Math.Max(head.PublishedAt, Volatile.Read(ref _lastAckAt)));
            if (quiet < _options.AckTimeout)
            {
                nextDue = _options.AckTimeout - quiet;
                return false;
            }

            // Go back to the oldest unacknowledged transaction, but only probe with one window's worth: on a 2G link
            // with the backend away, re-sending the whole backlog every ack timeout would be all the link ever does.
            // The first ack lifts the limit.
            _txCursor = head.Seq - 1;
            _awaitingAck.Clear();
            Volatile.Write(ref _resendBudget, _options.InFlightWindow);
            return true;
        }

        _acked.Clear();
        return false;
    }

    private async Task WaitForWorkAsync(TimeSpan timeout, CancellationToken stop)
    {
        using var timer = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, timer.Token);
        try
        {
            await _wake.Reader.WaitToReadAsync(linked.Token).ConfigureAwait(false);
            _wake.Reader.TryRead(out _);
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            // Poll interval or ack deadline reached.
        }
    }

    private async Task AckAsync(CancellationToken stop)
    {
        var batch = new List<TransactionAck>();
        while (await _acks.Reader.WaitToReadAsync(stop).ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < 1024 && _acks.Reader.TryRead(out var ack))
            {
                batch.Add(ack);
            }

            // One commit for the whole batch: an ack storm after a reconnect must not cost one fsync per transaction.
            _store.DeleteAcknowledged(batch);
            foreach (var ack in batch)
            {
                _acked[ack.TxId] = ack.Revision;
                TransactionAcknowledged?.Invoke(this, new TransactionAcknowledgedEventArgs(ack.TxId, ack.Revision, ack.FirstApply));
            }

            Volatile.Write(ref _resendBudget, long.MaxValue);
            Volatile.Write(ref _lastAckAt, _time.GetTimestamp());
            RefreshStatus();
            Wake();
        }
    }

    private readonly record struct Published(long Seq, string TxId, long PublishedAt);
}
