using BenchmarkDotNet.Attributes;
using SevaKiosk.Protocol.Ssp;

namespace SevaKiosk.Benchmarks.Ssp;

/// <summary>
/// The steady-state SSP poll cycle at the codec level: writing a POLL packet and reading + parsing a poll reply
/// (a credit and a stacked event). Target: no allocation.
/// </summary>
[MemoryDiagnoser]
public class SspCodecBenchmarks
{
    private static readonly byte[] PollData = [(byte)SspCommand.Poll];
    private readonly byte[] _packet = new byte[SspConstants.MaxWireLength];
    private readonly byte[] _reply = Convert.FromHexString("7F8004F0EE01EBB948");
    private readonly SspPacketReader _reader = new();
    private readonly SspEvent[] _events = new SspEvent[16];

    [Benchmark]
    public int EncodePoll() => SspPacketWriter.Write(0x80, PollData, _packet);

    [Benchmark]
    public int DecodePollReply()
    {
        _reader.Read(_reply, out _);
        return SspPollParser.Parse(_reader.Data, 8, _events).Count;
    }
}
