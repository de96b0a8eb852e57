using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Exceptions;

namespace SevaKiosk.Firmware.Agent.Connection;

/// <summary>
/// The only owner of the MQTT connection (MQTTnet 5 has no managed client, and Connect/Disconnect must never run
/// concurrently with each other or with publishes). One task connects, runs <see cref="Connected"/> (subscribe,
/// birth), then watches the link: a ping that gets no answer within <see cref="KioskAgentOptions.PingTimeout"/>, a
/// publish without PUBACK within <see cref="KioskAgentOptions.PublishDeadline"/> or a disconnect declares it dead.
/// A dead link is dropped without DISCONNECT (so the broker publishes the will) and re-established after a full-jitter
/// exponential backoff. Every wait goes through the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class ConnectionSupervisor : IAsyncDisposable
{
    private readonly KioskAgentOptions _options;
    private readonly ClientOptionsFactory _clientOptions;
    private readonly Func<WillRequest> _will;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly FullJitterBackoff _backoff;
    private readonly Func<double> _unitRandom;
    private readonly MqttClientFactory _factory = new();
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private TaskCompletionSource<int> _ready = NewReady();
    private Func<IMqttClient, Task>? _lastWords;
    private Link? _link;
    private Task _loop = Task.CompletedTask;
    private int _epoch;

    public ConnectionSupervisor(KioskAgentOptions options, Func<WillRequest> will, TimeProvider? time = null, ILogger? logger = null, Func<double>? unitRandom = null)
    {
        _options = options;
        _clientOptions = new ClientOptionsFactory(options);
        _will = will;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _unitRandom = unitRandom ?? Random.Shared.NextDouble;
        _backoff = new FullJitterBackoff(options.ReconnectMinDelay, options.ReconnectMaxDelay, _unitRandom);
    }

    /// <summary>Runs after every successful CONNACK, before publishing is opened to others: subscribe and publish birth.</summary>
    public Func<ConnectedContext, Task>? Connected { get; set; }

    /// <summary>Every received message. Set <c>AutoAcknowledge = false</c> and acknowledge after storing, where that matters.</summary>
    public Func<MqttApplicationMessageReceivedEventArgs, Task>? MessageReceived { get; set; }

    public event EventHandler<ConnectionStateChangedEventArgs>? StateChanged;

    public ConnectionState State { get; private set; } = ConnectionState.Stopped;

    public bool IsConnected => State == ConnectionState.Connected;

    /// <summary>How many QoS 1 publishes the broker accepts in flight on the current connection (its receive maximum).</summary>
    public int ServerReceiveMaximum { get; private set; } = ushort.MaxValue;

    /// <summary>Number of successful connections so far.</summary>
    public int Epoch => Volatile.Read(ref _epoch);

    public BrokerEndpoint Endpoint => _clientOptions.Endpoint;

    public void Start()
    {
        lock (_gate)
        {
            if (!_loop.IsCompleted)
            {
                return;
            }

            _loop = Task.Run(() => RunAsync(_stop.Token));
        }
    }

    /// <summary>Completes with the epoch once connected (immediately when already connected).</summary>
    public Task<int> WaitConnectedAsync(CancellationToken cancellationToken) =>
        Volatile.Read(ref _ready).Task.WaitAsync(cancellationToken);

    /// <summary>
    /// Publishes with a deadline. A missing PUBACK or a broken connection declares the link dead and throws; a PUBACK
    /// with an error reason code is returned as is (the link is fine, the broker refused this message).
    /// </summary>
    public async Task<MqttClientPublishResult> PublishAsync(MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        var link = Volatile.Read(ref _link) ?? throw new AgentNotConnectedException();
        var client = link.Client;
        using var deadline = new CancellationTokenSource(_options.PublishDeadline, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            return await client.PublishAsync(message, linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or MqttCommunicationTimedOutException && deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            link.Dead.TrySetResult($"no PUBACK within {_options.PublishDeadline.TotalSeconds:0.#} s on {message.Topic}");
            throw new TimeoutException($"No PUBACK within the publish deadline on {message.Topic}.", ex);
        }
        catch (Exception ex) when (ex is MqttCommunicationException or MqttClientNotConnectedException or ObjectDisposedException)
        {
            link.Dead.TrySetResult("publish failed: " + ex.Message);
            throw new AgentNotConnectedException("The link failed during a publish.", ex);
        }
    }

    /// <summary>Drops the current connection (without DISCONNECT) and reconnects after backoff.</summary>
    public void DeclareLinkDead(string reason) => Volatile.Read(ref _link)?.Dead.TrySetResult(reason);

    /// <summary>
    /// Stops: when connected, runs <paramref name="lastWords"/> (publish the offline status) and sends DISCONNECT, so the
    /// broker discards the will; then ends the loop.
    /// </summary>
    public async Task StopAsync(Func<IMqttClient, Task>? lastWords = null)
    {
        _lastWords = lastWords;
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped while waiting.
        }

        SetState(ConnectionState.Stopped, TimeSpan.Zero, "stopped");
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(_lastWords).ConfigureAwait(false);
        _stop.Dispose();
    }

    private static TaskCompletionSource<int> NewReady() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static TaskCompletionSource<string> NewDead() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task RunAsync(CancellationToken stop)
    {
        var first = TimeSpan.FromTicks((long)(_options.FirstConnectMaxDelay.Ticks * Math.Clamp(_unitRandom(), 0, 1)));
        // The timer is armed before Waiting is announced, so an observer (or a virtual clock) sees a real wait.
        var firstWait = Task.Delay(first, _time, stop);
        SetState(ConnectionState.Waiting, first, "first connect after start");
        await firstWait.ConfigureAwait(false);

        var attempt = 0;
        while (!stop.IsCancellationRequested)
        {
            SetState(ConnectionState.Connecting, TimeSpan.Zero, null);
            var (connectedFor, reason) = await ConnectAndWatchAsync(stop).ConfigureAwait(false);
            if (stop.IsCancellationRequested)
            {
                return;
            }

            attempt = connectedFor >= _options.StableConnection ? 0 : attempt;
            var delay = _backoff.Delay(attempt);
            attempt = Math.Min(attempt + 1, 62);
            AgentLog.LinkDown(_logger, Endpoint.ToString(), reason, delay.TotalSeconds);
            var wait = Task.Delay(delay, _time, stop);
            SetState(ConnectionState.Waiting, delay, reason);
            await wait.ConfigureAwait(false);
        }
    }

    /// <summary>One connection's life. Returns how long it was up (zero when it never came up) and why it ended.</summary>
    private async Task<(TimeSpan ConnectedFor, string Reason)> ConnectAndWatchAsync(CancellationToken stop)
    {
        var dead = NewDead();
        var client = _factory.CreateMqttClient();
        client.DisconnectedAsync += e =>
        {
            dead.TrySetResult(e.ClientWasConnected ? $"disconnected ({e.Reason})" : "connect failed");
            return Task.CompletedTask;
        };
        client.ApplicationMessageReceivedAsync += e => MessageReceived?.Invoke(e) ?? Task.CompletedTask;

        long connectedAt = 0;
        var sessionPresent = false;
        try
        {
            var will = _will();
            using (var deadline = new CancellationTokenSource(_options.ConnectTimeout, _time))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, deadline.Token))
            {
                var result = await client.ConnectAsync(_clientOptions.Build(will.Payload, will.Topic), linked.Token).ConfigureAwait(false);
                if (result.ResultCode != MqttClientConnectResultCode.Success)
                {
                    return (TimeSpan.Zero, $"broker refused: {result.ResultCode}");
                }

                sessionPresent = result.IsSessionPresent;
                ServerReceiveMaximum = result.ReceiveMaximum is null or 0 ? ushort.MaxValue : result.ReceiveMaximum.Value;
                Volatile.Write(ref _link, new Link(client, dead));
                if (Connected is { } connected)
                {
                    await connected(new ConnectedContext(client, result, linked.Token)).ConfigureAwait(false);
                }
            }

            connectedAt = _time.GetTimestamp();
            var epoch = Interlocked.Increment(ref _epoch);
            AgentLog.Connected(_logger, Endpoint.ToString(), _options.MachineId, epoch, sessionPresent);
            SetState(ConnectionState.Connected, TimeSpan.Zero, null);
            var ready = Volatile.Read(ref _ready);
            ready.TrySetResult(epoch);

            // The moment the link is declared dead, waiters must stop seeing it as ready (before the owner cleans up).
            _ = dead.Task.ContinueWith(_ => Interlocked.CompareExchange(ref _ready, NewReady(), ready), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

            var reason = await WatchAsync(client, dead, stop).ConfigureAwait(false);
            if (stop.IsCancellationRequested)
            {
                await SayGoodbyeAsync(client).ConfigureAwait(false);
            }

            return (_time.GetElapsedTime(connectedAt), reason);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stop.IsCancellationRequested)
        {
            return (connectedAt == 0 ? TimeSpan.Zero : _time.GetElapsedTime(connectedAt), Describe(ex));
        }
        finally
        {
            dead.TrySetResult("closed");
            Volatile.Write(ref _link, null);
            if (!stop.IsCancellationRequested && State == ConnectionState.Connected)
            {
                SetState(ConnectionState.Connecting, TimeSpan.Zero, "link lost");
            }

            // Dispose without DISCONNECT: after a dead link the broker must publish the will.
            client.Dispose();
        }
    }

    private async Task<string> WatchAsync(IMqttClient client, TaskCompletionSource<string> dead, CancellationToken stop)
    {
        while (true)
        {
            using var tick = CancellationTokenSource.CreateLinkedTokenSource(stop);
            var sleep = Task.Delay(_options.PingInterval, _time, tick.Token);
            var first = await Task.WhenAny(dead.Task, sleep).ConfigureAwait(false);
            if (first == dead.Task)
            {
                await tick.CancelAsync().ConfigureAwait(false);
                return await dead.Task.ConfigureAwait(false);
            }

            if (stop.IsCancellationRequested)
            {
                return "stopping";
            }

            using var deadline = new CancellationTokenSource(_options.PingTimeout, _time);
            try
            {
                await client.PingAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || deadline.IsCancellationRequested)
            {
                return $"no ping response within {_options.PingTimeout.TotalSeconds:0.#} s";
            }
        }
    }

    private async Task SayGoodbyeAsync(IMqttClient client)
    {
        try
        {
            using var deadline = new CancellationTokenSource(_options.PublishDeadline, _time);
            if (_lastWords is { } lastWords)
            {
                await lastWords(client).WaitAsync(deadline.Token).ConfigureAwait(false);
            }

            await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            AgentLog.GoodbyeFailed(_logger, Describe(ex));
        }
    }

    private void SetState(ConnectionState state, TimeSpan delay, string? reason)
    {
        State = state;
        StateChanged?.Invoke(this, new ConnectionStateChangedEventArgs(state, delay, reason, Epoch));
    }

    private static string Describe(Exception ex) => ex switch
    {
        OperationCanceledException => "timed out",
        MqttCommunicationTimedOutException => "timed out",
        _ when ex.InnerException is { } inner => $"{ex.GetType().Name}: {ex.Message} ({inner.Message})",
        _ => $"{ex.GetType().Name}: {ex.Message}",
    };
}

/// <summary>One connection: its client and the signal that declares it dead.</summary>
internal sealed record Link(IMqttClient Client, TaskCompletionSource<string> Dead);

/// <summary>What the supervisor needs to register the will at CONNECT.</summary>
public sealed record WillRequest(string Topic, byte[] Payload);

/// <summary>Passed to <see cref="ConnectionSupervisor.Connected"/>.</summary>
public sealed record ConnectedContext(IMqttClient Client, MqttClientConnectResult Result, CancellationToken CancellationToken);
