using SevaKiosk.Protocol.EscPos;

namespace SevaKiosk.Hal.Printers;

/// <summary>
/// Options of <see cref="EscPosPrinter"/>. Every timeout and interval runs on the injected <see cref="TimeProvider"/>.
/// With the defaults a silent printer is reported offline after at most <see cref="StatusPollInterval"/> +
/// <see cref="ReplyTimeout"/> = 0.75 s.
/// </summary>
public sealed record EscPosPrinterOptions
{
    /// <summary>Device name in faults and telemetry.</summary>
    public string Name { get; init; } = "printer";

    public PrinterProfile Profile { get; init; } = PrinterProfiles.Default;

    public PrinterFlowControl FlowControl { get; init; } = PrinterFlowControl.XonXoff;

    /// <summary>
    /// Line rate in bytes per second that writes are paced to (baud / 10 for 8N1); required for
    /// <see cref="PrinterFlowControl.XonXoff"/>, optional otherwise (null = unpaced).
    /// </summary>
    public int? LineBytesPerSecond { get; init; } = 11_520;

    /// <summary>Largest write between status checks; a chunk ends at a command boundary.</summary>
    public int ChunkBytes { get; init; } = 1024;

    /// <summary>Largest single write under XON/XOFF or DSR flow control.</summary>
    public int SliceBytes { get; init; } = 64;

    /// <summary>Unanswered chunks allowed in flight under <see cref="PrinterFlowControl.ChunkAcknowledge"/>.</summary>
    public int AcknowledgeWindow { get; init; } = 2;

    /// <summary>Background real-time status poll interval (also the watchdog behind Automatic Status Back).</summary>
    public TimeSpan StatusPollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long to wait for a <c>DLE EOT</c> reply before calling the printer silent.</summary>
    public TimeSpan ReplyTimeout { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A job fails when the printer takes no data and confirms nothing for this long without reporting a fault.</summary>
    public TimeSpan JobStallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Pause before reopening a link that could not be opened or was lost.</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromSeconds(2);

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Profile);
        ArgumentOutOfRangeException.ThrowIfLessThan(ChunkBytes, 64);
        ArgumentOutOfRangeException.ThrowIfLessThan(SliceBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(AcknowledgeWindow, 1);
        if (FlowControl == PrinterFlowControl.XonXoff && LineBytesPerSecond is null or <= 0)
        {
            throw new ArgumentException("XON/XOFF flow control needs LineBytesPerSecond (baud rate / 10) to bound the bytes in flight.");
        }

        if (FlowControl == PrinterFlowControl.ChunkAcknowledge && ChunkBytes * AcknowledgeWindow > Profile.ReceiveBufferBytes)
        {
            throw new ArgumentException(
                $"ChunkBytes × AcknowledgeWindow ({ChunkBytes * AcknowledgeWindow}) must fit the printer's {Profile.ReceiveBufferBytes}-byte receive buffer.");
        }
    }
}
