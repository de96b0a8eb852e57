using System.Buffers;
using System.Text;
using static SevaKiosk.Protocol.EscPos.EscPosControl;

namespace SevaKiosk.Protocol.EscPos;

/// <summary>
/// Builds the ESC/POS byte stream of a receipt, one complete command per call, so every call boundary is a place
/// where a driver may pause, poll status or split a write. Byte values follow the Epson command reference as given in
/// the project's printer fact sheet; text is encoded strictly in the selected code table.
/// </summary>
public sealed class EscPosBuilder
{
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private EscPosCodeTable _codeTable = EscPosCodeTable.Pc437;

    /// <summary>Bytes written so far.</summary>
    public int Length => _buffer.WrittenCount;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.WrittenMemory;

    /// <summary>The code table <see cref="Text"/> encodes with (the last one selected).</summary>
    public EscPosCodeTable CodeTable => _codeTable;

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    /// <summary>Appends bytes as they are (already complete commands).</summary>
    public EscPosBuilder Raw(params ReadOnlySpan<byte> bytes)
    {
        _buffer.Write(bytes);
        return this;
    }

    /// <summary><c>ESC @</c>: clears the print buffer and resets modes. It also turns Automatic Status Back off.</summary>
    public EscPosBuilder Initialize() => Raw(Esc, (byte)'@');

    /// <summary>
    /// Characters in the printer's own font, encoded in the selected code table.
    /// </summary>
    /// <exception cref="ArgumentException">A control character (which could smuggle a command) or a character the table lacks.</exception>
    public EscPosBuilder Text(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                throw new ArgumentException($"Text must not contain control characters (found U+{(int)c:X4}).", nameof(text));
            }
        }

        try
        {
            var encoding = EscPosCodeTables.StrictEncoding(_codeTable);
            var span = _buffer.GetSpan(encoding.GetMaxByteCount(text.Length));
            _buffer.Advance(encoding.GetBytes(text, span));
        }
        catch (EncoderFallbackException ex)
        {
            throw new ArgumentException(
                $"'{text}' has U+{(int)ex.CharUnknown:X4}, which code table {_codeTable} does not carry; print it as an image.", nameof(text), ex);
        }

        return this;
    }

    /// <summary>Text followed by a line feed.</summary>
    public EscPosBuilder Line(string text) => Text(text).LineFeed();

    /// <summary><c>LF</c>: prints the line buffer and feeds one line.</summary>
    public EscPosBuilder LineFeed() => Raw(Lf);

    /// <summary><c>ESC d n</c>: prints and feeds n lines.</summary>
    public EscPosBuilder FeedLines(byte lines) => Raw(Esc, (byte)'d', lines);

    /// <summary><c>ESC J n</c>: prints and feeds n motion units (dots).</summary>
    public EscPosBuilder FeedDots(byte dots) => Raw(Esc, (byte)'J', dots);

    /// <summary><c>ESC 2</c>: the model's default line spacing.</summary>
    public EscPosBuilder DefaultLineSpacing() => Raw(Esc, (byte)'2');

    /// <summary><c>ESC 3 n</c>: line spacing of n dots.</summary>
    public EscPosBuilder LineSpacing(byte dots) => Raw(Esc, (byte)'3', dots);

    /// <summary><c>ESC E n</c>: emphasized (bold) on or off.</summary>
    public EscPosBuilder Bold(bool on) => Raw(Esc, (byte)'E', on ? (byte)1 : (byte)0);

    /// <summary><c>ESC - n</c>.</summary>
    public EscPosBuilder Underline(EscPosUnderline underline) => Raw(Esc, (byte)'-', (byte)underline);

    /// <summary><c>ESC M n</c>.</summary>
    public EscPosBuilder Font(EscPosFont font) => Raw(Esc, (byte)'M', (byte)font);

    /// <summary><c>ESC ! n</c>: font, emphasis, double height/width and underline in one byte.</summary>
    public EscPosBuilder PrintMode(EscPosPrintMode mode) => Raw(Esc, (byte)'!', (byte)mode);

    /// <summary><c>GS ! n</c>: character width and height multipliers, 1–8 each.</summary>
    public EscPosBuilder CharacterSize(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, 8);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, 8);
        return Raw(Gs, (byte)'!', (byte)(((width - 1) << 4) | (height - 1)));
    }

    /// <summary><c>GS B n</c>: white on black.</summary>
    public EscPosBuilder Reverse(bool on) => Raw(Gs, (byte)'B', on ? (byte)1 : (byte)0);

    /// <summary><c>ESC a n</c>: takes effect at the start of a line.</summary>
    public EscPosBuilder Align(EscPosAlignment alignment) => Raw(Esc, (byte)'a', (byte)alignment);

    /// <summary><c>ESC t n</c> with Epson's number for <paramref name="table"/>.</summary>
    public EscPosBuilder CodeTableSelect(EscPosCodeTable table) => CodeTableSelect(table, EscPosCodeTables.EpsonNumber(table));

    /// <summary><c>ESC t n</c> with a vendor's own number for <paramref name="table"/>; later text is encoded in it.</summary>
    public EscPosBuilder CodeTableSelect(EscPosCodeTable table, byte number)
    {
        _codeTable = table;
        return Raw(Esc, (byte)'t', number);
    }

    /// <summary><c>ESC R n</c>: international character set (0 USA, 1 France, 2 Germany, 3 UK …).</summary>
    public EscPosBuilder InternationalCharacterSet(byte set) => Raw(Esc, (byte)'R', set);

    /// <summary><c>ESC $ nL nH</c>: absolute horizontal position (dots from the left margin) for what follows on the line.</summary>
    public EscPosBuilder AbsolutePosition(int dots)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dots);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dots, ushort.MaxValue);
        return Raw(Esc, (byte)'$', (byte)(dots & 0xFF), (byte)(dots >> 8));
    }

    /// <summary>The cut command for <paramref name="cut"/>; the feed applies to the feed-and-cut variants only.</summary>
    public EscPosBuilder Cut(EscPosCut cut, byte feedDots = 0) => cut switch
    {
        EscPosCut.None => this,
        EscPosCut.Full => Raw(Gs, (byte)'V', 0x00),
        EscPosCut.Partial => Raw(Gs, (byte)'V', 0x01),
        EscPosCut.FeedAndFull => Raw(Gs, (byte)'V', 0x41, feedDots),
        EscPosCut.FeedAndPartial => Raw(Gs, (byte)'V', 0x42, feedDots),
        EscPosCut.LegacyFull => Raw(Esc, (byte)'i'),
        EscPosCut.LegacyPartial => Raw(Esc, (byte)'m'),
        _ => throw new ArgumentOutOfRangeException(nameof(cut), cut, null),
    };

    /// <summary><c>GS H n</c>.</summary>
    public EscPosBuilder BarcodeHri(BarcodeHriPosition position) => Raw(Gs, (byte)'H', (byte)position);

    /// <summary><c>GS f n</c>.</summary>
    public EscPosBuilder BarcodeHriFont(EscPosFont font) => Raw(Gs, (byte)'f', (byte)font);

    /// <summary><c>GS h n</c>: bar height in dots (1–255).</summary>
    public EscPosBuilder BarcodeHeight(byte dots)
    {
        ArgumentOutOfRangeException.ThrowIfZero(dots);
        return Raw(Gs, (byte)'h', dots);
    }

    /// <summary><c>GS w n</c>: module width in dots (2–6).</summary>
    public EscPosBuilder BarcodeModuleWidth(byte dots)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dots, (byte)2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dots, (byte)6);
        return Raw(Gs, (byte)'w', dots);
    }

    /// <summary><c>GS k 73 n d1…dn</c>: CODE128 with data already in ESC/POS form (see <see cref="EscPos.Code128.Encode"/>).</summary>
    public EscPosBuilder Code128(ReadOnlySpan<byte> data)
    {
        if (data.Length is < 2 or > 255)
        {
            throw new ArgumentException("CODE128 data must be 2–255 bytes including the code-set selector.", nameof(data));
        }

        return Raw(Gs, (byte)'k', 73, (byte)data.Length).Raw(data);
    }

    /// <summary>CODE128 of <paramref name="text"/> (set C for even digit strings, set B otherwise).</summary>
    public EscPosBuilder Code128(string text) => Code128(EscPos.Code128.Encode(text));

    /// <summary><c>GS ( k</c> fn 165: QR model.</summary>
    public EscPosBuilder QrModel(QrModel model) => Raw(Gs, (byte)'(', (byte)'k', 0x04, 0x00, 0x31, 0x41, (byte)model, 0x00);

    /// <summary><c>GS ( k</c> fn 167: module size in dots (1–16).</summary>
    public EscPosBuilder QrModuleSize(byte dots)
    {
        ArgumentOutOfRangeException.ThrowIfZero(dots);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dots, (byte)16);
        return Raw(Gs, (byte)'(', (byte)'k', 0x03, 0x00, 0x31, 0x43, dots);
    }

    /// <summary><c>GS ( k</c> fn 169: error-correction level.</summary>
    public EscPosBuilder QrErrorCorrection(QrErrorCorrection level) => Raw(Gs, (byte)'(', (byte)'k', 0x03, 0x00, 0x31, 0x45, (byte)level);

    /// <summary><c>GS ( k</c> fn 180: stores the symbol data (pL + pH·256 = k + 3; Epson allows k ≤ 7089).</summary>
    public EscPosBuilder QrStore(ReadOnlySpan<byte> data)
    {
        if (data.Length is 0 or > 7089)
        {
            throw new ArgumentException("QR data must be 1–7089 bytes.", nameof(data));
        }

        var length = data.Length + 3;
        return Raw(Gs, (byte)'(', (byte)'k', (byte)(length & 0xFF), (byte)(length >> 8), 0x31, 0x50, 0x30).Raw(data);
    }

    /// <summary><c>GS ( k</c> fn 181: prints the stored symbol.</summary>
    public EscPosBuilder QrPrint() => Raw(Gs, (byte)'(', (byte)'k', 0x03, 0x00, 0x31, 0x51, 0x30);

    /// <summary>The whole native QR sequence: model 2, module size, error correction, store, print.</summary>
    public EscPosBuilder Qr(string data, byte moduleDots, QrErrorCorrection level = EscPos.QrErrorCorrection.M)
    {
        ArgumentNullException.ThrowIfNull(data);
        return QrModel(EscPos.QrModel.Model2).QrModuleSize(moduleDots).QrErrorCorrection(level)
            .QrStore(Encoding.UTF8.GetBytes(data)).QrPrint();
    }

    /// <summary><c>GS v 0 m xL xH yL yH d1…dk</c>: one raster image. Start of line only; <c>ESC a</c> applies.</summary>
    public EscPosBuilder RasterImage(RasterImage image, RasterScale scale = RasterScale.Normal)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.BytesPerRow > ushort.MaxValue || image.Height > ushort.MaxValue || image.Height == 0)
        {
            throw new ArgumentException("A raster image must be 1–65535 rows and at most 65535 bytes wide.", nameof(image));
        }

        return Raw(Gs, (byte)'v', (byte)'0', (byte)scale,
                (byte)(image.BytesPerRow & 0xFF), (byte)(image.BytesPerRow >> 8),
                (byte)(image.Height & 0xFF), (byte)(image.Height >> 8))
            .Raw(image.Packed);
    }

    /// <summary>
    /// A tall image as several <c>GS v 0</c> bands of at most <paramref name="maxBandRows"/> rows: a dropped byte then
    /// spoils one band instead of turning the rest of the image into text, and writes can pause between bands.
    /// </summary>
    public EscPosBuilder RasterBands(RasterImage image, int maxBandRows)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBandRows);
        for (var top = 0; top < image.Height; top += maxBandRows)
        {
            RasterImage(image.Rows(top, Math.Min(maxBandRows, image.Height - top)));
        }

        return this;
    }

    /// <summary>
    /// <c>ESC * m nL nH d1…dk</c>: a bit image placed in the line buffer like characters (printed by the next line
    /// feed). <paramref name="columnData"/> is in column format: 1 byte per column for 8-dot modes, 3 for 24-dot.
    /// </summary>
    public EscPosBuilder BitImage(BitImageMode mode, ReadOnlySpan<byte> columnData)
    {
        var bytesPerColumn = mode is BitImageMode.Dots24Single or BitImageMode.Dots24Double ? 3 : 1;
        if (columnData.Length % bytesPerColumn != 0 || columnData.Length == 0)
        {
            throw new ArgumentException($"Bit-image data must be a whole number of {bytesPerColumn}-byte columns.", nameof(columnData));
        }

        var columns = columnData.Length / bytesPerColumn;
        if (columns > ushort.MaxValue)
        {
            throw new ArgumentException("Too many columns for one bit image.", nameof(columnData));
        }

        return Raw(Esc, (byte)'*', (byte)mode, (byte)(columns & 0xFF), (byte)(columns >> 8)).Raw(columnData);
    }

    /// <summary><c>DLE EOT n</c>: real-time status request (answered at once, even off line).</summary>
    public EscPosBuilder RealTimeStatusRequest(byte n) => Raw(RealTimeStatus.Request(n));

    /// <summary><c>DLE ENQ n</c>: recover from a recoverable error (1 restart from the error line, 2 clear the buffers).</summary>
    public EscPosBuilder RealTimeRecover(byte n)
    {
        if (n is not (1 or 2))
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, "DLE ENQ takes 1 or 2.");
        }

        return Raw(Dle, Enq, n);
    }

    /// <summary><c>GS a n</c>: enables Automatic Status Back for the items in <paramref name="mask"/> (0 turns it off).</summary>
    public EscPosBuilder AutomaticStatusBack(byte mask) => Raw(Gs, (byte)'a', mask);

    /// <summary><c>GS r 1</c>: paper-sensor status, answered only after everything before it was processed.</summary>
    public EscPosBuilder TransmitPaperSensorStatus() => Raw(Gs, (byte)'r', 0x01);
}
