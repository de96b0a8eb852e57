using SevaKiosk.Protocol.Checksums;

namespace SevaKiosk.Protocol.CcTalk;

/// <summary>Computes and checks the protection of a complete frame in either mode. Both writer and reader use this, so
/// the two modes are defined in exactly one place.</summary>
public static class CcTalkChecksum
{
    /// <summary>
    /// Fills the protection bytes of <paramref name="frame"/> (whose DEST, LEN, SRC, HEADER and DATA are written):
    /// the last byte in simple mode; SRC (CRC low) and the last byte (CRC high) in CRC mode.
    /// </summary>
    public static void Seal(CcTalkChecksumMode mode, Span<byte> frame)
    {
        var last = frame.Length - 1;
        if (mode == CcTalkChecksumMode.Simple8)
        {
            frame[last] = Checksum8.TwosComplement(frame[..last]);
            return;
        }

        var crc = Crc(frame);
        frame[2] = (byte)crc;
        frame[last] = (byte)(crc >> 8);
    }

    /// <summary>True when the protection of a complete frame matches. <paramref name="received"/> and
    /// <paramref name="computed"/> are the 8-bit checksum or the 16-bit CRC, for diagnostics.</summary>
    public static bool Verify(CcTalkChecksumMode mode, ReadOnlySpan<byte> frame, out ushort received, out ushort computed)
    {
        var last = frame.Length - 1;
        if (mode == CcTalkChecksumMode.Simple8)
        {
            received = frame[last];
            computed = Checksum8.TwosComplement(frame[..last]);
        }
        else
        {
            received = (ushort)(frame[2] | (frame[last] << 8));
            computed = Crc(frame);
        }

        return received == computed;
    }

    /// <summary>CRC-16/XMODEM over DEST, LEN, HEADER and DATA: the SRC slot and the final byte are not covered.</summary>
    private static ushort Crc(ReadOnlySpan<byte> frame)
    {
        var crc = Crc16Xmodem.Compute(frame[..2]);
        return Crc16Xmodem.Update(crc, frame[3..^1]);
    }
}
