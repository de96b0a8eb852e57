using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SevaKiosk.Tools.Trace;

/// <summary>Prints trace records: one readable line per frame, or one JSON object per line.</summary>
public static class TraceWriter
{
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Direction(TraceDirection direction) => direction switch
    {
        TraceDirection.Host => "host",
        TraceDirection.Device => "device",
        _ => "unknown",
    };

    public static string Kind(TraceRecordKind kind) => kind switch
    {
        TraceRecordKind.Frame => "frame",
        TraceRecordKind.CrcError => "crc-error",
        _ => "garbage",
    };

    public static string Hex(byte[] bytes) => Convert.ToHexString(bytes).Chunk(2).Aggregate(new StringBuilder(), (sb, pair) => sb.Append(sb.Length > 0 ? " " : "").Append(pair)).ToString();

    public static JsonObject ToJson(TraceRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var json = new JsonObject
        {
            ["offset"] = record.Offset,
            ["dir"] = Direction(record.Direction),
            ["kind"] = Kind(record.Kind),
            ["name"] = record.Name,
            ["hex"] = Hex(record.Bytes),
        };
        if (record.Line is { } line)
        {
            json["line"] = line;
        }

        if (record.Sequence is { } sequence)
        {
            json["seq"] = sequence;
        }

        if (record.Address is { } address)
        {
            json["address"] = address;
        }

        if (record.ReplyTo is { } replyTo)
        {
            json["replyTo"] = replyTo;
        }

        if (record.Retransmit)
        {
            json["retransmit"] = true;
        }

        if (record.Echo)
        {
            json["echo"] = true;
        }

        if (record.Encrypted)
        {
            json["encrypted"] = true;
        }

        if (record.Count is { } count)
        {
            json["count"] = count;
        }

        if (record.Events is { } events)
        {
            json["events"] = new JsonArray([.. events.Select(EventJson)]);
        }

        if (record.Detail is { } detail)
        {
            json["detail"] = detail;
        }

        if (record.Error is { } error)
        {
            json["error"] = error;
        }

        return json;
    }

    public static string ToJsonLine(TraceRecord record) => ToJson(record).ToJsonString(Compact);

    /// <summary>For example <c>000018 &lt; OK READ(3), NOTE_CREDIT(3)  [seq 0, addr 0, reply to POLL]  7F 00 ...</c>.</summary>
    public static string ToText(TraceRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var arrow = record.Direction switch { TraceDirection.Host => '>', TraceDirection.Device => '<', _ => '?' };
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{record.Offset:D6} {arrow} ");
        if (record.Kind == TraceRecordKind.CrcError)
        {
            text.Append("CRC-ERROR ");
        }

        if (record.Events is [var only] && only.Name == record.Name)
        {
            // A reply that is one event (an ID-003 status): ESCROW(102), not ESCROW ESCROW(102).
            text.Append(only);
        }
        else
        {
            text.Append(record.Name);
            if (record.Events is { Count: > 0 } events)
            {
                text.Append(' ').AppendJoin(", ", events);
            }
        }

        if (record.Detail is { } detail)
        {
            text.Append(": ").Append(detail);
        }

        var tags = new List<string>();
        if (record.Sequence is { } sequence)
        {
            tags.Add(string.Create(CultureInfo.InvariantCulture, $"seq {sequence}"));
        }

        if (record.Address is { } address)
        {
            tags.Add(string.Create(CultureInfo.InvariantCulture, $"addr {address}"));
        }

        if (record.Count is { } count)
        {
            tags.Add(string.Create(CultureInfo.InvariantCulture, $"count {count}"));
        }

        if (record.Encrypted)
        {
            tags.Add("encrypted");
        }

        if (record.ReplyTo is { } replyTo)
        {
            tags.Add($"reply to {replyTo}");
        }

        if (record.Retransmit)
        {
            tags.Add("retransmit");
        }

        if (record.Echo)
        {
            tags.Add("echo");
        }

        if (tags.Count > 0)
        {
            text.Append("  [").AppendJoin(", ", tags).Append(']');
        }

        if (record.Error is { } error)
        {
            text.Append("  !! ").Append(error);
        }

        return text.Append("  ").Append(Hex(record.Bytes)).ToString();
    }

    private static JsonObject EventJson(TraceEvent e)
    {
        var json = new JsonObject { ["name"] = e.Name };
        if (e.Channel is { } channel)
        {
            json["channel"] = channel;
        }

        if (e.Data is { } data)
        {
            json["data"] = data;
        }

        return json;
    }
}
