namespace SevaKiosk.Tools.Trace;

/// <summary>
/// The bytes of one direction of a capture, kept with where each chunk came from, so that a decoder's stream
/// positions (a frame reader counts bytes it was fed) map back to capture offsets and hex-trace lines.
/// </summary>
internal sealed class CaptureBytes
{
    private readonly List<byte> _bytes = [];
    private readonly List<(long Position, long Offset, int Line)> _segments = [];

    public void Add(TraceChunk chunk)
    {
        _segments.Add((_bytes.Count, chunk.Offset, chunk.Line));
        _bytes.AddRange(chunk.Bytes);
    }

    /// <summary>The bytes at stream <paramref name="position"/>, as they were on the wire.</summary>
    public byte[] Slice(long position, int length) => _bytes.GetRange((int)position, length).ToArray();

    /// <summary>Capture offset and hex-trace line (null for binary input) of stream <paramref name="position"/>.</summary>
    public (long Offset, int? Line) Locate(long position)
    {
        var index = _segments.FindLastIndex(s => s.Position <= position);
        var segment = _segments[Math.Max(index, 0)];
        return (segment.Offset + (position - segment.Position), segment.Line == 0 ? null : segment.Line);
    }

    /// <summary>A record for the bytes at stream <paramref name="position"/> that belong to no frame.</summary>
    public TraceRecord Garbage(TraceDirection direction, long position, int length)
    {
        var (offset, line) = Locate(position);
        return Garbage(direction, offset, line, Slice(position, length));
    }

    /// <summary>A record for bytes at capture <paramref name="offset"/> that belong to no frame.</summary>
    public static TraceRecord Garbage(TraceDirection direction, long offset, int? line, byte[] bytes) => new()
    {
        Offset = offset,
        Line = line,
        Direction = direction,
        Kind = TraceRecordKind.Garbage,
        Name = "GARBAGE",
        Bytes = bytes,
        Detail = $"{bytes.Length} byte(s) outside any frame",
    };
}
