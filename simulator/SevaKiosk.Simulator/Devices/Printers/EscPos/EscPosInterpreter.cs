using System.Globalization;
using System.Text;
using SevaKiosk.Protocol.EscPos;
using SkiaSharp;

namespace SevaKiosk.Simulator.Devices.Printers.EscPos;

/// <summary>What happened to a command.</summary>
public enum InterpretOutcome
{
    Done,

    /// <summary>The roll could not supply the paper: nothing of the command was printed; run it again after reloading.</summary>
    PaperEnd,

    /// <summary>The cutter jammed; run the cut again after recovery.</summary>
    CutterJam,
}

/// <summary>
/// Executes parsed ESC/POS commands the way a standard-mode thermal printer does: text goes into a line buffer in
/// fixed character cells (wrapping at the print-area edge), a line feed prints the buffer bottom-aligned and feeds the
/// line spacing, images, barcodes and QR codes print as blocks under the current justification, and cuts close a page
/// of the <see cref="PrintedRoll"/>. A command that cannot complete (paper end, cutter jam) leaves no partial output,
/// so the emulator can run it again after recovery, like "restart from the error line".
/// </summary>
public sealed class EscPosInterpreter
{
    private const int FontAWidth = 12;
    private const int FontAHeight = 24;
    private const int FontBWidth = 9;
    private const int FontBHeight = 17;

    private readonly DeviceFont _font;
    private readonly PrintedRoll _roll;
    private readonly IEscPosHost _host;
    private readonly byte _defaultLineSpacing;
    private readonly List<List<LineItem>> _rows = [[]];
    private readonly List<string> _textLines = [];

    private bool _fontB;
    private bool _bold;
    private bool _doubleStrike;
    private bool _reverse;
    private int _underline;
    private int _widthMultiplier;
    private int _heightMultiplier;
    private int _characterSpacing;
    private EscPosAlignment _alignment;
    private int _lineSpacing;
    private EscPosCodeTable _codeTable;
    private int _leftMargin;
    private int _areaWidth;
    private int _x;

    private BarcodeHriPosition _hriPosition;
    private bool _hriFontB;
    private int _barcodeHeight;
    private int _barcodeModule;

    private int _qrModule;
    private QrErrorCorrection _qrLevel;
    private byte[]? _qrData;
    private RasterImage? _graphics;
    private int _graphicsScaleX;
    private int _graphicsScaleY;

    public EscPosInterpreter(PrintedRoll roll, DeviceFont font, IEscPosHost? host = null, byte defaultLineSpacing = 30)
    {
        _roll = roll ?? throw new ArgumentNullException(nameof(roll));
        _font = font ?? throw new ArgumentNullException(nameof(font));
        _host = host ?? EndlessPaperHost.Instance;
        _defaultLineSpacing = defaultLineSpacing;
        ResetModes();
    }

    /// <summary>A page was cut off (or the roll ran out under it).</summary>
    public event Action<PrintedPage>? PageClosed;

    /// <summary>Something in the stream was not printed as sent: unknown, oversized, truncated or unmodelled commands.</summary>
    public event Action<EscPosCommand, string>? Notice;

    public PrintedRoll Roll => _roll;

    public int PaperWidth => _roll.Width;

    /// <summary>Text of every printed line, in order (images shown as <c>[image]</c>): a transcript for tests and logs.</summary>
    public IReadOnlyList<string> TextLines => _textLines;

    /// <summary>Drops the transcript so far (a long-running host that does not keep pages keeps no text either).</summary>
    public void ForgetTranscript() => _textLines.Clear();

    /// <summary>True when the line buffer holds something not yet printed.</summary>
    public bool HasPendingLine => _rows.Any(r => r.Count > 0);

    public InterpretOutcome Execute(EscPosCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var p = command.Parameters;
        switch (command.Kind)
        {
            case EscPosCommandKind.Text:
                AddText(command.Bytes);
                return InterpretOutcome.Done;
            case EscPosCommandKind.LineFeed:
                return PrintLine(_lineSpacing, 0);
            case EscPosCommandKind.FeedLines:
                return p[0] == 0 ? PrintLine(0, 0) : PrintLine(_lineSpacing, (p[0] - 1) * _lineSpacing);
            case EscPosCommandKind.FeedDots:
                return PrintLine(p[0], 0);
            case EscPosCommandKind.HorizontalTab:
                var tab = CellWidth() * 8;
                _x = Math.Min(_areaWidth, ((_x / tab) + 1) * tab);
                return InterpretOutcome.Done;
            case EscPosCommandKind.Initialize:
                ResetModes();
                _rows.Clear();
                _rows.Add([]);
                _x = 0;
                _host.AutomaticStatusBackChanged(0);
                return InterpretOutcome.Done;
            case EscPosCommandKind.SelectPrintMode:
                _fontB = (p[0] & 0x01) != 0;
                _bold = (p[0] & 0x08) != 0;
                _heightMultiplier = (p[0] & 0x10) != 0 ? 2 : 1;
                _widthMultiplier = (p[0] & 0x20) != 0 ? 2 : 1;
                _underline = (p[0] & 0x80) != 0 ? 1 : 0;
                return InterpretOutcome.Done;
            case EscPosCommandKind.CharacterSize:
                _widthMultiplier = ((p[0] >> 4) & 0x07) + 1;
                _heightMultiplier = (p[0] & 0x07) + 1;
                return InterpretOutcome.Done;
            case EscPosCommandKind.CharacterSpacing:
                _characterSpacing = p[0];
                return InterpretOutcome.Done;
            case EscPosCommandKind.AbsolutePosition:
                var position = p[0] + (p[1] << 8);
                if (position < _areaWidth)
                {
                    _x = position;
                }

                return InterpretOutcome.Done;
            case EscPosCommandKind.RelativePosition:
                var moved = _x + (short)(p[0] + (p[1] << 8));
                if (moved >= 0 && moved < _areaWidth)
                {
                    _x = moved;
                }

                return InterpretOutcome.Done;
            case EscPosCommandKind.Underline:
                _underline = p[0] switch { 1 or 49 => 1, 2 or 50 => 2, _ => 0 };
                return InterpretOutcome.Done;
            case EscPosCommandKind.Emphasis:
                _bold = (p[0] & 0x01) != 0;
                return InterpretOutcome.Done;
            case EscPosCommandKind.DoubleStrike:
                _doubleStrike = (p[0] & 0x01) != 0;
                return InterpretOutcome.Done;
            case EscPosCommandKind.SelectFont:
                _fontB = p[0] is 1 or 49;
                return InterpretOutcome.Done;
            case EscPosCommandKind.Reverse:
                _reverse = (p[0] & 0x01) != 0;
                return InterpretOutcome.Done;
            case EscPosCommandKind.Alignment:
                _alignment = p[0] switch { 1 or 49 => EscPosAlignment.Center, 2 or 50 => EscPosAlignment.Right, _ => EscPosAlignment.Left };
                return InterpretOutcome.Done;
            case EscPosCommandKind.DefaultLineSpacing:
                _lineSpacing = _defaultLineSpacing;
                return InterpretOutcome.Done;
            case EscPosCommandKind.LineSpacing:
                _lineSpacing = p[0];
                return InterpretOutcome.Done;
            case EscPosCommandKind.SelectCodeTable:
                var table = EscPosCodeTables.FromEpsonNumber(p[0]);
                if (table is null)
                {
                    Report(command, $"code table {p[0]} is not modelled; keeping {_codeTable}");
                }
                else
                {
                    _codeTable = table.Value;
                }

                return InterpretOutcome.Done;
            case EscPosCommandKind.LeftMargin:
                _leftMargin = Math.Min(PaperWidth - 1, p[0] + (p[1] << 8));
                _areaWidth = Math.Min(_areaWidth, PaperWidth - _leftMargin);
                return InterpretOutcome.Done;
            case EscPosCommandKind.PrintAreaWidth:
                _areaWidth = Math.Clamp(p[0] + (p[1] << 8), 1, PaperWidth - _leftMargin);
                return InterpretOutcome.Done;
            case EscPosCommandKind.Cut:
                return Cut(p[0] is 1 or 49 or 66 or 98 or 104, p[0] >= 65 ? p[1] : 0);
            case EscPosCommandKind.LegacyFullCut:
                return Cut(partial: false, 0);
            case EscPosCommandKind.LegacyPartialCut:
                return Cut(partial: true, 0);
            case EscPosCommandKind.BarcodeHriPosition:
                _hriPosition = (BarcodeHriPosition)(p[0] & 0x03);
                return InterpretOutcome.Done;
            case EscPosCommandKind.BarcodeHriFont:
                _hriFontB = p[0] is 1 or 49;
                return InterpretOutcome.Done;
            case EscPosCommandKind.BarcodeHeight:
                _barcodeHeight = Math.Max(1, (int)p[0]);
                return InterpretOutcome.Done;
            case EscPosCommandKind.BarcodeWidth:
                _barcodeModule = Math.Clamp((int)p[0], 1, 6);
                return InterpretOutcome.Done;
            case EscPosCommandKind.Barcode:
                return PrintBarcode(command);
            case EscPosCommandKind.QrCode:
                return QrFunction(command);
            case EscPosCommandKind.RasterImage:
                return PrintRaster(command);
            case EscPosCommandKind.BitImage:
                AddBitImage(command);
                return InterpretOutcome.Done;
            case EscPosCommandKind.Graphics:
                return GraphicsFunction(command);
            case EscPosCommandKind.AutomaticStatusBack:
                _host.AutomaticStatusBackChanged(p[0]);
                return InterpretOutcome.Done;
            case EscPosCommandKind.TransmitStatus:
                _host.Reply([p[0] is 1 or 49 ? _host.PaperSensorReply() : (byte)0x00]);
                return InterpretOutcome.Done;
            case EscPosCommandKind.TransmitPrinterId:
                if (p[0] is 1 or 2 or 3 or 49 or 50 or 51)
                {
                    // Model 0x20, type 0x02 (auto-cutter fitted), ROM version 0x01: all keep the 0xx0xxxx reply pattern.
                    _host.Reply([(p[0] & 0x0F) switch { 1 => 0x20, 2 => 0x02, _ => 0x01 }]);
                }
                else
                {
                    Report(command, "GS I with this n is not answered by the emulator");
                }

                return InterpretOutcome.Done;
            case EscPosCommandKind.RealTimeStatus or EscPosCommandKind.RealTimeRecover or EscPosCommandKind.RealTimeRequest:
                // Real-time commands act when received, not here.
                return InterpretOutcome.Done;
            case EscPosCommandKind.CarriageReturn or EscPosCommandKind.Cancel or EscPosCommandKind.Ignored
                or EscPosCommandKind.InternationalCharacterSet or EscPosCommandKind.FormFeed:
                return InterpretOutcome.Done;
            case EscPosCommandKind.UpsideDown or EscPosCommandKind.Rotate90:
                if ((p[0] & 0x01) != 0)
                {
                    Report(command, "rotated printing is not modelled; printed upright");
                }

                return InterpretOutcome.Done;
            case EscPosCommandKind.Unknown or EscPosCommandKind.Oversized or EscPosCommandKind.Truncated:
                Report(command, command.Note ?? "not understood");
                return InterpretOutcome.Done;
            default:
                Report(command, "not modelled by the emulator; skipped");
                return InterpretOutcome.Done;
        }
    }

    /// <summary>Closes the open part of the roll as a page ended by paper end.</summary>
    public PrintedPage ClosePageAtPaperEnd()
    {
        var page = _roll.Close(PageEnd.PaperEnd);
        PageClosed?.Invoke(page);
        return page;
    }

    /// <summary>Clears the line buffer (<c>DLE ENQ 2</c>, <c>CAN</c>-like recovery).</summary>
    public void ClearLineBuffer()
    {
        _rows.Clear();
        _rows.Add([]);
        _x = 0;
    }

    private void ResetModes()
    {
        _fontB = false;
        _bold = false;
        _doubleStrike = false;
        _reverse = false;
        _underline = 0;
        _widthMultiplier = 1;
        _heightMultiplier = 1;
        _characterSpacing = 0;
        _alignment = EscPosAlignment.Left;
        _lineSpacing = _defaultLineSpacing;
        _codeTable = EscPosCodeTable.Pc437;
        _leftMargin = 0;
        _areaWidth = PaperWidth;
        _hriPosition = BarcodeHriPosition.None;
        _hriFontB = false;
        _barcodeHeight = 162;
        _barcodeModule = 3;
        _qrModule = 3;
        _qrLevel = QrErrorCorrection.L;
    }

    private void Report(EscPosCommand command, string message) => Notice?.Invoke(command, message);

    private int CellWidth() => (_fontB ? FontBWidth : FontAWidth) * _widthMultiplier;

    private void AddText(byte[] bytes)
    {
        var style = new TextStyle(_fontB, _bold || _doubleStrike, _underline, _reverse);
        var cellWidth = (_fontB ? FontBWidth : FontAWidth) * _widthMultiplier;
        var cellHeight = (_fontB ? FontBHeight : FontAHeight) * _heightMultiplier;
        var advance = cellWidth + (_characterSpacing * _widthMultiplier);
        foreach (var c in EscPosCodeTables.Decoding(_codeTable).GetString(bytes))
        {
            if (_x + cellWidth > _areaWidth && _x > 0)
            {
                // Auto line feed at the end of the print area: the line continues on a new physical line.
                _rows.Add([]);
                _x = 0;
            }

            _rows[^1].Add(new GlyphItem(c, style, _x, cellWidth, cellHeight));
            _x += advance;
        }
    }

    private void AddBitImage(EscPosCommand command)
    {
        var p = command.Parameters;
        var mode = p[0];
        var columns = p[1] + (p[2] << 8);
        var dots24 = mode >= 32;
        var scaleX = mode is 0 or 32 ? 2 : 1;
        var scaleY = dots24 ? 1 : 3;
        var data = p[3..];
        var image = new RasterImage(Math.Max(1, columns), dots24 ? 24 : 8);
        var bytesPerColumn = dots24 ? 3 : 1;
        for (var x = 0; x < columns; x++)
        {
            for (var dy = 0; dy < image.Height; dy++)
            {
                if ((data[(x * bytesPerColumn) + (dy >> 3)] & (0x80 >> (dy & 7))) != 0)
                {
                    image[x, dy] = true;
                }
            }
        }

        var width = Math.Min(columns * scaleX, _areaWidth - _x);
        if (width <= 0)
        {
            Report(command, "bit image starts beyond the print area; dropped");
            return;
        }

        _rows[^1].Add(new ImageItem(image, _x, width, image.Height * scaleY, scaleX, scaleY));
        _x += width;
    }

    private InterpretOutcome PrintLine(int feedDots, int extraRows)
    {
        var rows = _rows.Where(r => r.Count > 0).ToList();
        var heights = rows.Select(r => r.Max(i => i.Height)).ToList();
        var total = extraRows;
        for (var i = 0; i < rows.Count; i++)
        {
            total += Math.Max(heights[i], i == rows.Count - 1 ? feedDots : _lineSpacing);
        }

        if (rows.Count == 0)
        {
            total += feedDots;
        }

        if (!_host.TryFeed(total))
        {
            return InterpretOutcome.PaperEnd;
        }

        for (var i = 0; i < rows.Count; i++)
        {
            var height = heights[i];
            _roll.Print(RenderRow(rows[i], height));
            _roll.Feed(Math.Max(height, i == rows.Count - 1 ? feedDots : _lineSpacing) - height);
            _textLines.Add(Transcript(rows[i]));
        }

        if (rows.Count == 0)
        {
            _roll.Feed(feedDots);
        }

        _roll.Feed(extraRows);
        ClearLineBuffer();
        return InterpretOutcome.Done;
    }

    private byte[] RenderRow(List<LineItem> items, int height)
    {
        var content = items.Max(i => i.X + i.Width);
        var offset = _leftMargin + _alignment switch
        {
            EscPosAlignment.Center => Math.Max(0, (_areaWidth - content) / 2),
            EscPosAlignment.Right => Math.Max(0, _areaWidth - content),
            _ => 0,
        };

        var width = PaperWidth;
        var pixels = new byte[width * height];
        pixels.AsSpan().Fill(255);
        foreach (var item in items)
        {
            var left = offset + item.X;
            var top = height - item.Height;
            if (item is ImageItem image)
            {
                Blit(pixels, width, image.Image, left, top, image.ScaleX, image.ScaleY, image.Width);
            }
            else
            {
                DrawGlyph(pixels, width, (GlyphItem)item, left, top);
            }
        }

        return pixels;
    }

    /// <summary>ANDs the cached cell into the row (0 = dot), so overlapping items add dots like a thermal head.</summary>
    private void DrawGlyph(byte[] pixels, int width, GlyphItem glyph, int left, int top)
    {
        var cell = _font.Cell(glyph.Char, glyph.Width, glyph.Height, glyph.Style.Bold);
        var visible = Math.Min(glyph.Width, width - left);
        for (var y = 0; y < glyph.Height; y++)
        {
            var row = pixels.AsSpan(((top + y) * width) + left, visible);
            var source = cell.AsSpan(y * glyph.Width, visible);
            if (glyph.Style.Reverse)
            {
                for (var x = 0; x < row.Length; x++)
                {
                    row[x] &= (byte)~source[x];
                }
            }
            else if (glyph.Style.Underline > 0 && y >= glyph.Height - glyph.Style.Underline)
            {
                row.Clear();
            }
            else
            {
                for (var x = 0; x < row.Length; x++)
                {
                    row[x] &= source[x];
                }
            }
        }
    }

    private static string Transcript(List<LineItem> items)
    {
        var text = new StringBuilder();
        var next = 0;
        foreach (var item in items.OrderBy(i => i.X))
        {
            if (item.X > next && text.Length > 0)
            {
                text.Append(' ', Math.Max(1, (item.X - next) / Math.Max(1, item is GlyphItem g ? g.Width : FontAWidth)));
            }

            text.Append(item is GlyphItem glyph ? glyph.Char.ToString() : "[image]");
            next = item.X + item.Width;
        }

        return text.ToString().TrimEnd();
    }

    /// <summary>Prints a block (image, barcode, QR) on its own under the current justification.</summary>
    private InterpretOutcome PrintBlock(byte[] dots, int width, int height)
    {
        if (HasPendingLine)
        {
            var line = PrintLine(0, 0);
            if (line != InterpretOutcome.Done)
            {
                return line;
            }
        }

        if (!_host.TryFeed(height))
        {
            return InterpretOutcome.PaperEnd;
        }

        var offset = _leftMargin + _alignment switch
        {
            EscPosAlignment.Center => Math.Max(0, (_areaWidth - width) / 2),
            EscPosAlignment.Right => Math.Max(0, _areaWidth - width),
            _ => 0,
        };
        var rows = new byte[PaperWidth * height];
        rows.AsSpan().Fill(255);
        var visible = Math.Min(width, PaperWidth - offset);
        for (var y = 0; y < height; y++)
        {
            dots.AsSpan(y * width, visible).CopyTo(rows.AsSpan((y * PaperWidth) + offset));
        }

        _roll.Print(rows);
        _textLines.Add("[image]");
        return InterpretOutcome.Done;
    }

    private InterpretOutcome PrintImage(RasterImage image, int scaleX, int scaleY)
    {
        var width = Math.Min(image.Width * scaleX, _areaWidth);
        var height = image.Height * scaleY;
        var dots = new byte[width * height];
        dots.AsSpan().Fill(255);
        Blit(dots, width, image, 0, 0, scaleX, scaleY, width);
        return PrintBlock(dots, width, height);
    }

    private static void Blit(byte[] target, int targetWidth, RasterImage image, int left, int top, int scaleX, int scaleY, int maxWidth)
    {
        for (var y = 0; y < image.Height * scaleY; y++)
        {
            var ty = top + y;
            if (ty < 0 || ty * targetWidth >= target.Length)
            {
                continue;
            }

            for (var x = 0; x < Math.Min(image.Width * scaleX, maxWidth); x++)
            {
                var tx = left + x;
                if (tx >= 0 && tx < targetWidth && image[x / scaleX, y / scaleY])
                {
                    target[(ty * targetWidth) + tx] = 0;
                }
            }
        }
    }

    private InterpretOutcome PrintRaster(EscPosCommand command)
    {
        var p = command.Parameters;
        var bytesPerRow = p[1] + (p[2] << 8);
        var rows = p[3] + (p[4] << 8);
        if (bytesPerRow == 0 || rows == 0)
        {
            Report(command, "raster image with no rows or columns");
            return InterpretOutcome.Done;
        }

        var image = new RasterImage(bytesPerRow * 8, rows, p[5..].ToArray());
        var mode = p[0] & 0x03;
        return PrintImage(image, mode is 1 or 3 ? 2 : 1, mode is 2 or 3 ? 2 : 1);
    }

    private InterpretOutcome GraphicsFunction(EscPosCommand command)
    {
        // GS ( L pL pH m fn … and GS 8 L p1 p2 p3 p4 m fn …: the function code follows the length.
        var p = command.Parameters;
        var at = command.Bytes[1] == (byte)'8' ? 4 : 2;
        if (p.Length < at + 2)
        {
            Report(command, "graphics command too short");
            return InterpretOutcome.Done;
        }

        var function = p[at + 1];
        if (function is 112 && p.Length >= at + 11)
        {
            // fn 112: a bx by c xL xH yL yH d… (raster format, x and y in dots).
            var g = p[(at + 2)..];
            var width = g[4] + (g[5] << 8);
            var height = g[6] + (g[7] << 8);
            var bytesPerRow = (width + 7) / 8;
            var data = g[8..];
            if (g[0] is not (48 or 52) || width == 0 || height == 0 || data.Length < bytesPerRow * height)
            {
                Report(command, "graphics data is not monochrome raster or is shorter than its size");
                return InterpretOutcome.Done;
            }

            _graphics = new RasterImage(width, height, data[..(bytesPerRow * height)].ToArray());
            _graphicsScaleX = g[1] == 2 ? 2 : 1;
            _graphicsScaleY = g[2] == 2 ? 2 : 1;
            return InterpretOutcome.Done;
        }

        if (function is 50 or 2)
        {
            return _graphics is null ? InterpretOutcome.Done : PrintImage(_graphics, _graphicsScaleX, _graphicsScaleY);
        }

        Report(command, $"graphics function {function} is not modelled");
        return InterpretOutcome.Done;
    }

    private InterpretOutcome QrFunction(EscPosCommand command)
    {
        // GS ( k pL pH cn fn …, cn = 49.
        var p = command.Parameters;
        if (p.Length < 4)
        {
            Report(command, "QR command too short");
            return InterpretOutcome.Done;
        }

        switch (p[3])
        {
            case 65:
                if (p.Length > 4 && p[4] == 0x31)
                {
                    Report(command, "QR model 1 is drawn as model 2");
                }

                return InterpretOutcome.Done;
            case 67 when p.Length > 4:
                _qrModule = Math.Clamp((int)p[4], 1, 16);
                return InterpretOutcome.Done;
            case 69 when p.Length > 4:
                _qrLevel = p[4] is >= 0x30 and <= 0x33 ? (QrErrorCorrection)p[4] : QrErrorCorrection.L;
                return InterpretOutcome.Done;
            case 80 when p.Length > 5:
                _qrData = p[5..].ToArray();
                return InterpretOutcome.Done;
            case 81:
                if (_qrData is null || _qrData.Length == 0)
                {
                    Report(command, "QR print with no stored data");
                    return InterpretOutcome.Done;
                }

                var matrix = SymbolImages.Qr(_qrData, _qrLevel, out var error);
                if (matrix is null)
                {
                    Report(command, error!);
                    return InterpretOutcome.Done;
                }

                var size = matrix.GetLength(0);
                var image = new RasterImage(size, size);
                for (var y = 0; y < size; y++)
                {
                    for (var x = 0; x < size; x++)
                    {
                        image[x, y] = matrix[x, y];
                    }
                }

                return PrintImage(image, _qrModule, _qrModule);
            default:
                Report(command, string.Create(CultureInfo.InvariantCulture, $"QR function {p[3]} is not modelled"));
                return InterpretOutcome.Done;
        }
    }

    private InterpretOutcome PrintBarcode(EscPosCommand command)
    {
        var p = command.Parameters;
        var type = p[0];
        var data = type <= 6 ? p[1..^1] : p[2..];
        var modules = SymbolImages.Linear(type, data, out var text, out var error);
        if (modules is null)
        {
            Report(command, error!);
            return InterpretOutcome.Done;
        }

        var width = modules.Length * _barcodeModule;
        if (width > _areaWidth)
        {
            // Epson prints nothing when the symbol is wider than the print area.
            Report(command, $"barcode is {width} dots wide, more than the {_areaWidth}-dot print area; not printed");
            return InterpretOutcome.Done;
        }

        var hriHeight = _hriFontB ? FontBHeight : FontAHeight;
        var above = _hriPosition is BarcodeHriPosition.Above or BarcodeHriPosition.Both ? hriHeight + 2 : 0;
        var below = _hriPosition is BarcodeHriPosition.Below or BarcodeHriPosition.Both ? hriHeight + 2 : 0;
        var blockWidth = Math.Max(width, Math.Min(_areaWidth, text.Length * (_hriFontB ? FontBWidth : FontAWidth)));
        var height = above + _barcodeHeight + below;
        using var bitmap = new SKBitmap(new SKImageInfo(blockWidth, height, SKColorType.Gray8, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        using (var black = new SKPaint { Color = SKColors.Black, IsAntialias = false })
        {
            canvas.Clear(SKColors.White);
            var left = (blockWidth - width) / 2;
            for (var i = 0; i < modules.Length; i++)
            {
                if (modules[i])
                {
                    canvas.DrawRect(left + (i * _barcodeModule), above, _barcodeModule, _barcodeHeight, black);
                }
            }

            black.IsAntialias = true;
            var cellWidth = _hriFontB ? FontBWidth : FontAWidth;
            var textLeft = (blockWidth - (text.Length * cellWidth)) / 2;
            for (var i = 0; i < text.Length; i++)
            {
                if (above > 0)
                {
                    _font.DrawCell(canvas, text[i], textLeft + (i * cellWidth), 0, cellWidth, hriHeight, false, black);
                }

                if (below > 0)
                {
                    _font.DrawCell(canvas, text[i], textLeft + (i * cellWidth), above + _barcodeHeight + 2, cellWidth, hriHeight, false, black);
                }
            }
        }

        var dots = bitmap.GetPixelSpan().ToArray();
        for (var i = 0; i < dots.Length; i++)
        {
            dots[i] = dots[i] < 128 ? (byte)0 : (byte)255;
        }

        return PrintBlock(dots, blockWidth, height);
    }

    private InterpretOutcome Cut(bool partial, int feedDots)
    {
        if (HasPendingLine)
        {
            var line = PrintLine(0, 0);
            if (line != InterpretOutcome.Done)
            {
                return line;
            }
        }

        if (feedDots > 0)
        {
            if (!_host.TryFeed(feedDots))
            {
                return InterpretOutcome.PaperEnd;
            }

            _roll.Feed(feedDots);
        }

        if (!_host.TryCut(partial))
        {
            return InterpretOutcome.CutterJam;
        }

        var page = _roll.Close(partial ? PageEnd.PartialCut : PageEnd.FullCut);
        PageClosed?.Invoke(page);
        return InterpretOutcome.Done;
    }

    private sealed record TextStyle(bool FontB, bool Bold, int Underline, bool Reverse);

    private abstract record LineItem(int X, int Width, int Height);

    private sealed record GlyphItem(char Char, TextStyle Style, int X, int Width, int Height) : LineItem(X, Width, Height);

    private sealed record ImageItem(RasterImage Image, int X, int Width, int Height, int ScaleX, int ScaleY) : LineItem(X, Width, Height);
}
