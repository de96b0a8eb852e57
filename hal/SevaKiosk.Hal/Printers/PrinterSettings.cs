using SevaKiosk.Hal.Links;
using SevaKiosk.Protocol.EscPos;

namespace SevaKiosk.Hal.Printers;

/// <summary>
/// The receipt printer's configuration as it appears in settings (section <c>Printer</c>, the firmware's and kioskctl's): plain strings and
/// numbers that bind from JSON or environment variables, turned into driver options with errors that name the key.
/// </summary>
public sealed record PrinterSettings
{
    public const string Section = "Printer";

    /// <summary>Serial port path; <c>/dev/serial/by-id/...</c> on a kiosk so it survives re-plugging.</summary>
    public string? Port { get; init; }

    /// <summary>Line settings, <c>BAUD,8N1</c>; must match the printer's DIP switches or memory switches.</summary>
    public string Serial { get; init; } = "115200,8N1";

    /// <summary>A built-in profile name (<c>generic-80mm</c>, <c>generic-58mm</c>).</summary>
    public string Profile { get; init; } = PrinterProfiles.Default.Name;

    /// <summary><c>xonxoff</c>, <c>dsr</c>, <c>ack</c> (GS r after each chunk) or <c>none</c>.</summary>
    public string FlowControl { get; init; } = "xonxoff";

    public int ChunkBytes { get; init; } = 1024;

    public int StatusPollIntervalMs { get; init; } = 250;

    public int ReplyTimeoutMs { get; init; } = 500;

    public int JobStallTimeoutSeconds { get; init; } = 30;

    public static IReadOnlyList<string> FlowControlNames { get; } = ["xonxoff", "dsr", "ack", "none"];

    /// <exception cref="ArgumentException">An unknown flow-control name.</exception>
    public static PrinterFlowControl ParseFlowControl(string name) => name.ToUpperInvariant() switch
    {
        "XONXOFF" => PrinterFlowControl.XonXoff,
        "DSR" => PrinterFlowControl.Dsr,
        "ACK" => PrinterFlowControl.ChunkAcknowledge,
        "NONE" => PrinterFlowControl.None,
        _ => throw new ArgumentException($"{Section}:FlowControl '{name}' is not one of {string.Join(", ", FlowControlNames)}.", nameof(name)),
    };

    /// <exception cref="ArgumentException">or <see cref="FormatException"/>: a setting is invalid; the message names it.</exception>
    public EscPosPrinterOptions ToOptions(string name = "printer")
    {
        var serial = SerialLine();
        var options = new EscPosPrinterOptions
        {
            Name = name,
            Profile = PrinterProfiles.Get(Profile),
            FlowControl = ParseFlowControl(FlowControl),
            LineBytesPerSecond = serial.BaudRate / serial.BitsPerByte,
            ChunkBytes = ChunkBytes,
            StatusPollInterval = TimeSpan.FromMilliseconds(StatusPollIntervalMs),
            ReplyTimeout = TimeSpan.FromMilliseconds(ReplyTimeoutMs),
            JobStallTimeout = TimeSpan.FromSeconds(JobStallTimeoutSeconds),
        };
        options.Validate();
        return options;
    }

    /// <summary>The serial link to <see cref="Port"/>. Handshake stays off: the driver reads XON/XOFF itself.</summary>
    public IByteLinkFactory CreateLink()
    {
        if (string.IsNullOrWhiteSpace(Port))
        {
            throw new ArgumentException($"{Section}:Port is not set: give the printer's serial port, for example /dev/serial/by-id/usb-...");
        }

        return new SerialPortLinkFactory(Port, SerialLine());
    }

    private SerialSettings SerialLine()
    {
        try
        {
            return SerialSettings.Parse(Serial);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"{Section}:Serial: {ex.Message}", ex);
        }
    }
}
