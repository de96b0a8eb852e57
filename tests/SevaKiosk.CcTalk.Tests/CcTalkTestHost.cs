using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Nerdbank.Streams;
using SevaKiosk.Protocol.CcTalk;
using SevaKiosk.Simulator.Devices.Validators.CcTalk;

namespace SevaKiosk.CcTalk.Tests;

/// <summary>A reply frame as the host received it.</summary>
internal sealed record CcTalkTestReply(byte Header, byte[] Data, byte? Source)
{
    public bool IsAck => Header == (byte)CcTalkHeader.Ack;

    public string Ascii => CcTalkReply.Ascii(Data);
}

/// <summary>
/// A deliberately tiny ccTalk host for the tests (not a driver): sends one command at a time over an in-process
/// line, skips its own echo with the codec's skipper and reads the reply with the codec's reader. The simulated
/// validator runs on the other end of the line in virtual time.
/// </summary>
internal sealed class CcTalkTestHost : IAsyncDisposable
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(5);
    private readonly Stream _line;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;
    private readonly byte[] _buffer = new byte[1024];
    private readonly CcTalkEchoSkipper _echo = new();
    private readonly CcTalkFrameReader _reader;

    public CcTalkTestHost(CcTalkValidatorOptions? options = null)
    {
        Device = new CcTalkValidatorSimulator(options, Time);
        Device.EventOccurred += Events.Enqueue;
        Mode = Device.Options.ChecksumMode;
        _reader = new CcTalkFrameReader(Mode, destination: Device.Options.HostAddress);
        var (host, device) = FullDuplexStream.CreatePair();
        _line = host;
        _serving = Task.Run(() => Device.RunAsync(device, _stop.Token));
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 1, 1, 9, 0, 0, TimeSpan.Zero));

    public CcTalkValidatorSimulator Device { get; }

    public CcTalkChecksumMode Mode { get; }

    public ConcurrentQueue<JsonObject> Events { get; } = new();

    /// <summary>Whether the host expects its own bytes back before the reply.</summary>
    public bool ExpectEcho { get; set; } = true;

    public CcTalkEventCounterTracker Counter = new(CcTalkBufferedEvents.StandardDepth);

    public int EchoMismatches { get; private set; }

    public int ChecksumErrors { get; private set; }

    public byte[] Frame(byte header, ReadOnlySpan<byte> data = default) =>
        CcTalkFrameWriter.ToArray(Mode, Device.Options.Address, Device.Options.HostAddress, header, data);

    /// <summary>Sends a command and returns the reply, failing the test if none arrives.</summary>
    public async Task<CcTalkTestReply> RequestAsync(CcTalkHeader header, params byte[] data) =>
        await ExchangeAsync((byte)header, data, ReplyTimeout) ?? throw new TimeoutException($"no reply to {CcTalkHeaderNames.Of(header)}");

    /// <summary>Sends a command, expects ACK, returns its data.</summary>
    public async Task<byte[]> AckAsync(CcTalkHeader header, params byte[] data)
    {
        var reply = await RequestAsync(header, data);
        Assert.True(reply.IsAck, $"{CcTalkHeaderNames.Of(header)} answered {CcTalkHeaderNames.Of(reply.Header)}");
        return reply.Data;
    }

    /// <summary>One exchange: write, skip the echo, read one frame to the host. Null when the timeout passes first.</summary>
    public async Task<CcTalkTestReply?> ExchangeAsync(byte header, byte[] data, TimeSpan timeout)
    {
        var frame = Frame(header, data);
        _reader.Reset();
        if (ExpectEcho)
        {
            _echo.Expect(frame);
        }

        await _line.WriteAsync(frame);
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            int n;
            try
            {
                n = await _line.ReadAsync(_buffer, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                return FlushForFrame();
            }

            var offset = 0;
            var echo = _echo.Skip(_buffer.AsSpan(0, n), out offset);
            if (echo == CcTalkEchoResult.NeedMoreData)
            {
                continue;
            }

            if (echo == CcTalkEchoResult.Mismatch)
            {
                EchoMismatches++;
            }

            CcTalkReadResult result;
            do
            {
                result = _reader.Read(_buffer.AsSpan(offset, n - offset), out var consumed);
                offset += consumed;
                if (result == CcTalkReadResult.ChecksumError)
                {
                    ChecksumErrors++;
                }
                else if (result == CcTalkReadResult.Frame)
                {
                    return new CcTalkTestReply(_reader.Header, _reader.Data.ToArray(), _reader.Source);
                }
            }
            while (result != CcTalkReadResult.NeedMoreData);
        }
    }

    /// <summary>Reads exactly <paramref name="count"/> raw bytes from the line.</summary>
    public async Task<byte[]> ReadRawAsync(int count)
    {
        using var deadline = new CancellationTokenSource(ReplyTimeout);
        var bytes = new byte[count];
        await _line.ReadExactlyAsync(bytes, deadline.Token);
        return bytes;
    }

    public async Task WriteRawAsync(byte[] bytes) => await _line.WriteAsync(bytes);

    /// <summary>READ BUFFERED BILL EVENTS: the counter step and the new events, oldest first.</summary>
    public async Task<(CcTalkCounterStep Step, CcTalkBillEvent[] NewEvents)> PollEventsAsync()
    {
        var data = await AckAsync(CcTalkHeader.ReadBufferedBillEvents);
        var events = new CcTalkBillEvent[CcTalkBufferedEvents.StandardDepth];
        Assert.True(CcTalkBufferedEvents.TryParse(data, events, out var counter, out var count));
        Assert.Equal(CcTalkBufferedEvents.StandardDepth, count);
        var step = Counter.Observe(counter);
        var fresh = step.Outcome is CcTalkCounterOutcome.NewEvents or CcTalkCounterOutcome.EventsLost ? step.NewEvents : 0;
        return (step, [.. events.Take(fresh).Reverse()]);
    }

    /// <summary>Master inhibit off, every bill type enabled, the chosen escrow mode; takes the first counter reading.</summary>
    public async Task StartAcceptingAsync(bool escrow)
    {
        var mode = CcTalkBillOperatingMode.UseStacker | (escrow ? CcTalkBillOperatingMode.UseEscrow : CcTalkBillOperatingMode.None);
        await AckAsync(CcTalkHeader.ModifyBillOperatingMode, (byte)mode);
        await AckAsync(CcTalkHeader.ModifyInhibitStatus, CcTalkInhibitMask.FromEnabled(Enumerable.Range(1, 16)).ToBytes());
        await AckAsync(CcTalkHeader.ModifyMasterInhibitStatus, CcTalkMasterInhibit.Encode(true));
        await PollEventsAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _serving;
        }
        catch (OperationCanceledException)
        {
            // Normal shutdown.
        }

        await Device.DisposeAsync();
        await _line.DisposeAsync();
        _stop.Dispose();
    }

    private CcTalkTestReply? FlushForFrame()
    {
        CcTalkReadResult result;
        while ((result = _reader.Flush()) != CcTalkReadResult.NeedMoreData)
        {
            if (result == CcTalkReadResult.Frame)
            {
                return new CcTalkTestReply(_reader.Header, _reader.Data.ToArray(), _reader.Source);
            }
        }

        return null;
    }
}
