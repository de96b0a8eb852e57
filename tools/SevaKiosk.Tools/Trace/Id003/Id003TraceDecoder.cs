using SevaKiosk.Protocol.Id003;

namespace SevaKiosk.Tools.Trace.Id003;

/// <summary>
/// Decodes JCM ID-003 captures. Each direction is its own byte stream with its own frame reader (a frame may span
/// lines). ID-003 reuses bytes across directions (<c>FC 05 11 27 56</c> is STATUS REQUEST from the host and ENABLE
/// from the unit), so the direction decides the name: from the <c>&gt;</c>/<c>&lt;</c> prefixes when the capture has
/// them, otherwise by request/response pairing (<see cref="Id003Conversation"/>).
/// </summary>
public sealed class Id003TraceDecoder : ITraceDecoder
{
    /// <exception cref="TraceDecoderException">Options the decoder cannot use (ID-003 has no key).</exception>
    public Id003TraceDecoder(TraceDecoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Key is not null)
        {
            throw new TraceDecoderException("ID-003 is not encrypted: --key does not apply.");
        }
    }

    public string Protocol => "id003";

    public IEnumerable<TraceRecord> Decode(IEnumerable<TraceChunk> chunks)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        var streams = new Dictionary<TraceDirection, Id003ByteStream>();
        var items = new List<Id003Item>();
        foreach (var chunk in chunks)
        {
            if (!streams.TryGetValue(chunk.Direction, out var stream))
            {
                stream = new Id003ByteStream(chunk.Direction);
                streams.Add(chunk.Direction, stream);
            }

            stream.Feed(chunk, items);
        }

        foreach (var stream in streams.Values)
        {
            stream.Flush(items);
        }

        // A garbage run is only known to have ended when the next frame in its direction starts: order by offset.
        items.Sort((a, b) => a.Offset.CompareTo(b.Offset));
        return new Id003Conversation().Name(items);
    }
}

/// <summary>What the reader found, before the conversation gives it a direction and a name.</summary>
internal sealed record Id003Item(long Offset, int? Line, TraceDirection Direction, TraceRecordKind Kind, byte[] Bytes, string? Error)
{
    public byte Code => Bytes.Length > 2 ? Bytes[2] : (byte)0;

    public ReadOnlySpan<byte> Data => Kind == TraceRecordKind.Garbage || Bytes.Length < Id003Constants.FrameOverhead
        ? default
        : Bytes.AsSpan(3, Bytes.Length - Id003Constants.FrameOverhead);
}

/// <summary>The bytes of one direction through an <see cref="Id003FrameReader"/>, with offsets mapped back to the capture.</summary>
internal sealed class Id003ByteStream(TraceDirection direction)
{
    private readonly Id003FrameReader _reader = new();
    private readonly List<byte> _bytes = [];
    private readonly List<(long Position, long Offset, int Line)> _segments = [];

    public void Feed(TraceChunk chunk, List<Id003Item> items)
    {
        _segments.Add((_bytes.Count, chunk.Offset, chunk.Line));
        _bytes.AddRange(chunk.Bytes);
        var input = chunk.Bytes.AsSpan();
        while (true)
        {
            var result = _reader.Read(input, out var consumed);
            input = input[consumed..];
            if (result == Id003ReadResult.NeedMoreData)
            {
                return;
            }

            items.Add(Item(result));
        }
    }

    /// <summary>The end of the capture: a frame cut short is garbage, complete frames held behind it still count.</summary>
    public void Flush(List<Id003Item> items)
    {
        for (var result = _reader.Flush(); result != Id003ReadResult.NeedMoreData; result = _reader.Flush())
        {
            items.Add(Item(result));
        }
    }

    private Id003Item Item(Id003ReadResult result)
    {
        var wire = _bytes.GetRange((int)_reader.ResultOffset, _reader.ResultLength).ToArray();
        var index = _segments.FindLastIndex(s => s.Position <= _reader.ResultOffset);
        var segment = _segments[Math.Max(index, 0)];
        var offset = segment.Offset + (_reader.ResultOffset - segment.Position);
        int? line = segment.Line == 0 ? null : segment.Line;
        return result switch
        {
            Id003ReadResult.Frame => new Id003Item(offset, line, direction, TraceRecordKind.Frame, wire, null),
            Id003ReadResult.CrcError => new Id003Item(offset, line, direction, TraceRecordKind.CrcError, wire,
                $"CRC received 0x{_reader.ReceivedCrc:X4}, computed 0x{_reader.ComputedCrc:X4}: content not trusted"),
            _ => new Id003Item(offset, line, direction, TraceRecordKind.Garbage, wire, null),
        };
    }
}
