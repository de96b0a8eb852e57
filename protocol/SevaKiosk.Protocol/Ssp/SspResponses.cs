using System.Buffers.Binary;
using System.Text;

namespace SevaKiosk.Protocol.Ssp;

/// <summary>Lifetime counters from GET COUNTERS (0x58): five u32 little-endian values.</summary>
public readonly record struct SspCounters(uint Stacked, uint Stored, uint Dispensed, uint TransferredToStack, uint Rejected);

/// <summary>Decoders and encoders for the fixed-layout SSP replies.</summary>
public static class SspResponses
{
    /// <summary>GET SERIAL NUMBER: OK + u32 big-endian.</summary>
    public static uint ParseSerialNumber(ReadOnlySpan<byte> reply)
    {
        RequireOk(reply, 5, "GET_SERIAL_NUMBER");
        return BinaryPrimitives.ReadUInt32BigEndian(reply.Slice(1, 4));
    }

    /// <summary>GET COUNTERS: OK + (optional count byte on some firmware) + 5 x u32 little-endian.</summary>
    public static SspCounters ParseCounters(ReadOnlySpan<byte> reply)
    {
        RequireOk(reply, 21, "GET_COUNTERS");

        // Some firmware prefixes the counter count (5); accept both layouts.
        var d = reply.Length >= 22 && reply[1] == 5 ? reply[2..] : reply[1..];
        return new SspCounters(
            BinaryPrimitives.ReadUInt32LittleEndian(d[..4]),
            BinaryPrimitives.ReadUInt32LittleEndian(d.Slice(4, 4)),
            BinaryPrimitives.ReadUInt32LittleEndian(d.Slice(8, 4)),
            BinaryPrimitives.ReadUInt32LittleEndian(d.Slice(12, 4)),
            BinaryPrimitives.ReadUInt32LittleEndian(d.Slice(16, 4)));
    }

    /// <summary>LAST REJECT CODE: OK + reason byte.</summary>
    public static byte ParseLastRejectCode(ReadOnlySpan<byte> reply)
    {
        RequireOk(reply, 2, "LAST_REJECT_CODE");
        return reply[1];
    }

    /// <summary>GET FIRMWARE VERSION / GET DATASET VERSION: OK + ASCII.</summary>
    public static string ParseAscii(ReadOnlySpan<byte> reply, string command)
    {
        RequireOk(reply, 1, command);
        return Encoding.ASCII.GetString(reply[1..]).TrimEnd('\0', ' ');
    }

    /// <summary>REQUEST KEY EXCHANGE: OK + slave inter-key u64 little-endian.</summary>
    public static ulong ParseKeyExchange(ReadOnlySpan<byte> reply)
    {
        RequireOk(reply, 9, "REQUEST_KEY_EXCHANGE");
        return BinaryPrimitives.ReadUInt64LittleEndian(reply.Slice(1, 8));
    }

    public static byte[] EncodeSerialNumber(uint serial)
    {
        var reply = new byte[5];
        reply[0] = (byte)SspGenericResponse.Ok;
        BinaryPrimitives.WriteUInt32BigEndian(reply.AsSpan(1), serial);
        return reply;
    }

    public static byte[] EncodeCounters(SspCounters counters)
    {
        var reply = new byte[21];
        reply[0] = (byte)SspGenericResponse.Ok;
        var d = reply.AsSpan(1);
        BinaryPrimitives.WriteUInt32LittleEndian(d[..4], counters.Stacked);
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(4, 4), counters.Stored);
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(8, 4), counters.Dispensed);
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(12, 4), counters.TransferredToStack);
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(16, 4), counters.Rejected);
        return reply;
    }

    public static byte[] EncodeAscii(string text)
    {
        var reply = new byte[1 + Encoding.ASCII.GetByteCount(text)];
        reply[0] = (byte)SspGenericResponse.Ok;
        Encoding.ASCII.GetBytes(text, reply.AsSpan(1));
        return reply;
    }

    public static byte[] EncodeU64(ulong value)
    {
        var reply = new byte[9];
        reply[0] = (byte)SspGenericResponse.Ok;
        BinaryPrimitives.WriteUInt64LittleEndian(reply.AsSpan(1), value);
        return reply;
    }

    private static void RequireOk(ReadOnlySpan<byte> reply, int minimum, string command)
    {
        SspDecodeException.ThrowIfNotOk(reply, command);
        if (reply.Length < minimum)
        {
            throw new SspDecodeException($"{command}: reply has {reply.Length} bytes, expected at least {minimum}.");
        }
    }
}
