using System.IO.Ports;

namespace SevaKiosk.Hal.Links;

/// <summary>Serial line settings. Defaults are SSP's 9600 8N2; each protocol's options give its own defaults.</summary>
public sealed record SerialSettings
{
    public int BaudRate { get; init; } = 9600;

    public Parity Parity { get; init; } = Parity.None;

    public int DataBits { get; init; } = 8;

    public StopBits StopBits { get; init; } = StopBits.Two;

    public Handshake Handshake { get; init; } = Handshake.None;

    /// <summary>Some validators (JCM) use RTS for a bezel light; most want it off.</summary>
    public bool RtsEnable { get; init; }

    /// <summary>Off by default: pseudo-terminals reject the modem-control ioctl, and no supported validator needs DTR.</summary>
    public bool DtrEnable { get; init; }

    public static SerialSettings Ssp { get; } = new();

    public static SerialSettings Id003 { get; } = new() { Parity = Parity.Even, StopBits = StopBits.One };

    public static SerialSettings CcTalk { get; } = new() { StopBits = StopBits.One };

    /// <summary>Parses the short form used in configuration, for example <c>9600,8N2</c> or <c>19200,8E1</c>.</summary>
    public static SerialSettings Parse(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || !int.TryParse(parts[0], out var baud) || parts[1].Length != 3
            || !int.TryParse(parts[1][..1], out var dataBits))
        {
            throw new FormatException($"Serial settings '{text}' are not of the form BAUD,8N1 (for example 9600,8N2).");
        }

        var parity = char.ToUpperInvariant(parts[1][1]) switch
        {
            'N' => Parity.None,
            'E' => Parity.Even,
            'O' => Parity.Odd,
            'M' => Parity.Mark,
            'S' => Parity.Space,
            _ => throw new FormatException($"Unknown parity '{parts[1][1]}' in '{text}'."),
        };
        var stop = parts[1][2] switch
        {
            '1' => StopBits.One,
            '2' => StopBits.Two,
            _ => throw new FormatException($"Unknown stop bits '{parts[1][2]}' in '{text}'."),
        };
        return new SerialSettings { BaudRate = baud, DataBits = dataBits, Parity = parity, StopBits = stop };
    }

    /// <summary>Bits on the wire per byte: start + data + parity + stop. Used to compute wire time.</summary>
    public int BitsPerByte => 1 + DataBits + (Parity == Parity.None ? 0 : 1) + (StopBits == StopBits.Two ? 2 : 1);

    public override string ToString()
    {
        var parity = Parity switch { Parity.None => 'N', Parity.Even => 'E', Parity.Odd => 'O', Parity.Mark => 'M', _ => 'S' };
        return $"{BaudRate},{DataBits}{parity}{(StopBits == StopBits.Two ? 2 : 1)}";
    }
}
