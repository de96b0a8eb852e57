namespace SevaKiosk.Protocol.EscPos;

/// <summary>
/// What one printer model can do, chosen by configuration: dot width, cut command, whether it has native QR and
/// Automatic Status Back, how it numbers code tables. Byte-level behaviour that differs between vendors lives here,
/// never in the driver or the receipt composer.
/// </summary>
public sealed record PrinterProfile
{
    /// <summary>Configuration name, for example <c>generic-80mm</c>.</summary>
    public required string Name { get; init; }

    public required string Description { get; init; }

    /// <summary>Printable width in dots: 576 for 80 mm and 384 for 58 mm paper at 203 dpi.</summary>
    public required int DotsPerLine { get; init; }

    public int DotsPerInch { get; init; } = 203;

    /// <summary>How a receipt is cut (<see cref="EscPosCut.None"/> for printers without a cutter).</summary>
    public EscPosCut Cut { get; init; } = EscPosCut.FeedAndPartial;

    /// <summary>Feed before the cut in dots, for the feed-and-cut variants (the head-to-cutter distance plus a margin).</summary>
    public byte CutFeedDots { get; init; } = 96;

    /// <summary>Whether the printer draws QR codes itself (<c>GS ( k</c>); otherwise they are sent as images.</summary>
    public bool NativeQr { get; init; } = true;

    /// <summary>Module size in dots for native and rasterised QR codes.</summary>
    public byte QrModuleDots { get; init; } = 6;

    /// <summary>Whether the printer supports Automatic Status Back (<c>GS a n</c>).</summary>
    public bool AutomaticStatusBack { get; init; } = true;

    /// <summary>Whether the printer prints CODE128 (<c>GS k 73</c>).</summary>
    public bool Code128 { get; init; } = true;

    /// <summary>
    /// Whether 24-dot bit images (<c>ESC * 33</c>) can be placed at absolute positions on a line (<c>ESC $</c>).
    /// The composer then sends only the inked column spans of shaped lines instead of full-width rasters.
    /// </summary>
    public bool InlineBitImages { get; init; } = true;

    /// <summary>Code table for text in the printer's own font.</summary>
    public EscPosCodeTable CodeTable { get; init; } = EscPosCodeTable.Pc437;

    /// <summary>The <c>ESC t</c> number this model uses for <see cref="CodeTable"/> (vendor-specific numbering).</summary>
    public byte CodeTableNumber { get; init; }

    /// <summary>Line spacing the composer sets for text (dots); <c>ESC 2</c> defaults differ by model.</summary>
    public byte LineSpacingDots { get; init; } = 30;

    /// <summary>Tallest raster band sent in one <c>GS v 0</c>, so no single command outgrows a write chunk.</summary>
    public int MaxRasterBandRows { get; init; } = 24;

    /// <summary>Receive buffer size in bytes as the manual gives it (used to size write chunks).</summary>
    public int ReceiveBufferBytes { get; init; } = 4096;

    /// <summary>Font A cell width in dots (12 on 203 dpi models).</summary>
    public int FontAWidth { get; init; } = 12;

    /// <summary>Font B cell width in dots (9 on 203 dpi models).</summary>
    public int FontBWidth { get; init; } = 9;

    /// <summary>Characters per line in font A.</summary>
    public int Columns => DotsPerLine / FontAWidth;

    /// <summary>Characters per line in font B.</summary>
    public int ColumnsFontB => DotsPerLine / FontBWidth;
}

/// <summary>The built-in profiles, by configuration name.</summary>
public static class PrinterProfiles
{
    /// <summary>
    /// A generic 80 mm, 203 dpi ESC/POS kiosk printer (TM-T20II class): 576 dots, feed-and-partial cut (the cut most
    /// models honour), native QR, ASB, 4 KB buffer.
    /// </summary>
    public static PrinterProfile Generic80 { get; } = new()
    {
        Name = "generic-80mm",
        Description = "Generic 80 mm ESC/POS printer, 203 dpi, 576 dots",
        DotsPerLine = 576,
        CodeTableNumber = EscPosCodeTables.EpsonNumber(EscPosCodeTable.Pc437),
    };

    /// <summary>
    /// A generic 58 mm, 203 dpi ESC/POS printer (ZJ-58 class): 384 dots, partial cut only, no native QR and no ASB,
    /// so QR codes go as images and status comes from polling alone.
    /// </summary>
    public static PrinterProfile Generic58 { get; } = new()
    {
        Name = "generic-58mm",
        Description = "Generic 58 mm ESC/POS printer, 203 dpi, 384 dots",
        DotsPerLine = 384,
        Cut = EscPosCut.Partial,
        NativeQr = false,
        QrModuleDots = 4,
        AutomaticStatusBack = false,
        CodeTableNumber = EscPosCodeTables.EpsonNumber(EscPosCodeTable.Pc437),
        ReceiveBufferBytes = 2048,
    };

    public static IReadOnlyList<PrinterProfile> All { get; } = [Generic80, Generic58];

    /// <summary>The default profile when none is configured.</summary>
    public static PrinterProfile Default => Generic80;

    /// <summary>Finds a profile by name (case-insensitive).</summary>
    /// <exception cref="ArgumentException">No profile has that name; the message lists the known ones.</exception>
    public static PrinterProfile Get(string name)
    {
        foreach (var profile in All)
        {
            if (string.Equals(profile.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return profile;
            }
        }

        throw new ArgumentException($"Unknown printer profile '{name}'. Known profiles: {string.Join(", ", All.Select(p => p.Name))}.", nameof(name));
    }

    /// <summary>The built-in profile for a dot width (576 → 80 mm, 384 → 58 mm), or a copy of the 80 mm one with that width.</summary>
    public static PrinterProfile ForWidth(int dots) => dots switch
    {
        576 => Generic80,
        384 => Generic58,
        _ => Generic80 with { Name = $"generic-{dots}dots", Description = $"Generic ESC/POS printer, {dots} dots", DotsPerLine = dots },
    };
}
