namespace SevaKiosk.Protocol.CcTalk;

/// <summary>Framing constants and conventional addresses of ccTalk.</summary>
public static class CcTalkConstants
{
    /// <summary>LEN counts data bytes only, so 255 is the most a frame can carry.</summary>
    public const int MaxDataLength = 255;

    /// <summary>DEST, LEN, SRC (or CRC low), HEADER and the checksum (or CRC high) around the data.</summary>
    public const int Overhead = 5;

    /// <summary>Longest frame on the wire.</summary>
    public const int MaxFrameLength = MaxDataLength + Overhead;

    /// <summary>The host (master) address by convention.</summary>
    public const byte HostAddress = 1;

    /// <summary>Bill validators are commonly at 40 (0x28). UNCONFIRMED as the specification's default: configurable.</summary>
    public const byte DefaultBillValidatorAddress = 40;

    /// <summary>Length on the wire of a frame carrying <paramref name="dataLength"/> data bytes.</summary>
    public static int FrameLength(int dataLength) => dataLength + Overhead;
}

/// <summary>How a frame is protected. The mode is a device setting; nothing on the wire says which one is in use.</summary>
public enum CcTalkChecksumMode
{
    /// <summary>One byte that makes the sum of every byte of the frame zero modulo 256; SRC carries the sender's address.</summary>
    Simple8,

    /// <summary>CRC-16/XMODEM over DEST, LEN, HEADER and DATA; its low byte replaces SRC and its high byte the checksum, so
    /// the frame carries no source address.</summary>
    Crc16,
}
