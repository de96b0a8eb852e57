using System.Text;

namespace SevaKiosk.Simulator.Devices.CardReaders.Pn532.Cards;

/// <summary>
/// Encodes NFC Forum NDEF messages made of well-known Text records ("T", RTD-Text 1.0) and wraps them in the NDEF
/// Message TLV (type 0x03, then the terminator TLV 0xFE) used by Type 2 tags and the MIFARE Classic mapping.
/// Written from the NFC Forum specifications, independently of the driver's NDEF classes.
/// </summary>
public static class NdefTextMessage
{
    /// <summary>One NDEF message with one UTF-8 text record per element of <paramref name="texts"/>.</summary>
    public static byte[] Encode(IReadOnlyList<string> texts, string language = "en")
    {
        if (texts.Count == 0)
        {
            throw new ArgumentException("An NDEF message needs at least one record.", nameof(texts));
        }

        var message = new List<byte>();
        var lang = Encoding.ASCII.GetBytes(language);
        for (var i = 0; i < texts.Count; i++)
        {
            var text = Encoding.UTF8.GetBytes(texts[i]);
            var payloadLength = 1 + lang.Length + text.Length;
            var shortRecord = payloadLength <= 255;

            // Header: MB on the first record, ME on the last, SR when the payload fits one byte, TNF 1 (well known).
            byte header = 0x01;
            if (i == 0)
            {
                header |= 0x80;
            }

            if (i == texts.Count - 1)
            {
                header |= 0x40;
            }

            if (shortRecord)
            {
                header |= 0x10;
            }

            message.Add(header);
            message.Add(1); // type length
            if (shortRecord)
            {
                message.Add((byte)payloadLength);
            }
            else
            {
                message.Add((byte)(payloadLength >> 24));
                message.Add((byte)(payloadLength >> 16));
                message.Add((byte)(payloadLength >> 8));
                message.Add((byte)payloadLength);
            }

            message.Add((byte)'T');
            message.Add((byte)lang.Length); // status byte: UTF-8 (bit 7 clear), language code length
            message.AddRange(lang);
            message.AddRange(text);
        }

        return [.. message];
    }

    /// <summary>The NDEF Message TLV: 03, length (1 byte, or FF + 2 bytes), message, then the terminator FE.</summary>
    public static byte[] Tlv(byte[] message)
    {
        var tlv = new List<byte> { 0x03 };
        if (message.Length < 0xFF)
        {
            tlv.Add((byte)message.Length);
        }
        else
        {
            tlv.Add(0xFF);
            tlv.Add((byte)(message.Length >> 8));
            tlv.Add((byte)message.Length);
        }

        tlv.AddRange(message);
        tlv.Add(0xFE);
        return [.. tlv];
    }
}
