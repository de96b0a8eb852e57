using System.Reflection;
using System.Text;
using BenchmarkDotNet.Attributes;
using SevaKiosk.Hal.CashAcceptors.CcTalk;
using SevaKiosk.Hal.Links;
using SevaKiosk.Protocol.CcTalk;

namespace SevaKiosk.Benchmarks.CcTalk;

/// <summary>
/// The ccTalk driver's steady-state poll cycle: its own <c>PollAsync</c> (READ BUFFERED BILL EVENTS, echo skipped,
/// reply read and checked against the confirmed event window, fault and status bookkeeping) against a device that
/// answers at once from memory, so what is measured is the driver's CPU time and allocations, not the line.
/// Compare the mean with the poll cycle's wire time at 9600 8N1: 5 command bytes (their echo shares the wire) and a
/// 16-byte reply, 21 bytes × 10 bits / 9600 baud = 21.875 ms. Target: under 1 % of that, and 0 B allocated.
/// Run: dotnet run -c Release --project tests/Benchmarks -- --filter '*CcTalkDriver*'
/// </summary>
[MemoryDiagnoser]
public class CcTalkDriverBenchmarks
{
    /// <summary>Wire time of one steady-state poll cycle at 9600 8N1, in nanoseconds (for the ratio).</summary>
    public const double WireTimeNanoseconds = 21 * 10 / 9600.0 * 1e9;

    private CcTalkCashAcceptor _driver = null!;
    private Func<CancellationToken, Task> _poll = null!;

    [Params(CcTalkChecksumMode.Simple8, CcTalkChecksumMode.Crc16)]
    public CcTalkChecksumMode Mode { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var device = new InstantDevice(Mode);
        var options = new CcTalkOptions { ChecksumMode = Mode };
        _driver = new CcTalkCashAcceptor(StreamLinkFactory.Fixed(device), options, TimeProvider.System);

        // The loop's own steps, bound once: connect (identification, bill table, settings, first reading), then poll.
        var connect = Bind<Func<Stream, CancellationToken, Task>>("ConnectAsync");
        _poll = Bind<Func<CancellationToken, Task>>("PollAsync");
        connect(device, CancellationToken.None).GetAwaiter().GetResult();
        _poll(CancellationToken.None).GetAwaiter().GetResult();
    }

    [Benchmark]
    public void PollCycle() => _poll(CancellationToken.None).GetAwaiter().GetResult();

    private T Bind<T>(string name)
        where T : Delegate =>
        typeof(CcTalkCashAcceptor).GetMethod(name, BindingFlags.Instance | BindingFlags.NonPublic)!.CreateDelegate<T>(_driver);

    /// <summary>A validator that answers every command the moment it is written, echo first, with fixed answers.</summary>
    private sealed class InstantDevice(CcTalkChecksumMode mode) : Stream
    {
        private const byte Host = CcTalkConstants.HostAddress;
        private const byte Device = CcTalkConstants.DefaultBillValidatorAddress;
        private readonly byte[] _pending = new byte[1024];
        private readonly byte[] _data = new byte[CcTalkConstants.MaxDataLength];
        private readonly byte[] _inhibits = new byte[2];
        private int _start;
        private int _end;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = Math.Min(buffer.Length, _end - _start);
            _pending.AsSpan(_start, n).CopyTo(buffer.Span);
            _start += n;
            return ValueTask.FromResult(n);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var frame = buffer.Span;
            _start = _end = 0;
            Append(frame);
            var length = Answer(frame[3], frame.Slice(4, frame[1]));
            _end += CcTalkFrameWriter.Write(mode, Host, Device, CcTalkHeader.Ack, _data.AsSpan(0, length), _pending.AsSpan(_end));
            return ValueTask.CompletedTask;
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private void Append(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(_pending.AsSpan(_end));
            _end += bytes.Length;
        }

        private int Answer(byte header, ReadOnlySpan<byte> data)
        {
            switch ((CcTalkHeader)header)
            {
                case CcTalkHeader.ReadBufferedBillEvents:
                    // Counter 2 and the same history every time: the steady state, nothing new.
                    return CcTalkBufferedEvents.Write(2, [CcTalkBillEvent.Credit(6), CcTalkBillEvent.Escrow(6)], _data);
                case CcTalkHeader.RequestManufacturerId:
                    return Text("Bench");
                case CcTalkHeader.RequestEquipmentCategoryId:
                    return Text(CcTalkReply.BillValidatorCategory);
                case CcTalkHeader.RequestProductCode:
                    return Text("BV");
                case CcTalkHeader.RequestSoftwareRevision or CcTalkHeader.RequestBuildCode:
                    return Text("1.0");
                case CcTalkHeader.RequestSerialNumber:
                    return Bytes(CcTalkReply.SerialNumber(1234567));
                case CcTalkHeader.RequestBillId:
                    return data[0] <= 6 ? Bytes(CcTalkBillId.Encode("IN", new[] { 10, 20, 50, 100, 200, 500 }[data[0] - 1])) : Text(CcTalkBillId.Unprogrammed);
                case CcTalkHeader.RequestCountryScalingFactor:
                    return Bytes(new CcTalkScalingFactor(1, 0).ToBytes());
                case CcTalkHeader.ModifyInhibitStatus:
                    data.CopyTo(_inhibits);
                    return 0;
                case CcTalkHeader.RequestInhibitStatus:
                    return Bytes(_inhibits);
                case CcTalkHeader.RequestBillOperatingMode:
                    _data[0] = (byte)(CcTalkBillOperatingMode.UseStacker | CcTalkBillOperatingMode.UseEscrow);
                    return 1;
                default:
                    return 0;
            }
        }

        private int Text(string text) => Encoding.ASCII.GetBytes(text, _data);

        private int Bytes(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(_data);
            return bytes.Length;
        }
    }
}
