using System.Buffers.Binary;
using System.Text;

namespace SevaKiosk.Protocol.Ssp;

/// <summary>
/// CHANNEL VALUE REQUEST (0x0E) and CHANNEL SECURITY DATA (0x0F) replies. Channel values are one byte each (to be
/// multiplied by the value multiplier); from protocol 6 the reply also carries each channel's currency and full value
/// (u32 little-endian), the same expanded layout as SETUP REQUEST.
/// </summary>
public static class SspChannelData
{
    /// <summary>Encodes CHANNEL VALUE REQUEST for <paramref name="channels"/> at <paramref name="protocolVersion"/>.</summary>
    public static byte[] EncodeValues(IReadOnlyList<SspChannel> channels, int valueMultiplier, int protocolVersion)
    {
        var n = channels.Count;
        var expanded = protocolVersion >= 6;
        var reply = new byte[2 + n + (expanded ? 7 * n : 0)];
        reply[0] = (byte)SspGenericResponse.Ok;
        reply[1] = (byte)n;
        for (var i = 0; i < n; i++)
        {
            var value = channels[i].Value;
            reply[2 + i] = valueMultiplier > 0 && value / valueMultiplier <= 255 ? (byte)(value / valueMultiplier) : (byte)0;
            if (expanded)
            {
                Encoding.ASCII.GetBytes(channels[i].Currency.AsSpan(0, 3), reply.AsSpan(2 + n + (3 * i), 3));
                BinaryPrimitives.WriteUInt32LittleEndian(reply.AsSpan(2 + (4 * n) + (4 * i), 4), (uint)value);
            }
        }

        return reply;
    }

    /// <summary>
    /// Decodes CHANNEL VALUE REQUEST. Below protocol 6 only the one-byte values exist: they are multiplied by
    /// <paramref name="valueMultiplier"/> (from SETUP REQUEST or UNIT DATA) and take <paramref name="country"/>.
    /// </summary>
    public static IReadOnlyList<SspChannel> ParseValues(ReadOnlySpan<byte> reply, int protocolVersion, int valueMultiplier, string country)
    {
        SspDecodeException.ThrowIfNotOk(reply, "CHANNEL_VALUE_REQUEST");
        var n = Count(reply, "CHANNEL_VALUE_REQUEST", 1);
        var expanded = protocolVersion >= 6;
        Require(reply, 2 + n + (expanded ? 7 * n : 0), "CHANNEL_VALUE_REQUEST");
        var channels = new SspChannel[n];
        for (var i = 0; i < n; i++)
        {
            channels[i] = expanded
                ? new SspChannel(
                    i + 1,
                    BinaryPrimitives.ReadUInt32LittleEndian(reply.Slice(2 + (4 * n) + (4 * i), 4)),
                    Encoding.ASCII.GetString(reply.Slice(2 + n + (3 * i), 3)),
                    0)
                : new SspChannel(i + 1, (long)reply[2 + i] * Math.Max(valueMultiplier, 1), country, 0);
        }

        return channels;
    }

    /// <summary>Encodes CHANNEL SECURITY DATA: a count, then one level per channel (1 low .. 3 high, 4 inhibited).</summary>
    public static byte[] EncodeSecurity(IReadOnlyList<SspChannel> channels)
    {
        var reply = new byte[2 + channels.Count];
        reply[0] = (byte)SspGenericResponse.Ok;
        reply[1] = (byte)channels.Count;
        for (var i = 0; i < channels.Count; i++)
        {
            reply[2 + i] = channels[i].Security;
        }

        return reply;
    }

    /// <summary>Decodes CHANNEL SECURITY DATA into one level per channel (index 0 = channel 1).</summary>
    public static byte[] ParseSecurity(ReadOnlySpan<byte> reply)
    {
        SspDecodeException.ThrowIfNotOk(reply, "CHANNEL_SECURITY_DATA");
        var n = Count(reply, "CHANNEL_SECURITY_DATA", 1);
        Require(reply, 2 + n, "CHANNEL_SECURITY_DATA");
        return reply.Slice(2, n).ToArray();
    }

    private static int Count(ReadOnlySpan<byte> reply, string command, int offset)
    {
        Require(reply, offset + 1, command);
        return reply[offset];
    }

    private static void Require(ReadOnlySpan<byte> reply, int length, string command)
    {
        if (reply.Length < length)
        {
            throw new SspDecodeException($"{command}: reply has {reply.Length} bytes, its channel count needs {length}.");
        }
    }
}
