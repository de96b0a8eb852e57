namespace SevaKiosk.Protocol.EscPos;

/// <summary>Justification (<c>ESC a n</c>). Applies from the start of the next line, to text and images alike.</summary>
public enum EscPosAlignment : byte
{
    Left = 0,
    Center = 1,
    Right = 2,
}

/// <summary>Character font (<c>ESC M n</c>): font A is 12×24 dots, font B 9×17 on the common 203 dpi models.</summary>
public enum EscPosFont : byte
{
    A = 0,
    B = 1,
}

/// <summary>Underline thickness (<c>ESC - n</c>).</summary>
public enum EscPosUnderline : byte
{
    None = 0,
    OneDot = 1,
    TwoDots = 2,
}

/// <summary>
/// Bits of <c>ESC ! n</c>. Only the Epson-defined bits are listed; bits 1, 2 and 6 are undefined on Epson and are not
/// used (some libraries call them proportional/condensed/italic).
/// </summary>
[Flags]
public enum EscPosPrintMode : byte
{
    None = 0,
    FontB = 0x01,
    Emphasized = 0x08,
    DoubleHeight = 0x10,
    DoubleWidth = 0x20,
    Underline = 0x80,
}

/// <summary>How the paper is cut. Which of these a model honours is vendor-specific, so the profile picks one.</summary>
public enum EscPosCut
{
    /// <summary>The printer has no cutter (or it must not be used): the receipt is torn off.</summary>
    None,

    /// <summary><c>GS V 0</c>.</summary>
    Full,

    /// <summary><c>GS V 1</c> (one point left uncut).</summary>
    Partial,

    /// <summary><c>GS V 65 n</c>: feed n motion units to the cutter, then cut fully.</summary>
    FeedAndFull,

    /// <summary><c>GS V 66 n</c>: feed n motion units to the cutter, then cut partially.</summary>
    FeedAndPartial,

    /// <summary><c>ESC i</c>: older and clone printers.</summary>
    LegacyFull,

    /// <summary><c>ESC m</c>: older and clone printers.</summary>
    LegacyPartial,
}

/// <summary>QR error-correction level (<c>GS ( k</c> fn 169).</summary>
public enum QrErrorCorrection : byte
{
    /// <summary>About 7 % of the symbol can be restored.</summary>
    L = 0x30,

    /// <summary>About 15 %.</summary>
    M = 0x31,

    /// <summary>About 25 %.</summary>
    Q = 0x32,

    /// <summary>About 30 %.</summary>
    H = 0x33,
}

/// <summary>QR model (<c>GS ( k</c> fn 165).</summary>
public enum QrModel : byte
{
    Model1 = 0x31,
    Model2 = 0x32,
}

/// <summary>Where the human-readable text of a barcode goes (<c>GS H n</c>).</summary>
public enum BarcodeHriPosition : byte
{
    None = 0,
    Above = 1,
    Below = 2,
    Both = 3,
}

/// <summary>Scaling mode of a raster image (<c>GS v 0 m</c>).</summary>
public enum RasterScale : byte
{
    Normal = 0,
    DoubleWidth = 1,
    DoubleHeight = 2,
    Quadruple = 3,
}

/// <summary>
/// Bit-image density of <c>ESC * m</c>. On 203 dpi printers the 8-dot modes print each dot three rows tall and the
/// single-density modes two columns wide; only <see cref="Dots24Double"/> is dot-for-dot.
/// </summary>
public enum BitImageMode : byte
{
    Dots8Single = 0,
    Dots8Double = 1,
    Dots24Single = 32,
    Dots24Double = 33,
}
