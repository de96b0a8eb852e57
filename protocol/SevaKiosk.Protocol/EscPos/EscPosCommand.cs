using System.Globalization;
using System.Text;

namespace SevaKiosk.Protocol.EscPos;

/// <summary>What a parsed piece of the stream is. Kinds a renderer does not model are still recognised and sized.</summary>
public enum EscPosCommandKind
{
    /// <summary>Printable bytes (0x20 and up) in the current code table.</summary>
    Text,
    LineFeed,
    CarriageReturn,
    HorizontalTab,
    FormFeed,
    Cancel,
    Initialize,
    SelectPrintMode,
    CharacterSpacing,
    AbsolutePosition,
    RelativePosition,
    Underline,
    DefaultLineSpacing,
    LineSpacing,
    Emphasis,
    DoubleStrike,
    SelectFont,
    InternationalCharacterSet,
    Alignment,
    SelectCodeTable,
    FeedLines,
    FeedDots,
    ReverseFeedLines,
    UpsideDown,
    Rotate90,
    CharacterSize,
    Reverse,
    LeftMargin,
    PrintAreaWidth,

    /// <summary><c>GS V m [n]</c>; the parameters say which cut.</summary>
    Cut,
    LegacyFullCut,
    LegacyPartialCut,
    BarcodeHriPosition,
    BarcodeHriFont,
    BarcodeHeight,
    BarcodeWidth,

    /// <summary><c>GS k m …</c>, function A (NUL-terminated) or B (length-prefixed).</summary>
    Barcode,

    /// <summary><c>GS ( k</c> with cn = 49 (QR); the parameters hold pL pH cn fn …</summary>
    QrCode,

    /// <summary><c>GS ( k</c> for other symbologies (PDF417, MaxiCode, DataBar, Aztec, DataMatrix).</summary>
    TwoDimensionalCode,

    /// <summary><c>GS v 0 m xL xH yL yH d…</c>.</summary>
    RasterImage,

    /// <summary><c>ESC * m nL nH d…</c>.</summary>
    BitImage,

    /// <summary><c>GS ( L</c> / <c>GS 8 L</c> graphics functions.</summary>
    Graphics,

    /// <summary><c>DLE EOT n</c>: answered on receipt by the printer, not when parsed.</summary>
    RealTimeStatus,

    /// <summary><c>DLE ENQ n</c>.</summary>
    RealTimeRecover,

    /// <summary><c>DLE DC4 fn …</c>.</summary>
    RealTimeRequest,
    AutomaticStatusBack,

    /// <summary><c>GS r n</c>: answered when processed.</summary>
    TransmitStatus,

    /// <summary><c>GS I n</c>: answered when processed.</summary>
    TransmitPrinterId,
    DefineUserCharacters,
    SelectUserCharacters,
    CancelUserCharacter,
    DefineDownloadedBitImage,
    PrintDownloadedBitImage,
    NvBitImage,

    /// <summary>A known command with no effect on what is printed here (drawer kick, panel keys, Kanji mode …).</summary>
    Ignored,

    /// <summary>An unrecognised command: its prefix was skipped and the stream resumes after it.</summary>
    Unknown,

    /// <summary>A command whose declared length is beyond the parser's limit; the declared bytes were skipped.</summary>
    Oversized,

    /// <summary>The stream ended inside a command (reported by <see cref="EscPosParser.Complete"/>).</summary>
    Truncated,
}

/// <summary>
/// One command (or run of text) from an ESC/POS stream. <see cref="Bytes"/> is the complete command as received, except
/// for <see cref="EscPosCommandKind.Oversized"/> where it is only the header.
/// </summary>
public sealed class EscPosCommand
{
    public EscPosCommand(EscPosCommandKind kind, long offset, byte[] bytes, int prefixLength, int wireLength, string? note = null)
    {
        Kind = kind;
        Offset = offset;
        Bytes = bytes;
        PrefixLength = prefixLength;
        WireLength = wireLength;
        Note = note;
    }

    public EscPosCommandKind Kind { get; }

    /// <summary>Offset of the first byte in the stream.</summary>
    public long Offset { get; }

    public byte[] Bytes { get; }

    /// <summary>How many leading bytes name the command (<c>ESC x</c> = 2, <c>GS ( k</c> = 3, text = 0).</summary>
    public int PrefixLength { get; }

    /// <summary>Bytes the command occupied on the wire (differs from <see cref="Bytes"/> only when oversized).</summary>
    public int WireLength { get; }

    /// <summary>Why an unknown, oversized or truncated command was reported.</summary>
    public string? Note { get; }

    /// <summary>Everything after the prefix.</summary>
    public ReadOnlySpan<byte> Parameters => Bytes.AsSpan(PrefixLength);

    /// <summary>The command's name as the manuals write it, for example <c>GS v 0</c> or <c>ESC @</c>.</summary>
    public string Mnemonic => Kind == EscPosCommandKind.Text ? "TEXT" : EscPosMnemonic.Of(Bytes.AsSpan(0, Math.Max(1, PrefixLength)));

    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"@{Offset} {Mnemonic} ({WireLength} bytes)");
        if (Note is not null)
        {
            text.Append(": ").Append(Note);
        }

        return text.ToString();
    }
}

/// <summary>Names command prefixes the way the manuals write them.</summary>
public static class EscPosMnemonic
{
    public static string Of(ReadOnlySpan<byte> prefix)
    {
        var parts = new List<string>(prefix.Length);
        foreach (var b in prefix)
        {
            parts.Add(b switch
            {
                EscPosControl.Esc => "ESC",
                EscPosControl.Gs => "GS",
                EscPosControl.Fs => "FS",
                EscPosControl.Dle => "DLE",
                EscPosControl.Eot => "EOT",
                EscPosControl.Enq => "ENQ",
                EscPosControl.Dc4 => "DC4",
                EscPosControl.Lf => "LF",
                EscPosControl.Cr => "CR",
                EscPosControl.Ht => "HT",
                EscPosControl.Ff => "FF",
                EscPosControl.Can => "CAN",
                0x20 => "SP",
                > 0x20 and < 0x7F => ((char)b).ToString(),
                _ => $"0x{b:X2}",
            });
        }

        return string.Join(' ', parts);
    }
}
