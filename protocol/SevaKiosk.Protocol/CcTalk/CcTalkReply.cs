using System.Text;

namespace SevaKiosk.Protocol.CcTalk;

/// <summary>How a device answered, judged by the reply's header.</summary>
public enum CcTalkReplyKind
{
    /// <summary>Header 0: ACK, with the requested data if any.</summary>
    Ack,

    /// <summary>Header 5: the device refused the command (unknown header, bad data, not possible now).</summary>
    Nak,

    /// <summary>Header 6: the device is busy; ask again later.</summary>
    Busy,

    /// <summary>Any other header in a reply: not a ccTalk reply we understand.</summary>
    Unexpected,
}

/// <summary>Helpers for reply frames and the identification replies every ccTalk device gives.</summary>
public static class CcTalkReply
{
    public static CcTalkReplyKind Classify(byte header) => header switch
    {
        (byte)CcTalkHeader.Ack => CcTalkReplyKind.Ack,
        (byte)CcTalkHeader.Nak => CcTalkReplyKind.Nak,
        (byte)CcTalkHeader.Busy => CcTalkReplyKind.Busy,
        _ => CcTalkReplyKind.Unexpected,
    };

    /// <summary>Manufacturer id, equipment category, product code, build code and software revision are ASCII.
    /// Trailing NULs and spaces are trimmed; bytes outside printable ASCII become '?', so a trace never breaks.</summary>
    public static string Ascii(ReadOnlySpan<byte> data)
    {
        data = TrimPadding(data);
        var text = new StringBuilder(data.Length);
        foreach (var b in data)
        {
            text.Append(b is >= 0x20 and <= 0x7E ? (char)b : '?');
        }

        return text.ToString();
    }

    /// <summary>Drops the trailing NULs and spaces some devices pad their ASCII replies with.</summary>
    public static ReadOnlySpan<byte> TrimPadding(ReadOnlySpan<byte> data)
    {
        var end = data.Length;
        while (end > 0 && data[end - 1] is 0 or (byte)' ')
        {
            end--;
        }

        return data[..end];
    }

    /// <summary>
    /// REQUEST SERIAL NUMBER reply: binary, least significant byte first, three bytes on most products
    /// (dk.CctalkLib; the byte order is UNCONFIRMED). Up to four bytes are accepted.
    /// </summary>
    public static bool TryParseSerialNumber(ReadOnlySpan<byte> data, out uint serialNumber)
    {
        serialNumber = 0;
        if (data.IsEmpty || data.Length > 4)
        {
            return false;
        }

        for (var i = data.Length - 1; i >= 0; i--)
        {
            serialNumber = (serialNumber << 8) | data[i];
        }

        return true;
    }

    /// <summary>Three-byte serial number, least significant byte first.</summary>
    public static byte[] SerialNumber(uint serialNumber)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(serialNumber, 0xFFFFFFu);
        return [(byte)serialNumber, (byte)(serialNumber >> 8), (byte)(serialNumber >> 16)];
    }

    /// <summary>The equipment category a bill validator reports (ccTalk "Table 1").</summary>
    public const string BillValidatorCategory = "Bill Validator";
}
