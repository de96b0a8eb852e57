using System.Buffers.Binary;
using SevaKiosk.Protocol.Checksums;

namespace SevaKiosk.Protocol.Id003;

/// <summary>
/// Builds ID-003 frames: SYNC (0xFC), LNG (whole frame length), command or status byte, data, then CRC-16/KERMIT over
/// everything before it, low byte first. Nothing is stuffed.
/// </summary>
public static class Id003FrameWriter
{
    /// <summary>Wire length of a frame carrying <paramref name="dataLength"/> data bytes.</summary>
    public static int FrameLength(int dataLength) => Id003Constants.FrameOverhead + dataLength;

    /// <summary>Writes one frame into <paramref name="destination"/> and returns its length.</summary>
    /// <exception cref="ArgumentException">Data longer than 250 bytes, or the destination is too small.</exception>
    public static int Write(byte code, ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (data.Length > Id003Constants.MaxDataLength)
        {
            throw new ArgumentException($"ID-003 data must be at most {Id003Constants.MaxDataLength} bytes, got {data.Length}.", nameof(data));
        }

        var length = FrameLength(data.Length);
        if (destination.Length < length)
        {
            throw new ArgumentException($"Destination holds {destination.Length} bytes; the frame needs {length}.", nameof(destination));
        }

        destination[0] = Id003Constants.Sync;
        destination[1] = (byte)length;
        destination[2] = code;
        data.CopyTo(destination[3..]);
        var crc = Crc16Kermit.Compute(destination[..(length - 2)]);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[(length - 2)..], crc);
        return length;
    }

    /// <summary>Convenience for tests, tools and the simulator: a new array holding the frame.</summary>
    public static byte[] ToArray(byte code, ReadOnlySpan<byte> data = default)
    {
        var frame = new byte[FrameLength(data.Length)];
        Write(code, data, frame);
        return frame;
    }

    /// <summary>A host command frame.</summary>
    public static byte[] ToArray(Id003Command command, ReadOnlySpan<byte> data = default) => ToArray((byte)command, data);

    /// <summary>An acceptor status frame.</summary>
    public static byte[] ToArray(Id003Status status, ReadOnlySpan<byte> data = default) => ToArray((byte)status, data);
}
