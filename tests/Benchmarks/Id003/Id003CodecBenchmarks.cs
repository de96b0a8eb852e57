using BenchmarkDotNet.Attributes;
using SevaKiosk.Protocol.Id003;

namespace SevaKiosk.Benchmarks.Id003;

/// <summary>
/// One ID-003 poll cycle as a driver runs it: write STATUS REQUEST, read a reply. Target: no allocation and well
/// under the 5.2 ms a 5-byte frame takes on the wire at 9600 8E1.
/// </summary>
[MemoryDiagnoser]
public class Id003CodecBenchmarks
{
    private readonly byte[] _command = new byte[Id003Constants.MaxFrameLength];
    private readonly byte[] _escrow = Id003FrameWriter.ToArray(Id003Status.Escrow, [0x66]);
    private readonly byte[] _noisy = [0x00, 0xFC, 0x09, 0x11, 0x27, 0x56, 0xFC, 0x05, 0x11, 0x27, 0x56];
    private readonly Id003FrameReader _reader = new();

    [Benchmark]
    public int PollCycle()
    {
        var n = Id003FrameWriter.Write((byte)Id003Command.StatusRequest, default, _command);
        var result = _reader.Read(_escrow, out _);
        return n + (result == Id003ReadResult.Frame ? _reader.Data[0] : 0);
    }

    [Benchmark]
    public int ResyncAfterGarbageAndCrcError()
    {
        var frames = 0;
        var input = _noisy.AsSpan();
        while (true)
        {
            var result = _reader.Read(input, out var consumed);
            input = input[consumed..];
            if (result == Id003ReadResult.NeedMoreData)
            {
                return frames;
            }

            frames += result == Id003ReadResult.Frame ? 1 : 0;
        }
    }
}
