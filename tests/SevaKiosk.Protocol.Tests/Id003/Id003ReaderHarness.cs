using SevaKiosk.Protocol.Id003;

namespace SevaKiosk.Protocol.Tests.Id003;

/// <summary>One result of the reader, copied out so that a whole stream can be compared.</summary>
internal sealed record ReadItem(Id003ReadResult Result, long Offset, int Length, string Frame);

/// <summary>Feeds a stream to a reader in chunks, honouring the "call until NeedMoreData" contract, then flushes.</summary>
internal static class Id003ReaderHarness
{
    public static List<ReadItem> ReadAll(byte[] stream, IReadOnlyList<int>? chunkSizes = null, bool flush = true)
    {
        var reader = new Id003FrameReader();
        var items = new List<ReadItem>();
        var offset = 0;
        var chunk = 0;
        while (offset < stream.Length)
        {
            var size = chunkSizes is { Count: > 0 } ? Math.Max(1, chunkSizes[chunk++ % chunkSizes.Count]) : stream.Length;
            var input = stream.AsSpan(offset, Math.Min(size, stream.Length - offset));
            offset += input.Length;
            var position = 0;
            while (true)
            {
                var result = reader.Read(input[position..], out var consumed);
                position += consumed;
                if (result == Id003ReadResult.NeedMoreData)
                {
                    Assert.Equal(input.Length, position);
                    break;
                }

                items.Add(Capture(reader, result));
            }
        }

        if (flush)
        {
            for (var result = reader.Flush(); result != Id003ReadResult.NeedMoreData; result = reader.Flush())
            {
                items.Add(Capture(reader, result));
            }
        }

        return items;
    }

    private static ReadItem Capture(Id003FrameReader reader, Id003ReadResult result) =>
        new(result, reader.ResultOffset, reader.ResultLength, result == Id003ReadResult.Frame ? Hex.Format(reader.Frame) : string.Empty);
}
