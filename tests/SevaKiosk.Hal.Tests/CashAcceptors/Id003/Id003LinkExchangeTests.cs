using Microsoft.Extensions.Logging.Abstractions;
using Nerdbank.Streams;
using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.CashAcceptors.Id003;
using SevaKiosk.Hal.Tests.Support;
using SevaKiosk.Protocol.Id003;

namespace SevaKiosk.Hal.Tests.CashAcceptors.Id003;

/// <summary>
/// The link alone against a scripted far end: which received frame is taken as the answer to the command just sent
/// when late replies and an adapter's echo share the line.
/// </summary>
[Collection(VirtualTimeCollection.Name)]
public class Id003LinkExchangeTests
{
    private static readonly byte[] Ack = Id003FrameWriter.ToArray(Id003Status.Ack);
    private static readonly byte[] Escrow100 = Id003FrameWriter.ToArray(Id003Status.Escrow, [0x63]);

    [Fact]
    public async Task A_late_status_crossing_a_retransmitted_stack_is_not_taken_for_its_ack()
    {
        // The first STACK-1 gets no answer in time; the second crosses a late ESCROW meant for an earlier poll.
        await using var line = ScriptedLine.Start(Id003EchoMode.Absent, (frame, count) =>
            frame[2] == (byte)Id003Command.Stack1 && count == 2 ? [Escrow100, Ack] : []);

        var reply = await line.Link.ExchangeAsync(Id003Command.Stack1, CancellationToken.None);

        Assert.Equal((byte)Id003Status.Ack, reply.Code);
        Assert.Equal(1, line.Link.Statistics.Retransmissions);
        Assert.Equal(1, line.Link.Statistics.StaleFrames);
    }

    [Fact]
    public async Task With_echo_absent_a_late_status_with_the_commands_own_bytes_is_dropped_not_taken()
    {
        // POWER UP WITH BILL IN ACCEPTOR has STACK-1's bytes; from an adapter that never echoes it is a late status.
        await using var line = ScriptedLine.Start(Id003EchoMode.Absent, (frame, _) =>
            frame[2] == (byte)Id003Command.Stack1 ? [Id003FrameWriter.ToArray(Id003Status.PowerUpWithBillInAcceptor), Ack] : []);

        var reply = await line.Link.ExchangeAsync(Id003Command.Stack1, CancellationToken.None);

        Assert.Equal((byte)Id003Status.Ack, reply.Code);
        Assert.Equal(1, line.Link.Statistics.StaleFrames);
        Assert.Equal(0, line.Link.Statistics.Retransmissions);
    }

    [Fact]
    public async Task After_the_echo_probe_an_echoed_status_request_whose_reply_was_lost_is_asked_again_not_read_as_enable()
    {
        // An echoing adapter: every frame comes back. The unit answers VERSION REQUEST; its reply to the first STATUS
        // REQUEST is lost on the line, so only the echo (identical to an idle unit's ENABLE) arrives.
        await using var line = ScriptedLine.Start(Id003EchoMode.Auto, (frame, count) => frame[2] switch
        {
            (byte)Id003Command.VersionRequest => [frame, Id003FrameWriter.ToArray(Id003Command.VersionRequest, "i(INR)100-SS ID003-05V100-00 01JAN25"u8)],
            (byte)Id003Command.StatusRequest when count == 1 => [frame],
            _ => [frame, Escrow100],
        });

        await line.Link.ProbeEchoAsync(CancellationToken.None);
        var status = await line.Link.ExchangeAsync(Id003Command.StatusRequest, CancellationToken.None);

        Assert.True(line.Link.AdapterEchoes);
        Assert.Equal((byte)Id003Status.Escrow, status.Code);
        Assert.Equal(1, line.Link.Statistics.Retransmissions);
        Assert.Equal(3, line.Link.Statistics.EchoesSkipped);
    }

    [Fact]
    public async Task A_unit_silent_to_the_echo_probe_costs_one_attempt_and_is_left_to_status_request_to_judge()
    {
        await using var line = ScriptedLine.Start(Id003EchoMode.Auto, (_, _) => []);

        await line.Link.ProbeEchoAsync(CancellationToken.None);

        Assert.Null(line.Link.AdapterEchoes);
        Assert.Equal(0, line.Link.Statistics.Retransmissions);
        await Assert.ThrowsAsync<DeviceLinkException>(() => line.Link.ExchangeAsync(Id003Command.StatusRequest, CancellationToken.None).AsTask());
        Assert.Equal(line.Link.Retries, line.Link.Statistics.Retransmissions);
    }

    /// <summary>
    /// An <see cref="Id003Link"/> on one end of a duplex pipe; the other end answers each frame it receives with the
    /// frames <c>script(frame, how many times that code has been received)</c> returns, written in one go.
    /// </summary>
    private sealed class ScriptedLine : IAsyncDisposable
    {
        private readonly VirtualClock _clock;
        private readonly Stream _far;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _peer;

        private ScriptedLine(VirtualClock clock, Id003Link link, Stream far, Func<byte[], int, byte[][]> script)
        {
            _clock = clock;
            Link = link;
            _far = far;
            _peer = Task.Run(() => AnswerAsync(script));
        }

        public Id003Link Link { get; }

        public static ScriptedLine Start(Id003EchoMode echo, Func<byte[], int, byte[][]> script)
        {
            var clock = new VirtualClock().Start();
            var (near, far) = FullDuplexStream.CreatePair();
            var link = new Id003Link(clock, TimeSpan.FromMilliseconds(150), retries: 3, echo, NullLogger.Instance);
            link.Attach(near);
            return new ScriptedLine(clock, link, far, script);
        }

        public async ValueTask DisposeAsync()
        {
            Link.Dispose();
            await _stop.CancelAsync();
            await _far.DisposeAsync();
            try
            {
                await _peer;
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or IOException)
            {
                // The pipe closed under the peer: the test is over.
            }

            await _clock.DisposeAsync();
            _stop.Dispose();
        }

        private async Task AnswerAsync(Func<byte[], int, byte[][]> script)
        {
            var reader = new Id003FrameReader();
            var buffer = new byte[256];
            var seen = new Dictionary<byte, int>();
            while (!_stop.IsCancellationRequested)
            {
                var n = await _far.ReadAsync(buffer, _stop.Token);
                if (n == 0)
                {
                    return;
                }

                var input = buffer.AsMemory(0, n);
                while (true)
                {
                    var result = reader.Read(input.Span, out var consumed);
                    input = input[consumed..];
                    if (result == Id003ReadResult.NeedMoreData)
                    {
                        break;
                    }

                    if (result != Id003ReadResult.Frame)
                    {
                        continue;
                    }

                    var frame = reader.Frame.ToArray();
                    seen[frame[2]] = seen.GetValueOrDefault(frame[2]) + 1;
                    var answer = script(frame, seen[frame[2]]).SelectMany(f => f).ToArray();
                    if (answer.Length > 0)
                    {
                        await _far.WriteAsync(answer, _stop.Token);
                        await _far.FlushAsync(_stop.Token);
                    }
                }
            }
        }
    }
}
