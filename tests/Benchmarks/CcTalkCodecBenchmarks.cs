using BenchmarkDotNet.Attributes;
using SevaKiosk.Protocol.CcTalk;

namespace SevaKiosk.Benchmarks;

/// <summary>
/// One ccTalk poll cycle as the host does it: build READ BUFFERED BILL EVENTS, skip its echo, read the 16-byte reply,
/// split it into events and compare the counter. Must not allocate.
/// Run: dotnet run -c Release --project tests/Benchmarks -- --filter '*CcTalk*'
/// </summary>
[MemoryDiagnoser]
public class CcTalkCodecBenchmarks
{
    private readonly byte[] _command = new byte[CcTalkConstants.MaxFrameLength];
    private readonly CcTalkBillEvent[] _events = new CcTalkBillEvent[CcTalkBufferedEvents.StandardDepth];
    private readonly CcTalkEchoSkipper _echo = new();
    private byte[] _line = [];
    private CcTalkFrameReader _reader = null!;

    [Params(CcTalkChecksumMode.Simple8, CcTalkChecksumMode.Crc16)]
    public CcTalkChecksumMode Mode { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _reader = new CcTalkFrameReader(Mode, destination: 1);
        var poll = CcTalkFrameWriter.ToArray(Mode, 40, 1, CcTalkHeader.ReadBufferedBillEvents);
        var reply = CcTalkFrameWriter.ToArray(Mode, 1, 40, CcTalkHeader.Ack, [0x03, 0x06, 0x00, 0x06, 0x01, 0x00, 0x0A, 0x00, 0x00, 0x00, 0x00]);
        _line = [.. poll, .. reply];
    }

    [Benchmark]
    public int PollCycle()
    {
        var length = CcTalkFrameWriter.Write(Mode, 40, 1, CcTalkHeader.ReadBufferedBillEvents, default, _command);
        _echo.Expect(_command.AsSpan(0, length));
        _echo.Skip(_line, out var offset);
        _reader.Reset();
        if (_reader.Read(_line.AsSpan(offset), out _) != CcTalkReadResult.Frame)
        {
            throw new InvalidOperationException("no frame");
        }

        CcTalkBufferedEvents.TryParse(_reader.Data, _events, out var counter, out _);
        return CcTalkEventCounter.Compare(2, counter).NewEvents;
    }
}
