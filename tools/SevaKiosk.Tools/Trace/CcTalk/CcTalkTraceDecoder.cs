using SevaKiosk.Protocol.CcTalk;

namespace SevaKiosk.Tools.Trace.CcTalk;

/// <summary>
/// Decodes ccTalk captures. Nothing on the wire says which checksum mode is in use, so the capture is decoded in both
/// and the mode that finds more valid frames wins. Commands and replies are told apart by their header (replies carry
/// 0 ACK, 5 NAK or 6 BUSY), so captures without direction prefixes decode the same. On the shared ccTalk line the
/// host reads back its own bytes: a host frame in the device-to-host direction that repeats the last command is
/// shown as an echo, not as a reply.
/// </summary>
/// <remarks>
/// ccTalk has no start byte, so after noise the reader may recognise a frame only once later bytes have come in.
/// Frames are therefore collected from every direction first and interpreted in capture order. A checksum failure is
/// reported as a damaged frame only when it is addressed to a station the capture talks to and carries a known header;
/// otherwise it was line noise that merely looked like the start of a frame, and it is garbage.
/// </remarks>
public sealed class CcTalkTraceDecoder : ITraceDecoder
{
    public string Protocol => "cctalk";

    public IEnumerable<TraceRecord> Decode(IEnumerable<TraceChunk> chunks)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        var streams = new Dictionary<TraceDirection, CcTalkByteStream>();
        foreach (var chunk in chunks)
        {
            if (!streams.TryGetValue(chunk.Direction, out var stream))
            {
                stream = new CcTalkByteStream(chunk.Direction);
                streams.Add(chunk.Direction, stream);
            }

            stream.Add(chunk);
        }

        var simple = Read(streams.Values, CcTalkChecksumMode.Simple8);
        var crc = Read(streams.Values, CcTalkChecksumMode.Crc16);
        var (mode, found) = Frames(crc) > Frames(simple) ? (CcTalkChecksumMode.Crc16, crc) : (CcTalkChecksumMode.Simple8, simple);
        return Interpret(found, mode);
    }

    private static int Frames(List<CcTalkRawResult> results) => results.Count(r => r.Kind == TraceRecordKind.Frame);

    /// <summary>
    /// Reads every direction in one checksum mode. First without knowing the stations, to learn them (the
    /// conventional host address 1, destinations of at least two valid frames, and of commands the host sent); then again, rejecting a "valid" frame addressed elsewhere: with an 8-bit sum, one
    /// candidate in 256 that noise starts passes by chance, and a long one would swallow the real frames behind it.
    /// </summary>
    private static List<CcTalkRawResult> Read(IEnumerable<CcTalkByteStream> streams, CcTalkChecksumMode mode)
    {
        var first = streams.SelectMany(s => s.Read(mode, null)).ToList();
        if (mode == CcTalkChecksumMode.Crc16)
        {
            // One candidate in 65,536 passes a CRC by chance: no need to second-guess the frames it finds.
            return [.. first.OrderBy(r => r.Offset)];
        }

        var frames = first.Where(r => r.Kind == TraceRecordKind.Frame).ToList();
        var stations = frames.CountBy(r => r.Destination).Where(p => p.Value >= 2).Select(p => p.Key).ToHashSet();
        stations.Add(CcTalkConstants.HostAddress);

        // A lone command from the host names its device, however many frames noise hid in the first reading.
        stations.UnionWith(frames.Where(r => r.Wire[2] == CcTalkConstants.HostAddress && CcTalkReply.Classify(r.Header) == CcTalkReplyKind.Unexpected).Select(r => r.Destination));
        return [.. streams.SelectMany(s => s.Read(mode, stations)).OrderBy(r => r.Offset)];
    }

    private static List<TraceRecord> Interpret(List<CcTalkRawResult> results, CcTalkChecksumMode mode)
    {
        var stations = results.Where(r => r.Kind == TraceRecordKind.Frame).Select(r => r.Destination).ToHashSet();
        var conversation = new CcTalkConversation(mode);
        var records = new List<TraceRecord>();
        var shown = new Dictionary<TraceDirection, long>();
        foreach (var raw in results)
        {
            // The bytes of a damaged frame are rescanned for a frame inside them; those that held none are already shown.
            var result = raw.Kind == TraceRecordKind.Garbage ? WithoutShown(raw, shown.GetValueOrDefault(raw.Direction)) : raw;
            if (result is null)
            {
                continue;
            }

            var record = result.Kind switch
            {
                TraceRecordKind.Frame => conversation.Frame(result),
                TraceRecordKind.CrcError when stations.Contains(result.Destination) && CcTalkHeaderNames.IsKnown(result.Header) => conversation.ChecksumError(result),
                TraceRecordKind.CrcError => Garbage(result, 1),
                _ => Garbage(result, result.Wire.Length),
            };
            if (record.Kind == TraceRecordKind.CrcError)
            {
                shown[record.Direction] = record.Offset + record.Bytes.Length;
            }

            if (record.Kind == TraceRecordKind.Garbage && records.Count > 0 && records[^1] is { Kind: TraceRecordKind.Garbage } previous
                && previous.Direction == record.Direction && previous.Offset + previous.Bytes.Length == record.Offset)
            {
                records[^1] = CaptureBytes.Garbage(previous.Direction, previous.Offset, previous.Line, [.. previous.Bytes, .. record.Bytes]);
            }
            else
            {
                records.Add(record);
            }
        }

        return records;
    }

    private static CcTalkRawResult? WithoutShown(CcTalkRawResult garbage, long shownUntil)
    {
        var skip = (int)Math.Clamp(shownUntil - garbage.Offset, 0, garbage.Wire.Length);
        return skip == garbage.Wire.Length ? null
            : skip == 0 ? garbage
            : garbage with { Offset = garbage.Offset + skip, Line = garbage.Line, Wire = garbage.Wire[skip..] };
    }

    /// <summary>The first <paramref name="length"/> bytes of a result as garbage (a noise candidate's other bytes are rescanned).</summary>
    private static TraceRecord Garbage(CcTalkRawResult result, int length) => CaptureBytes.Garbage(result.Direction, result.Offset, result.Line, result.Wire[..length]);
}

/// <summary>What the frame reader found, before interpretation: a frame, a checksum failure or garbage, with its place in the capture.</summary>
internal sealed record CcTalkRawResult(
    TraceRecordKind Kind, TraceDirection Direction, long Offset, int? Line, byte[] Wire, ushort ReceivedChecksum, ushort ComputedChecksum)
{
    public byte Destination => Wire[0];

    public byte Header => Wire[3];

    public ReadOnlySpan<byte> Data => Wire.AsSpan(4, Wire[1]);
}

/// <summary>The bytes of one direction of the capture, read with a <see cref="CcTalkFrameReader"/>, offsets mapped back to the capture.</summary>
internal sealed class CcTalkByteStream(TraceDirection direction)
{
    private readonly CaptureBytes _bytes = new();
    private readonly List<byte> _all = [];

    public void Add(TraceChunk chunk)
    {
        _bytes.Add(chunk);
        _all.AddRange(chunk.Bytes);
    }

    /// <summary>Frames, checksum failures and garbage. A frame addressed to none of <paramref name="stations"/> is
    /// taken for noise: its first byte is garbage and reading starts again at the next one.</summary>
    public List<CcTalkRawResult> Read(CcTalkChecksumMode mode, IReadOnlySet<byte>? stations)
    {
        var bytes = _all.ToArray();
        var results = new List<CcTalkRawResult>();
        var start = 0;
        while (start < bytes.Length)
        {
            var restart = ReadFrom(bytes, start, mode, stations, results);
            if (restart < 0)
            {
                break;
            }

            start = restart;
        }

        return results;
    }

    /// <summary>Reads from <paramref name="start"/> to the end; returns where to start again after a frame to no station, or -1.</summary>
    private int ReadFrom(byte[] bytes, int start, CcTalkChecksumMode mode, IReadOnlySet<byte>? stations, List<CcTalkRawResult> results)
    {
        var reader = new CcTalkFrameReader(mode);
        var input = bytes.AsSpan(start);
        var flushing = false;
        while (true)
        {
            // A result can be held after all input was consumed (a frame behind garbage): read until it needs more.
            CcTalkReadResult result;
            if (flushing)
            {
                result = reader.Flush();
            }
            else
            {
                result = reader.Read(input, out var consumed);
                input = input[consumed..];
            }

            if (result == CcTalkReadResult.NeedMoreData)
            {
                if (flushing)
                {
                    return -1;
                }

                flushing = input.IsEmpty;
                continue;
            }

            var position = start + reader.ResultOffset;
            if (result == CcTalkReadResult.Frame && stations is not null && !stations.Contains(reader.Destination))
            {
                results.Add(Raw(CcTalkReadResult.Garbage, position, 1, reader));
                return (int)position + 1;
            }

            results.Add(Raw(result, position, reader.ResultLength, reader));
        }
    }

    private CcTalkRawResult Raw(CcTalkReadResult result, long position, int length, CcTalkFrameReader reader)
    {
        var (offset, line) = _bytes.Locate(position);
        var kind = result switch
        {
            CcTalkReadResult.Frame => TraceRecordKind.Frame,
            CcTalkReadResult.ChecksumError => TraceRecordKind.CrcError,
            _ => TraceRecordKind.Garbage,
        };
        return new CcTalkRawResult(kind, direction, offset, line, _bytes.Slice(position, length), reader.ReceivedChecksum, reader.ComputedChecksum);
    }
}
