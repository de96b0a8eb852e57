namespace SevaKiosk.Protocol.EscPos;

/// <summary>
/// Real-time status <c>DLE EOT n</c> (<c>10 04 n</c>, n = 1..4). The printer answers one byte at once, even off line
/// or with a full receive buffer. Every reply has bit 0 = 0, bit 1 = 1, bit 4 = 1, bit 7 = 0, so all-OK reads 0x12
/// and no reply can be mistaken for XON/XOFF or an ASB byte.
/// </summary>
public static class RealTimeStatus
{
    /// <summary>Fixed bits every DLE EOT reply carries.</summary>
    public const byte FixedBits = 0x12;

    /// <summary>Mask of the fixed bits (7, 4, 1, 0).</summary>
    public const byte FixedMask = 0x93;

    /// <summary>The request bytes for status <paramref name="n"/> (1 printer, 2 off-line cause, 3 error cause, 4 paper).</summary>
    public static byte[] Request(byte n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, (byte)1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(n, (byte)4);
        return [EscPosControl.Dle, EscPosControl.Eot, n];
    }

    /// <summary>True when <paramref name="b"/> has the fixed bits of a DLE EOT reply.</summary>
    public static bool IsReply(byte b) => (b & FixedMask) == FixedBits;
}

/// <summary><c>DLE EOT 1</c>: printer status.</summary>
public readonly record struct PrinterStatusFlags(bool DrawerPinHigh, bool Offline, bool WaitingForOnlineRecovery, bool FeedButtonPressed)
{
    public static PrinterStatusFlags Decode(byte b) =>
        new((b & 0x04) != 0, (b & 0x08) != 0, (b & 0x20) != 0, (b & 0x40) != 0);

    public byte Encode() => (byte)(RealTimeStatus.FixedBits
        | (DrawerPinHigh ? 0x04 : 0) | (Offline ? 0x08 : 0) | (WaitingForOnlineRecovery ? 0x20 : 0) | (FeedButtonPressed ? 0x40 : 0));
}

/// <summary><c>DLE EOT 2</c>: why the printer is off line.</summary>
public readonly record struct OfflineCauseFlags(bool CoverOpen, bool PaperFedByButton, bool PaperEndStop, bool ErrorOccurred)
{
    public static OfflineCauseFlags Decode(byte b) =>
        new((b & 0x04) != 0, (b & 0x08) != 0, (b & 0x20) != 0, (b & 0x40) != 0);

    public byte Encode() => (byte)(RealTimeStatus.FixedBits
        | (CoverOpen ? 0x04 : 0) | (PaperFedByButton ? 0x08 : 0) | (PaperEndStop ? 0x20 : 0) | (ErrorOccurred ? 0x40 : 0));
}

/// <summary><c>DLE EOT 3</c>: which error.</summary>
public readonly record struct ErrorCauseFlags(bool RecoverableError, bool AutoCutterError, bool UnrecoverableError, bool AutoRecoverableError)
{
    public static ErrorCauseFlags Decode(byte b) =>
        new((b & 0x04) != 0, (b & 0x08) != 0, (b & 0x20) != 0, (b & 0x40) != 0);

    public byte Encode() => (byte)(RealTimeStatus.FixedBits
        | (RecoverableError ? 0x04 : 0) | (AutoCutterError ? 0x08 : 0) | (UnrecoverableError ? 0x20 : 0) | (AutoRecoverableError ? 0x40 : 0));
}

/// <summary><c>DLE EOT 4</c>: roll-paper sensors. Near-end is bits 2+3 (0x0C), end is bits 5+6 (0x60).</summary>
public readonly record struct RollPaperFlags(bool NearEnd, bool End)
{
    public static RollPaperFlags Decode(byte b) => new((b & 0x0C) != 0, (b & 0x60) != 0);

    public byte Encode() => (byte)(RealTimeStatus.FixedBits | (NearEnd ? 0x0C : 0) | (End ? 0x60 : 0));
}

/// <summary>
/// Reply to <c>GS r 1</c> (paper sensor): near-end bits 0+1 (0x03), end bits 2+3 (0x0C). Unlike DLE EOT it is queued
/// behind the data, so its arrival also says everything sent before it has been processed.
/// </summary>
public readonly record struct PaperSensorReply(bool NearEnd, bool End)
{
    public static PaperSensorReply Decode(byte b) => new((b & 0x03) != 0, (b & 0x0C) != 0);

    public byte Encode() => (byte)((NearEnd ? 0x03 : 0) | (End ? 0x0C : 0));
}
