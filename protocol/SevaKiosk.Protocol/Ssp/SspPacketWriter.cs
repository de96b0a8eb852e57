using System.Buffers.Binary;
using SevaKiosk.Protocol.Checksums;

namespace SevaKiosk.Protocol.Ssp;

/// <summary>
/// Builds SSP packets: STX, SEQ/ID, LEN, DATA, CRC-16/CMS (low byte first, computed before stuffing), then doubles
/// every 0x7F after the STX.
/// </summary>
public static class SspPacketWriter
{
    /// <summary>Writes one stuffed packet into <paramref name="destination"/> and returns its length on the wire.</summary>
    /// <exception cref="ArgumentException">Data is empty, longer than 255 bytes, or the destination is too small.</exception>
    public static int Write(byte seqId, ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (data.IsEmpty || data.Length > SspConstants.MaxDataLength)
        {
            throw new ArgumentException($"SSP data must be 1..{SspConstants.MaxDataLength} bytes, got {data.Length}.", nameof(data));
        }

        Span<byte> header = [seqId, (byte)data.Length];
        var crc = Crc16Cms.Update(Crc16Cms.Compute(header), data);
        Span<byte> crcBytes = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(crcBytes, crc);

        var needed = 1 + StuffedLength(header) + StuffedLength(data) + StuffedLength(crcBytes);
        if (destination.Length < needed)
        {
            throw new ArgumentException($"Destination holds {destination.Length} bytes; the packet needs {needed}.", nameof(destination));
        }

        destination[0] = SspConstants.Stx;
        var written = 1;
        written += Stuff(header, destination[written..]);
        written += Stuff(data, destination[written..]);
        written += Stuff(crcBytes, destination[written..]);
        return written;
    }

    /// <summary>Convenience for tests and tools: returns a new array holding the stuffed packet.</summary>
    public static byte[] ToArray(byte seqId, ReadOnlySpan<byte> data)
    {
        Span<byte> buffer = stackalloc byte[SspConstants.MaxWireLength];
        var n = Write(seqId, data, buffer);
        return buffer[..n].ToArray();
    }

    private static int StuffedLength(ReadOnlySpan<byte> bytes) => bytes.Length + bytes.Count(SspConstants.Stx);

    private static int Stuff(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        var n = 0;
        foreach (var b in source)
        {
            destination[n++] = b;
            if (b == SspConstants.Stx)
            {
                destination[n++] = SspConstants.Stx;
            }
        }

        return n;
    }
}
