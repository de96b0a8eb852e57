using SevaKiosk.Protocol.Ssp;

namespace SevaKiosk.Tools.Trace.Ssp;

/// <summary>
/// Decodes SSP/eSSP captures. Each direction is its own byte stream with its own packet reader (a frame may span
/// lines); without direction prefixes everything is one stream and the direction of each frame is inferred. Replies
/// are paired with the command they echo the SEQ/ID of, so poll replies are parsed into events.
/// </summary>
public sealed class SspTraceDecoder : ITraceDecoder
{
    private readonly TraceDecoderOptions _options;

    /// <exception cref="TraceDecoderException">The key is not 32 hex digits.</exception>
    public SspTraceDecoder(TraceDecoderOptions options)
    {
        _options = options;
        if (options.Key is { } key)
        {
            SspConversation.ParseKey(key);
        }
    }

    public string Protocol => "ssp";

    /// <summary>
    /// Decodes the whole capture. Records come back in capture order: a garbage run is only known to have ended when
    /// the next frame in its direction starts, so records are sorted by offset before they are returned.
    /// </summary>
    public IEnumerable<TraceRecord> Decode(IEnumerable<TraceChunk> chunks)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        using var conversation = new SspConversation(_options.Key);
        var streams = new Dictionary<TraceDirection, SspByteStream>();
        var records = new List<TraceRecord>();
        foreach (var chunk in chunks)
        {
            if (!streams.TryGetValue(chunk.Direction, out var stream))
            {
                stream = new SspByteStream(chunk.Direction, conversation);
                streams.Add(chunk.Direction, stream);
            }

            records.AddRange(stream.Feed(chunk));
        }

        foreach (var stream in streams.Values)
        {
            if (stream.Flush() is { } trailing)
            {
                records.Add(trailing);
            }
        }

        return records.OrderBy(r => r.Offset);
    }
}

/// <summary>The bytes of one direction, fed through an <see cref="SspPacketReader"/>, with offsets mapped back to the capture.</summary>
internal sealed class SspByteStream(TraceDirection direction, SspConversation conversation)
{
    private readonly SspPacketReader _reader = new();
    private readonly CaptureBytes _bytes = new();

    public IEnumerable<TraceRecord> Feed(TraceChunk chunk)
    {
        _bytes.Add(chunk);
        var records = new List<TraceRecord>();
        var input = chunk.Bytes.AsSpan();
        while (!input.IsEmpty)
        {
            var result = _reader.Read(input, out var consumed);
            input = input[consumed..];
            if (result != SspReadResult.NeedMoreData)
            {
                records.Add(Record(result));
            }
        }

        return records;
    }

    public TraceRecord? Flush() => _reader.Flush() == SspReadResult.Garbage ? Record(SspReadResult.Garbage) : null;

    private TraceRecord Record(SspReadResult result)
    {
        if (result == SspReadResult.Garbage)
        {
            return _bytes.Garbage(direction, _reader.ResultOffset, _reader.ResultLength);
        }

        var wire = _bytes.Slice(_reader.ResultOffset, _reader.ResultLength);
        var (offset, line) = _bytes.Locate(_reader.ResultOffset);
        return result == SspReadResult.Packet
            ? conversation.Frame(direction, _reader.SeqId, _reader.Data, wire, offset, line)
            : SspConversation.CrcError(direction, _reader, wire, offset, line);
    }
}
