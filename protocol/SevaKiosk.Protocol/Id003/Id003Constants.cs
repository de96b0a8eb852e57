namespace SevaKiosk.Protocol.Id003;

/// <summary>Framing constants of JCM ID-003 (fact sheet §2.2).</summary>
public static class Id003Constants
{
    /// <summary>First byte of every frame. There is no byte stuffing, so 0xFC may also occur inside data.</summary>
    public const byte Sync = 0xFC;

    /// <summary>LNG counts the whole frame: SYNC, LNG, command/status, data and both CRC bytes.</summary>
    public const int MinFrameLength = 5;

    /// <summary>LNG is one byte.</summary>
    public const int MaxFrameLength = 255;

    /// <summary>SYNC + LNG + command/status + CRC low + CRC high.</summary>
    public const int FrameOverhead = 5;

    /// <summary>Most data bytes a frame can carry.</summary>
    public const int MaxDataLength = MaxFrameLength - FrameOverhead;

    /// <summary>Escrow code of a bar-code ticket: the ASCII ticket number follows it in the ESCROW data.</summary>
    public const byte TicketEscrowCode = 0x6F;

    /// <summary>
    /// ENQ, the single-byte attention request of the interrupt communication modes (not a frame). The byte value is
    /// UNCONFIRMED (fact sheet §2.3); the kiosk uses polled mode and never expects it.
    /// </summary>
    public const byte Enq = 0x05;
}
