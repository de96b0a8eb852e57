namespace SevaKiosk.Simulator.Devices.CardReaders.Pn532;

/// <summary>
/// Builds the frames a PN532 sends on its HSU (UART) interface (NXP UM0701-02 §6.2): normal and extended information
/// frames, ACK, NACK and the application-level error frame.
/// </summary>
public static class Pn532Frames
{
    /// <summary>TFI of a frame from the host to the PN532.</summary>
    public const byte HostToPn532 = 0xD4;

    /// <summary>TFI of a frame from the PN532 to the host.</summary>
    public const byte Pn532ToHost = 0xD5;

    /// <summary><c>00 00 FF 00 FF 00</c>: the frame was received correctly.</summary>
    public static ReadOnlySpan<byte> Ack => [0x00, 0x00, 0xFF, 0x00, 0xFF, 0x00];

    /// <summary><c>00 00 FF FF 00 00</c>: please send the last frame again.</summary>
    public static ReadOnlySpan<byte> Nack => [0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00];

    /// <summary><c>00 00 FF 01 FF 7F 81 00</c>: syntax error at the application level (unknown command, bad parameters).</summary>
    public static ReadOnlySpan<byte> SyntaxError => [0x00, 0x00, 0xFF, 0x01, 0xFF, 0x7F, 0x81, 0x00];

    /// <summary>
    /// Encodes an information frame: preamble, start code, LEN + LCS (or the extended form when TFI + data exceed 255
    /// bytes), TFI, data, DCS, postamble. <paramref name="data"/> starts with the command (or response) code.
    /// </summary>
    public static byte[] Information(byte tfi, ReadOnlySpan<byte> data)
    {
        var length = data.Length + 1;
        var extended = length > 255;
        var frame = new byte[(extended ? 10 : 7) + length - 1 + 1];
        var i = 0;
        frame[i++] = 0x00;
        frame[i++] = 0x00;
        frame[i++] = 0xFF;
        if (extended)
        {
            frame[i++] = 0xFF;
            frame[i++] = 0xFF;
            frame[i++] = (byte)(length >> 8);
            frame[i++] = (byte)length;
            frame[i++] = (byte)-(byte)((length >> 8) + length);
        }
        else
        {
            frame[i++] = (byte)length;
            frame[i++] = (byte)-(byte)length;
        }

        frame[i++] = tfi;
        var sum = tfi;
        foreach (var b in data)
        {
            frame[i++] = b;
            sum += b;
        }

        frame[i++] = (byte)-sum;
        frame[i] = 0x00;
        return frame;
    }

    /// <summary>A response frame from the PN532: TFI D5, response code = command code + 1, then <paramref name="payload"/>.</summary>
    public static byte[] Response(byte commandCode, ReadOnlySpan<byte> payload)
    {
        var data = new byte[payload.Length + 1];
        data[0] = (byte)(commandCode + 1);
        payload.CopyTo(data.AsSpan(1));
        return Information(Pn532ToHost, data);
    }
}
