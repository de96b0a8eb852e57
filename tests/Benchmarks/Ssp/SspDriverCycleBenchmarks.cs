using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using SevaKiosk.Hal.CashAcceptors.Ssp;
using SevaKiosk.Protocol.Ssp;

namespace SevaKiosk.Benchmarks.Ssp;

/// <summary>
/// Host CPU for one idle poll cycle of the SSP driver's link layer: write the POLL packet, read the reply from the
/// stream, check CRC and sequence, parse the events. The device side is a stream that answers instantly with the
/// reply a disabled NV200 gives (<c>F0 E8</c>), so what is measured is the driver, not a wire.
/// Wire time of the same cycle at 9600 baud 8N2: (6 + 7) bytes × 11 bits / 9600 = 14.9 ms; the 1% budget is 149 µs.
/// </summary>
[MemoryDiagnoser]
public class SspDriverCycleBenchmarks
{
    private static readonly byte[] Poll = [(byte)SspCommand.Poll];
    private readonly SspEvent[] _events = new SspEvent[16];
    private SspLink _link = null!;

    [GlobalSetup]
    public void Setup()
    {
        var device = new InstantReplyStream([0xF0, 0xE8]);
        _link = new SspLink(device, 0, TimeProvider.System, TimeSpan.FromMilliseconds(200), 3, NullLogger.Instance);
    }

    [Benchmark]
    public async Task<int> PollCycle()
    {
        var reply = await _link.ExchangeAsync(Poll, encrypt: false, CancellationToken.None);
        return SspPollParser.Parse(reply.Span, 8, _events).Count;
    }

    /// <summary>Answers every packet written to it with one fixed reply echoing the packet's SEQ/ID.</summary>
    private sealed class InstantReplyStream(byte[] replyData) : Stream
    {
        private readonly byte[] _seq0 = SspPacketWriter.ToArray(0x00, replyData);
        private readonly byte[] _seq1 = SspPacketWriter.ToArray(0x80, replyData);
        private byte[] _pending = [];

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => 0;

        public override long Position { get; set; }

        public override void Write(byte[] buffer, int offset, int count) => _pending = (buffer[offset + 1] & 0x80) != 0 ? _seq1 : _seq0;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _pending = (buffer.Span[1] & 0x80) != 0 ? _seq1 : _seq0;
            return ValueTask.CompletedTask;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _pending.CopyTo(buffer);
            return ValueTask.FromResult(_pending.Length);
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            _pending.CopyTo(buffer, offset);
            return _pending.Length;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => 0;

        public override void SetLength(long value)
        {
        }
    }
}
