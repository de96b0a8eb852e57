namespace SevaKiosk.Protocol.EscPos;

/// <summary>What one byte from the printer turned out to be.</summary>
public enum EscPosReplyKind
{
    /// <summary>Nothing complete yet (a byte inside an ASB frame).</summary>
    None,

    /// <summary>XON: the printer can take data again.</summary>
    Xon,

    /// <summary>XOFF: stop sending (buffer nearly full or off line).</summary>
    Xoff,

    /// <summary>A <c>DLE EOT n</c> reply (pattern 0xx1xx10); which n is known only to the side that asked.</summary>
    RealTimeStatus,

    /// <summary>A complete 4-byte Automatic Status Back frame.</summary>
    AutomaticStatus,

    /// <summary>A reply to a queued request such as <c>GS r</c> or <c>GS I</c> (pattern 0xx0xxxx).</summary>
    QueuedReply,

    /// <summary>A byte that fits no pattern, or an ASB frame cut short by a new one.</summary>
    Noise,
}

public readonly record struct EscPosReply(EscPosReplyKind Kind, byte Value, AutomaticStatus Status = default);

/// <summary>
/// Sorts the bytes a printer sends into XON/XOFF, real-time replies, ASB frames and queued replies, by the bit
/// patterns of the Citizen/Epson "identification of send status" scheme. Feeds one byte at a time and never throws;
/// a real-time reply arriving inside an ASB frame is reported and the frame continues (bit 4 tells them apart).
/// </summary>
public sealed class EscPosReplyReader
{
    private readonly byte[] _frame = new byte[AutomaticStatus.Length];
    private int _frameLength;

    /// <summary>True while an ASB frame has started and is not complete.</summary>
    public bool InFrame => _frameLength > 0;

    public EscPosReply Read(byte b)
    {
        if (b == EscPosControl.Xon)
        {
            return new EscPosReply(EscPosReplyKind.Xon, b);
        }

        if (b == EscPosControl.Xoff)
        {
            return new EscPosReply(EscPosReplyKind.Xoff, b);
        }

        if (RealTimeStatus.IsReply(b))
        {
            return new EscPosReply(EscPosReplyKind.RealTimeStatus, b);
        }

        if (AutomaticStatus.IsFirstByte(b))
        {
            var truncated = _frameLength > 0;
            _frame[0] = b;
            _frameLength = 1;
            return truncated ? new EscPosReply(EscPosReplyKind.Noise, b) : default;
        }

        if (AutomaticStatus.IsFollowingByte(b))
        {
            if (_frameLength == 0)
            {
                return new EscPosReply(EscPosReplyKind.QueuedReply, b);
            }

            _frame[_frameLength++] = b;
            if (_frameLength < AutomaticStatus.Length)
            {
                return default;
            }

            _frameLength = 0;
            return new EscPosReply(EscPosReplyKind.AutomaticStatus, b, AutomaticStatus.Decode(_frame));
        }

        return new EscPosReply(EscPosReplyKind.Noise, b);
    }

    public void Reset() => _frameLength = 0;
}
