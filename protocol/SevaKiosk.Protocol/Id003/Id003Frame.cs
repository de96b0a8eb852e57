using System.Buffers.Binary;
using SevaKiosk.Protocol.Checksums;

namespace SevaKiosk.Protocol.Id003;

/// <summary>Checks a buffer that should hold exactly one frame (a captured reply, a test vector).</summary>
public static class Id003Frame
{
    /// <summary>
    /// True when <paramref name="frame"/> is exactly one ID-003 frame: SYNC, LNG equal to its length, good CRC.
    /// <paramref name="data"/> then points into <paramref name="frame"/>.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> frame, out byte code, out ReadOnlySpan<byte> data)
    {
        code = 0;
        data = default;
        if (frame.Length < Id003Constants.MinFrameLength || frame[0] != Id003Constants.Sync || frame[1] != frame.Length)
        {
            return false;
        }

        var crc = BinaryPrimitives.ReadUInt16LittleEndian(frame[^2..]);
        if (crc != Crc16Kermit.Compute(frame[..^2]))
        {
            return false;
        }

        code = frame[2];
        data = frame[3..^2];
        return true;
    }
}
