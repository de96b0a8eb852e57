namespace SevaKiosk.Simulator.Devices.Printers.EscPos;

/// <summary>
/// The emulated printer's hardware: paper width, an Epson-like receive buffer with XON/XOFF/DTR thresholds, print
/// speed, the roll, and where rendered pages go. Defaults describe an 80 mm kiosk printer.
/// </summary>
public sealed record EscPosPrinterEmulatorOptions
{
    /// <summary>Printable width in dots (576 for 80 mm, 384 for 58 mm).</summary>
    public int WidthDots { get; init; } = 576;

    /// <summary>Dots per millimetre (203 dpi).</summary>
    public int DotsPerMm { get; init; } = 8;

    /// <summary>Line spacing <c>ESC 2</c> and <c>ESC @</c> select, in dots.</summary>
    public byte DefaultLineSpacingDots { get; init; } = 30;

    /// <summary>Receive buffer size. Bytes that arrive when it is full are discarded, as on an Epson TM-T88.</summary>
    public int ReceiveBufferBytes { get; init; } = 4096;

    /// <summary>Buffer-full (XOFF sent, DTR busy) when free space falls to this many bytes or fewer.</summary>
    public int BusyAtFreeBytes { get; init; } = 512;

    /// <summary>Buffer-full ends (XON sent, DTR ready) when free space is back to at least this many bytes.</summary>
    public int ReadyAtFreeBytes { get; init; } = 1024;

    /// <summary>Whether the printer sends XON/XOFF (DIP switch: XON/XOFF handshake).</summary>
    public bool SendsXonXoff { get; init; } = true;

    /// <summary>Whether off-line states (cover open, paper end, error) also signal busy (DIP SW 2-1 off).</summary>
    public bool BusyWhenOffline { get; init; } = true;

    /// <summary>Whether the printer implements Automatic Status Back (<c>GS a</c>).</summary>
    public bool SupportsAutomaticStatusBack { get; init; } = true;

    /// <summary>Paper speed while printing, in mm/s: the rate at which the receive buffer drains.</summary>
    public double PrintSpeedMmPerSecond { get; init; } = 200;

    /// <summary>Length of a fresh roll in millimetres.</summary>
    public int RollLengthMm { get; init; } = 80_000;

    /// <summary>The near-end sensor trips when this much paper or less is left.</summary>
    public int NearEndRemainingMm { get; init; } = 1_000;

    /// <summary>Where cut pages are written as PNG; null keeps them in memory only.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>Folder with the device font files (default: Debian's DejaVu folder).</summary>
    public string? FontDirectory { get; init; }

    /// <summary>
    /// Keep every cut page in memory (<see cref="EscPosPrinterEmulator.Pages"/>) with the transcript of every line
    /// (<see cref="EscPosPrinterEmulator.TextLines"/>) and every PNG path (<see cref="EscPosPrinterEmulator.PngFiles"/>),
    /// for tests that inspect them. A host that runs for days (the firmware's no-hardware mode) turns it off and takes
    /// each page from <see cref="EscPosPrinterEmulator.PageOutput"/>; the transcript then holds the open page only.
    /// Kept, every receipt would stay resident (about 1 MB of dots and 5 KB of text each).
    /// </summary>
    public bool KeepPages { get; init; } = true;

    /// <summary>Clock for print timing.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(WidthDots, 8);
        ArgumentOutOfRangeException.ThrowIfLessThan(ReceiveBufferBytes, 16);
        if (BusyAtFreeBytes < 0 || ReadyAtFreeBytes <= BusyAtFreeBytes || ReadyAtFreeBytes > ReceiveBufferBytes)
        {
            throw new ArgumentException("Need 0 ≤ BusyAtFreeBytes < ReadyAtFreeBytes ≤ ReceiveBufferBytes.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(PrintSpeedMmPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegative(RollLengthMm);
    }
}
