using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Nerdbank.Streams;
using SevaKiosk.Protocol.Id003;
using SevaKiosk.Simulator.Control;
using SevaKiosk.Simulator.Devices.Validators.Id003;

namespace SevaKiosk.Id003.Tests;

/// <summary>A frame the host received.</summary>
internal sealed record Reply(byte Code, byte[] Data, byte[] Wire)
{
    public string Name => Id003Names.Status(Code);

    public override string ToString() => Id003Names.Describe(Id003Direction.AcceptorToHost, Code, Data);
}

/// <summary>
/// A deliberately tiny ID-003 host (not the kiosk driver): writes command frames to the simulator over an in-process
/// duplex stream and reads replies with the codec, in virtual time. Time advances only while the host waits for a
/// reply or idles on purpose, so every timeout in the simulator is exercised deterministically.
/// </summary>
internal sealed class Id003TestHost : IAsyncDisposable
{
    public static readonly TimeSpan DefaultReplyTimeout = TimeSpan.FromMilliseconds(100);

    private readonly Stream _host;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _device;
    private readonly Task _pump;
    private readonly ConcurrentQueue<Reply> _frames = new();
    private readonly List<JsonObject> _events = [];
    private readonly Id003FrameReader _reader = new();
    private readonly object _readerGate = new();
    private long _written;
    private long _pumped;

    private Id003TestHost(Id003SimulatorOptions options)
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 9, 0, 0, TimeSpan.Zero));
        Device = new Id003SimulatedValidator(options, Time);
        Device.EventOccurred += e =>
        {
            lock (_events)
            {
                _events.Add(e);
            }
        };
        var (host, device) = FullDuplexStream.CreatePair();
        _host = host;
        _device = Task.Run(() => Device.RunAsync(device, _stop.Token));
        _pump = Task.Run(PumpAsync);
    }

    public FakeTimeProvider Time { get; }

    public Id003SimulatedValidator Device { get; }

    /// <summary>The adapter echoes: drop a received frame identical to the one just sent when it comes first.</summary>
    public bool SuppressEcho { get; set; }

    public int EchoesSuppressed { get; private set; }

    /// <summary>Frames the host's reader rejected (CRC errors) and garbage bytes, for noise tests.</summary>
    public int CrcErrors { get; private set; }

    public long GarbageBytes { get; private set; }

    /// <summary>
    /// True (the default) makes a frame that nobody asked for a test failure. Noise tests turn it off: a reply that
    /// arrives after its timeout is then discarded before the next command, as a driver would.
    /// </summary>
    public bool StrictOrdering { get; set; } = true;

    /// <summary>
    /// Defaults for tests: immediate replies (so that hundreds of polls cost little real time), the field-observed
    /// timings otherwise. The reply-delay path has its own tests.
    /// </summary>
    public static Id003SimulatorOptions TestOptions => new() { ResponseDelay = TimeSpan.Zero };

    public static Id003TestHost Start(Id003SimulatorOptions? options = null) => new(options ?? TestOptions);

    public JsonObject[] Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public JsonObject[] EventsOf(string kind) => Events.Where(e => (string?)e["event"] == kind).ToArray();

    /// <summary>Applies a JSON control line exactly as <c>sevakiosk-sim</c> does and returns its reply.</summary>
    public JsonObject Control(string json) => DeviceControlSession.Apply(Device, json);

    public Task<Reply?> StatusAsync() => SendAsync(Id003Command.StatusRequest);

    public Task<Reply?> SendAsync(Id003Command command, params byte[] data) =>
        ExchangeAsync(Id003FrameWriter.ToArray(command, data), ReplyTimeout);

    /// <summary>How long (virtual) <see cref="SendAsync"/> waits for a reply.</summary>
    public TimeSpan ReplyTimeout { get; set; } = DefaultReplyTimeout;

    /// <summary>Writes raw bytes and waits (in virtual time) for one frame, or null when none came in time.</summary>
    public async Task<Reply?> ExchangeAsync(byte[] wire, TimeSpan timeout)
    {
        if (StrictOrdering)
        {
            Assert.True(_frames.IsEmpty, $"Unexpected frame before sending: {string.Join(", ", _frames)}");
        }
        else
        {
            _frames.Clear();
        }

        await _host.WriteAsync(wire);
        await _host.FlushAsync();
        _written += wire.Length;
        var echoPending = SuppressEcho;
        return await AwaitFrameAsync(timeout, frame =>
        {
            if (echoPending && frame.Wire.AsSpan().SequenceEqual(wire))
            {
                echoPending = false;
                EchoesSuppressed++;
                return false;
            }

            return true;
        });
    }

    /// <summary>Receives whatever frame arrives next within <paramref name="timeout"/> of virtual time.</summary>
    public Task<Reply?> ReceiveAsync(TimeSpan timeout) => AwaitFrameAsync(timeout, _ => true);

    /// <summary>
    /// Virtual time moves only when nothing else can happen first: the simulator has handled every byte written
    /// (or waits for a reply's due time) and every byte it sent has been read. Then the clock jumps to the reply's due
    /// time or to the deadline, whichever is first. No real sleeps decide the outcome.
    /// </summary>
    private async Task<Reply?> AwaitFrameAsync(TimeSpan timeout, Func<Reply, bool> accept)
    {
        var deadline = Time.GetUtcNow() + timeout;
        while (true)
        {
            var due = await SettleAsync();
            while (_frames.TryDequeue(out var frame))
            {
                if (accept(frame))
                {
                    return frame;
                }
            }

            var now = Time.GetUtcNow();
            if (now >= deadline)
            {
                // A driver's response timeout: bytes held by a corrupted LNG are rescanned now.
                FlushReader();
                while (_frames.TryDequeue(out var late))
                {
                    if (accept(late))
                    {
                        return late;
                    }
                }

                return null;
            }

            Time.Advance((due is { } d && d < deadline ? d : deadline) - now);
        }
    }

    private async Task<DateTimeOffset?> SettleAsync()
    {
        var giveUp = Stopwatch.GetTimestamp() + (10 * Stopwatch.Frequency);
        var spin = default(SpinWait);
        while (true)
        {
            var link = Device.LinkActivity;
            var now = Time.GetUtcNow();
            var waitingForTime = link.ReplyDueAt is { } due && due > now;
            var handled = waitingForTime || (link.ReplyDueAt is null && link.BytesHandled >= _written);
            if (handled && Interlocked.Read(ref _pumped) >= link.BytesSent)
            {
                return waitingForTime ? link.ReplyDueAt : null;
            }

            if (Stopwatch.GetTimestamp() > giveUp)
            {
                throw new TimeoutException($"The simulator did not settle: {link}; the host wrote {_written} and read {Interlocked.Read(ref _pumped)} bytes.");
            }

            if (spin.NextSpinWillYield)
            {
                await Task.Yield();
            }

            spin.SpinOnce();
        }
    }

    /// <summary>Lets virtual time pass with no traffic (the host is idle or deliberately not polling).</summary>
    public void Idle(TimeSpan duration) => Time.Advance(duration);

    /// <summary>Polls every <paramref name="interval"/> until <paramref name="until"/> holds; returns every distinct status seen.</summary>
    public async Task<List<string>> PollUntilAsync(Func<Reply, bool> until, TimeSpan max, TimeSpan? interval = null)
    {
        var seen = new List<string>();
        var end = Time.GetUtcNow() + max;
        while (Time.GetUtcNow() < end)
        {
            var reply = await StatusAsync();
            Assert.NotNull(reply);
            if (seen.Count == 0 || seen[^1] != reply.ToString())
            {
                seen.Add(reply.ToString());
            }

            if (until(reply))
            {
                return seen;
            }

            Idle(interval ?? TimeSpan.FromMilliseconds(100));
        }

        Assert.Fail($"Condition not reached within {max}; statuses seen: {string.Join(" → ", seen)}");
        return seen;
    }

    public Task<List<string>> PollUntilAsync(Id003Status status, TimeSpan max, TimeSpan? interval = null) =>
        PollUntilAsync(r => r.Code == (byte)status, max, interval);

    /// <summary>Runs the reference start-up (fact sheet §2.7) and leaves the acceptor enabled and idle.</summary>
    public async Task StartUpAndEnableAsync()
    {
        Assert.True(Id003Statuses.IsPowerUp((await StatusAsync())!.Code));
        Assert.Equal((byte)Id003Status.Ack, (await SendAsync(Id003Command.Reset))!.Code);
        await PollUntilAsync(r => r.Code is (byte)Id003Status.DisableInhibit or (byte)Id003Status.EnableIdling, TimeSpan.FromSeconds(5));
        await ExpectEchoAsync(Id003Command.SetInhibit, 0x00);
        Assert.Equal(Id003Status.EnableIdling, (Id003Status)(await StatusAsync())!.Code);
    }

    /// <summary>Sends a setting command and asserts the acceptor echoed command and data byte for byte.</summary>
    public async Task ExpectEchoAsync(Id003Command setting, params byte[] data)
    {
        var sent = Id003FrameWriter.ToArray(setting, data);
        var reply = await ExchangeAsync(sent, DefaultReplyTimeout);
        Assert.NotNull(reply);
        Assert.Equal(Convert.ToHexString(sent), Convert.ToHexString(reply.Wire));
    }

    /// <summary>Inserts a note and polls until it is in escrow.</summary>
    public async Task<Reply> InsertToEscrowAsync(long value)
    {
        Assert.True(Device.InsertNote(value).Taken);
        await PollUntilAsync(Id003Status.Escrow, TimeSpan.FromSeconds(5));
        return (await StatusAsync())!;
    }

    /// <summary>Inserts a note, stacks it and polls until VEND VALID (not yet acknowledged).</summary>
    public async Task StackToVendValidAsync(long value, Id003Command stack = Id003Command.Stack2)
    {
        await InsertToEscrowAsync(value);
        Assert.Equal("ACK", (await SendAsync(stack))!.Name);
        await PollUntilAsync(Id003Status.VendValid, TimeSpan.FromSeconds(3));
    }

    private async Task PumpAsync()
    {
        var buffer = new byte[256];
        try
        {
            while (true)
            {
                var n = await _host.ReadAsync(buffer, _stop.Token);
                if (n == 0)
                {
                    return;
                }

                lock (_readerGate)
                {
                    var position = 0;
                    while (true)
                    {
                        var result = _reader.Read(buffer.AsSpan(position, n - position), out var consumed);
                        position += consumed;
                        if (result == Id003ReadResult.NeedMoreData)
                        {
                            break;
                        }

                        Collect(result);
                    }
                }

                Interlocked.Add(ref _pumped, n);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void FlushReader()
    {
        lock (_readerGate)
        {
            for (var result = _reader.Flush(); result != Id003ReadResult.NeedMoreData; result = _reader.Flush())
            {
                Collect(result);
            }
        }
    }

    private void Collect(Id003ReadResult result)
    {
        switch (result)
        {
            case Id003ReadResult.Frame:
                _frames.Enqueue(new Reply(_reader.Code, _reader.Data.ToArray(), _reader.Frame.ToArray()));
                break;
            case Id003ReadResult.CrcError:
                CrcErrors++;
                break;
            default:
                GarbageBytes += _reader.ResultLength;
                break;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Stop both loops first: a read on a disposed pipe would throw instead of ending quietly.
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_device, _pump).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (OperationCanceledException)
        {
        }

        await _host.DisposeAsync();
        await Device.DisposeAsync();
        _stop.Dispose();
    }

    public static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    public static string Compact(JsonNode node) => node.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
}
