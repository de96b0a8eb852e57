namespace SevaKiosk.Protocol.EscPos;

/// <summary>
/// Automatic Status Back (<c>GS a n</c>): once enabled the printer sends these 4 bytes at once and again on every change
/// of an enabled item, unasked. <c>ESC @</c> and power cycles turn it off, so it must be re-enabled after each.
/// </summary>
public readonly record struct AutomaticStatus(
    bool DrawerPinHigh,
    bool Offline,
    bool CoverOpen,
    bool PaperFedByButton,
    bool WaitingForOnlineRecovery,
    bool FeedButtonPressed,
    bool RecoverableError,
    bool AutoCutterError,
    bool UnrecoverableError,
    bool AutoRecoverableError,
    bool PaperNearEnd,
    bool PaperEnd)
{
    public const int Length = 4;

    /// <summary>The n of <c>GS a n</c> that reports on-line/off-line, errors and the roll-paper sensor (not the drawer).</summary>
    public const byte EnableOnlineErrorPaper = 0x0E;

    /// <summary>True for a byte that starts an ASB frame (bit pattern 0xx1xx00).</summary>
    public static bool IsFirstByte(byte b) => (b & RealTimeStatus.FixedMask) == 0x10;

    /// <summary>True for a byte that can be byte 2, 3 or 4 of a frame (bit pattern 0xx0xxxx).</summary>
    public static bool IsFollowingByte(byte b) => (b & 0x90) == 0;

    public static AutomaticStatus Decode(ReadOnlySpan<byte> frame)
    {
        if (frame.Length != Length)
        {
            throw new ArgumentException($"An ASB frame is {Length} bytes, got {frame.Length}.", nameof(frame));
        }

        var b1 = frame[0];
        var b2 = frame[1];
        var b3 = frame[2];
        return new AutomaticStatus(
            DrawerPinHigh: (b1 & 0x04) != 0,
            Offline: (b1 & 0x08) != 0,
            CoverOpen: (b1 & 0x20) != 0,
            PaperFedByButton: (b1 & 0x40) != 0,
            WaitingForOnlineRecovery: (b2 & 0x01) != 0,
            FeedButtonPressed: (b2 & 0x02) != 0,
            RecoverableError: (b2 & 0x04) != 0,
            AutoCutterError: (b2 & 0x08) != 0,
            UnrecoverableError: (b2 & 0x20) != 0,
            AutoRecoverableError: (b2 & 0x40) != 0,
            PaperNearEnd: (b3 & 0x03) != 0,
            PaperEnd: (b3 & 0x0C) != 0);
    }

    public byte[] Encode() =>
    [
        (byte)(0x10 | (DrawerPinHigh ? 0x04 : 0) | (Offline ? 0x08 : 0) | (CoverOpen ? 0x20 : 0) | (PaperFedByButton ? 0x40 : 0)),
        (byte)((WaitingForOnlineRecovery ? 0x01 : 0) | (FeedButtonPressed ? 0x02 : 0) | (RecoverableError ? 0x04 : 0)
            | (AutoCutterError ? 0x08 : 0) | (UnrecoverableError ? 0x20 : 0) | (AutoRecoverableError ? 0x40 : 0)),
        (byte)((PaperNearEnd ? 0x03 : 0) | (PaperEnd ? 0x0C : 0)),
        0x00,
    ];
}
