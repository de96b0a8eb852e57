using System.Globalization;
using SevaKiosk.Protocol.CcTalk;

namespace SevaKiosk.Tools.Trace.CcTalk;

/// <summary>
/// What a ccTalk trace decoder remembers between frames: the last host command (to pair replies with it, spot
/// retransmissions and recognise its echo) and the last event counter (to say how many buffered events are new).
/// </summary>
internal sealed class CcTalkConversation(CcTalkChecksumMode mode)
{
    private HostFrame? _lastHost;
    private bool _echoSeen;
    private bool _answered;
    private byte? _lastCounter;
    private bool _counterWrapped;

    public TraceRecord Frame(CcTalkRawResult frame)
    {
        var record = new TraceRecord
        {
            Offset = frame.Offset,
            Line = frame.Line,
            Direction = frame.Direction,
            Kind = TraceRecordKind.Frame,
            Name = CcTalkHeaderNames.Of(frame.Header),
            Bytes = frame.Wire,
        };

        return CcTalkReply.Classify(frame.Header) == CcTalkReplyKind.Unexpected
            ? Command(record, frame)
            : Reply(record with { Direction = TraceDirection.Device }, frame);
    }

    public TraceRecord ChecksumError(CcTalkRawResult frame)
    {
        var width = mode == CcTalkChecksumMode.Simple8 ? "X2" : "X4";
        var isReply = CcTalkReply.Classify(frame.Header) != CcTalkReplyKind.Unexpected;
        return new TraceRecord
        {
            Offset = frame.Offset,
            Line = frame.Line,
            Direction = frame.Direction != TraceDirection.Unknown ? frame.Direction : isReply ? TraceDirection.Device : TraceDirection.Host,
            Kind = TraceRecordKind.CrcError,
            Name = CcTalkHeaderNames.Of(frame.Header),
            Bytes = frame.Wire,
            Address = isReply ? null : frame.Destination,
            Error = string.Create(
                CultureInfo.InvariantCulture,
                $"{(mode == CcTalkChecksumMode.Simple8 ? "checksum" : "CRC")} received 0x{frame.ReceivedChecksum.ToString(width, CultureInfo.InvariantCulture)}, computed 0x{frame.ComputedChecksum.ToString(width, CultureInfo.InvariantCulture)}: content not trusted"),
        };
    }

    private TraceRecord Command(TraceRecord record, CcTalkRawResult frame)
    {
        var same = _lastHost is { } last && last.Wire.AsSpan().SequenceEqual(frame.Wire);
        record = record with { Direction = TraceDirection.Host, Address = frame.Destination, Detail = CcTalkFrameDetails.Command(frame.Header, frame.Data) };
        if (frame.Direction == TraceDirection.Device && same && !_echoSeen)
        {
            // Read back from the shared line by the host: the same transmission, not a new command.
            _echoSeen = true;
            return record with { Echo = true };
        }

        // ccTalk polls are byte-identical: only a repeat that got no reply is a retransmission.
        var retransmit = same && !_answered;
        _lastHost = new HostFrame(frame.Wire, frame.Header, frame.Data.ToArray(), frame.Destination);
        _echoSeen = false;
        _answered = false;
        return record with { Retransmit = retransmit };
    }

    private TraceRecord Reply(TraceRecord record, CcTalkRawResult frame)
    {
        var command = _lastHost;
        _answered = true;
        record = record with
        {
            ReplyTo = command is null ? null : CcTalkHeaderNames.Of(command.Header),
            Address = mode == CcTalkChecksumMode.Simple8 ? frame.Wire[2] : command?.Destination,
        };
        if (command is null || frame.Header != (byte)CcTalkHeader.Ack)
        {
            return record;
        }

        if (command.Header == (byte)CcTalkHeader.ReadBufferedBillEvents)
        {
            return BufferedEvents(record, frame.Data);
        }

        var (detail, error) = CcTalkFrameDetails.Reply(command.Header, command.Data, frame.Data);
        return record with { Detail = detail, Error = error };
    }

    /// <summary>The events of a READ BUFFERED BILL EVENTS reply (newest first), and how many the counter says are new.</summary>
    private TraceRecord BufferedEvents(TraceRecord record, ReadOnlySpan<byte> data)
    {
        Span<CcTalkBillEvent> events = stackalloc CcTalkBillEvent[127];
        if (!CcTalkBufferedEvents.TryParse(data, events, out var counter, out var count))
        {
            return record with { Error = $"{data.Length} data byte(s) are not a counter and event pairs" };
        }

        string detail;
        if (_lastCounter is not { } previous)
        {
            detail = $"counter {counter}: first reading";
        }
        else
        {
            var step = CcTalkEventCounter.Compare(previous, counter, count == 0 ? CcTalkBufferedEvents.StandardDepth : count);
            _counterWrapped |= counter != 0 && counter < previous;
            detail = $"counter {counter}: {step.Describe()}";
        }

        _lastCounter = counter;

        // Slots the counter has not filled since a reset hold [0 0], which would read as MASTER_INHIBIT_ACTIVE.
        var shown = counter == 0 ? 0 : !_counterWrapped && counter < count ? counter : count;
        var list = new TraceEvent[shown];
        for (var i = 0; i < shown; i++)
        {
            var e = events[i];
            list[i] = e.Kind is CcTalkBillEventKind.Credit or CcTalkBillEventKind.Escrow ? new TraceEvent(e.Name, Channel: e.BillType) : new TraceEvent(e.Name);
        }

        return record with { Sequence = counter, Events = list, Detail = detail };
    }

    private sealed record HostFrame(byte[] Wire, byte Header, byte[] Data, byte Destination);
}
