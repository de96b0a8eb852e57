namespace SevaKiosk.Protocol.CcTalk;

/// <summary>Builds ccTalk frames <c>[DEST][LEN][SRC][HEADER][DATA×LEN][CHK]</c> in either checksum mode.</summary>
public static class CcTalkFrameWriter
{
    /// <summary>
    /// Writes one frame into <paramref name="buffer"/> and returns its length. In CRC mode <paramref name="source"/> is
    /// not sent: the SRC slot carries the CRC's low byte.
    /// </summary>
    /// <exception cref="ArgumentException">Data longer than 255 bytes, or the buffer is too small.</exception>
    public static int Write(CcTalkChecksumMode mode, byte destination, byte source, byte header, ReadOnlySpan<byte> data, Span<byte> buffer)
    {
        if (data.Length > CcTalkConstants.MaxDataLength)
        {
            throw new ArgumentException($"ccTalk data must be at most {CcTalkConstants.MaxDataLength} bytes, got {data.Length}.", nameof(data));
        }

        var length = CcTalkConstants.FrameLength(data.Length);
        if (buffer.Length < length)
        {
            throw new ArgumentException($"Buffer holds {buffer.Length} bytes; the frame needs {length}.", nameof(buffer));
        }

        var frame = buffer[..length];
        frame[0] = destination;
        frame[1] = (byte)data.Length;
        frame[2] = source;
        frame[3] = header;
        data.CopyTo(frame[4..]);
        CcTalkChecksum.Seal(mode, frame);
        return length;
    }

    public static int Write(CcTalkChecksumMode mode, byte destination, byte source, CcTalkHeader header, ReadOnlySpan<byte> data, Span<byte> buffer) =>
        Write(mode, destination, source, (byte)header, data, buffer);

    /// <summary>Convenience for tests and tools: returns a new array holding the frame.</summary>
    public static byte[] ToArray(CcTalkChecksumMode mode, byte destination, byte source, byte header, ReadOnlySpan<byte> data = default)
    {
        var frame = new byte[CcTalkConstants.FrameLength(data.Length)];
        Write(mode, destination, source, header, data, frame);
        return frame;
    }

    public static byte[] ToArray(CcTalkChecksumMode mode, byte destination, byte source, CcTalkHeader header, ReadOnlySpan<byte> data = default) =>
        ToArray(mode, destination, source, (byte)header, data);
}
