using SevaKiosk.Protocol.Id003;

namespace SevaKiosk.Tools.Trace.Id003;

/// <summary>
/// Gives every frame of an ID-003 capture its direction and name, in capture order, remembering the command waiting
/// for a reply (to pair replies, spot retransmissions and an adapter's echo) and the currency table once the unit has
/// sent it (so escrow codes read as values).
/// </summary>
/// <remarks>
/// Without direction prefixes, frames alternate: a command, then its reply, except after the host's ACK (the unit
/// never answers it). A frame whose code is no command at all (ESCROW, STACKING ...) can only be the unit's. A frame
/// identical to the command it follows is the adapter's echo when another reply comes after it; otherwise it is the
/// reply itself (an idle unit's ENABLE is byte-identical to STATUS REQUEST, and settings are echoed by the unit). A
/// copy of the host's ACK, which the unit never answers, is always an echo.
/// </remarks>
internal sealed class Id003Conversation
{
    private readonly Dictionary<byte, Id003Denomination> _currency = [];
    private Id003Item? _pending;
    private byte[]? _lastHost;
    private bool _lastHostAnswered = true;
    private bool _justSent;

    public IEnumerable<TraceRecord> Name(IReadOnlyList<Id003Item> items)
    {
        var records = new List<TraceRecord>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var direction = item.Direction == TraceDirection.Unknown && item.Kind != TraceRecordKind.Garbage ? Infer(item) : item.Direction;
            records.Add(item.Kind switch
            {
                TraceRecordKind.Garbage => Record(item, direction, "GARBAGE") with { Detail = $"{item.Bytes.Length} byte(s) outside any frame" },
                TraceRecordKind.CrcError => Garbled(item, direction),
                _ when direction == TraceDirection.Host => Command(item),
                _ => Reply(item, direction, IsEcho(items, i)),
            });
        }

        return records;
    }

    private static string NameOf(TraceDirection direction, byte code) => direction == TraceDirection.Host
        ? Id003Names.Command(code)
        : Id003Names.Status(code);

    private static TraceRecord Record(Id003Item item, TraceDirection direction, string name) => new()
    {
        Offset = item.Offset,
        Line = item.Line,
        Direction = direction,
        Kind = item.Kind,
        Name = name,
        Bytes = item.Bytes,
    };

    /// <summary>A frame that failed its CRC. A garbled reply still ends the wait: the host sends its command again.</summary>
    private TraceRecord Garbled(Id003Item item, TraceDirection direction)
    {
        var command = direction == TraceDirection.Device ? _pending : null;
        if (direction == TraceDirection.Device)
        {
            _pending = null;
            _justSent = false;
        }

        return Record(item, direction, NameOf(direction, item.Code)) with
        {
            ReplyTo = command is null ? null : Id003Names.Command(command.Code),
            Error = item.Error,
        };
    }

    /// <summary>No prefix: a command code is the host's unless it can answer the command still waiting for a reply.</summary>
    private TraceDirection Infer(Id003Item item) =>
        Id003Commands.IsCommand(item.Code) && (_pending is null || !Id003Commands.IsPossibleReply(_pending.Code, item.Code))
            ? TraceDirection.Host
            : TraceDirection.Device;

    /// <summary>
    /// A unit-side frame identical to the host's frame just before it: the adapter's echo when the host expects no
    /// reply (its ACK) or when another reply follows; otherwise the reply itself.
    /// </summary>
    private bool IsEcho(IReadOnlyList<Id003Item> items, int index)
    {
        var item = items[index];
        if (!_justSent || _lastHost is null || !item.Bytes.AsSpan().SequenceEqual(_lastHost))
        {
            return false;
        }

        if (_pending is null)
        {
            return true;
        }

        for (var j = index + 1; j < items.Count; j++)
        {
            var next = items[j];
            if (next.Kind == TraceRecordKind.Garbage)
            {
                continue;
            }

            return next.Direction switch
            {
                TraceDirection.Device => true,
                TraceDirection.Host => false,

                // Unprefixed: only a frame that cannot be a command proves a reply is still to come.
                _ => next.Kind == TraceRecordKind.Frame && !Id003Commands.IsCommand(next.Code),
            };
        }

        return false;
    }

    private TraceRecord Command(Id003Item item)
    {
        var retransmit = !_lastHostAnswered && _lastHost is not null && _lastHost.AsSpan().SequenceEqual(item.Bytes);
        _lastHost = item.Bytes;
        _justSent = true;

        // The host's ACK (after VEND VALID) is the one command the unit never answers.
        var answered = item.Code == (byte)Id003Command.Ack;
        _pending = answered ? null : item;
        _lastHostAnswered = answered;
        return Record(item, TraceDirection.Host, Id003Names.Command(item.Code)) with
        {
            Retransmit = retransmit,
            Detail = Id003FrameDetails.Command(item.Code, item.Data),
        };
    }

    private TraceRecord Reply(Id003Item item, TraceDirection direction, bool echo)
    {
        var command = _pending;
        _justSent = false;
        if (echo)
        {
            return Record(item, direction, "ECHO") with
            {
                ReplyTo = Id003Names.Command(_lastHost![2]),
                Detail = "the adapter's echo of the host's frame, not a reply",
            };
        }

        if (command is not null && !Id003Commands.IsPossibleReply(command.Code, item.Code))
        {
            // A late answer to an earlier command (it missed the host's window and crosses the retransmission).
            return Record(item, direction, Id003Names.Status(item.Code)) with
            {
                Detail = $"cannot answer {Id003Names.Command(command.Code)}: a late reply to an earlier command",
            };
        }

        _pending = null;
        _lastHostAnswered = item.Code != (byte)Id003Status.CommunicationError;
        var name = Id003Names.Status(item.Code);
        var record = Record(item, direction, name) with { ReplyTo = command is null ? null : Id003Names.Command(command.Code) };
        if (command is not null && (Id003Commands.IsSetting(command.Code) || Id003Commands.IsRequest(command.Code)))
        {
            return Answer(record, command, item);
        }

        return record with
        {
            Events = [Id003FrameDetails.StatusEvent(name, item.Code, item.Data)],
            Detail = Id003FrameDetails.Status(item.Code, item.Data, _currency),
        };
    }

    /// <summary>The reply to a setting or a request: an echo to compare, or the data asked for.</summary>
    private TraceRecord Answer(TraceRecord record, Id003Item command, Id003Item reply)
    {
        if (reply.Code == (byte)Id003Status.InvalidCommand || reply.Code == (byte)Id003Status.CommunicationError)
        {
            return record;
        }

        if (Id003Commands.IsSetting(command.Code))
        {
            return reply.Bytes.AsSpan().SequenceEqual(command.Bytes)
                ? record with { Detail = "echo matches the setting" }
                : record with { Error = $"echo differs from the setting sent ({TraceWriter.Hex(command.Bytes)})" };
        }

        try
        {
            var (detail, table) = Id003FrameDetails.Request(reply.Code, reply.Data);
            foreach (var slot in table)
            {
                _currency[slot.EscrowCode] = slot;
            }

            return record with { Detail = detail };
        }
        catch (Id003DecodeException ex)
        {
            return record with { Error = ex.Message };
        }
    }
}
