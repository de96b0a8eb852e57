using SkiaSharp;

namespace SevaKiosk.Simulator.Devices.Printers.EscPos;

/// <summary>
/// The emulated printer's resident font: a monospaced TrueType face (DejaVu Sans Mono from Debian
/// <c>fonts-dejavu-core</c>) drawn into the fixed character cells a thermal printer uses (font A 12×24, font B 9×17
/// at 203 dpi), so text lands on the same dot grid as on the real printer.
/// </summary>
public sealed class DeviceFont : IDisposable
{
    public const string DefaultDirectory = "/usr/share/fonts/truetype/dejavu";
    public const string RegularFile = "DejaVuSansMono.ttf";
    public const string BoldFile = "DejaVuSansMono-Bold.ttf";

    private readonly SKTypeface _regular;
    private readonly SKTypeface _bold;
    private readonly Dictionary<(bool Bold, int Width, int Height), SKFont> _fonts = [];
    private readonly Dictionary<(char C, bool Bold, int Width, int Height), byte[]> _glyphs = [];
    private readonly object _gate = new();

    private DeviceFont(SKTypeface regular, SKTypeface bold)
    {
        _regular = regular;
        _bold = bold;
    }

    /// <summary>Loads the font files from <paramref name="directory"/> (default: Debian's DejaVu folder).</summary>
    /// <exception cref="FileNotFoundException">A file is missing; the message names it and the package that has it.</exception>
    public static DeviceFont Load(string? directory = null)
    {
        directory ??= DefaultDirectory;
        var regular = LoadFace(directory, RegularFile);
        try
        {
            return new DeviceFont(regular, LoadFace(directory, BoldFile));
        }
        catch
        {
            regular.Dispose();
            throw;
        }
    }

    /// <summary>Draws <paramref name="c"/> filling a cell whose top-left corner is (x, y).</summary>
    public void DrawCell(SKCanvas canvas, char c, float x, float y, int cellWidth, int cellHeight, bool bold, SKPaint paint)
    {
        ArgumentNullException.ThrowIfNull(canvas);
        // DejaVu Sans Mono: advance 0.602 em, ascent + descent about 1.164 em. Size the em from the cell height and
        // squeeze or stretch horizontally so one advance is exactly one cell wide.
        if (!_fonts.TryGetValue((bold, cellWidth, cellHeight), out var font))
        {
            var em = cellHeight / 1.2f;
            font = new SKFont(bold ? _bold : _regular, em) { Edging = SKFontEdging.Antialias, Subpixel = true, ScaleX = cellWidth / (0.602f * em) };
            _fonts[(bold, cellWidth, cellHeight)] = font;
        }

        canvas.DrawText(c.ToString(), x, y + (cellHeight * 0.80f), SKTextAlign.Left, font, paint);
    }

    /// <summary>
    /// The dots of one character cell (row-major, 0 = printed, 255 = paper), rendered once and cached: a thermal head
    /// prints the same dot pattern for a character every time, and blitting a cached cell is far cheaper than drawing.
    /// </summary>
    public byte[] Cell(char c, int cellWidth, int cellHeight, bool bold)
    {
        lock (_gate)
        {
            if (_glyphs.TryGetValue((c, bold, cellWidth, cellHeight), out var cached))
            {
                return cached;
            }

            using var bitmap = new SKBitmap(new SKImageInfo(cellWidth, cellHeight, SKColorType.Gray8, SKAlphaType.Opaque));
            using (var canvas = new SKCanvas(bitmap))
            using (var black = new SKPaint { Color = SKColors.Black, IsAntialias = true })
            {
                canvas.Clear(SKColors.White);
                DrawCell(canvas, c, 0, 0, cellWidth, cellHeight, bold, black);
            }

            var pixels = bitmap.GetPixelSpan();
            var dots = new byte[cellWidth * cellHeight];
            for (var y = 0; y < cellHeight; y++)
            {
                for (var x = 0; x < cellWidth; x++)
                {
                    dots[(y * cellWidth) + x] = pixels[(y * bitmap.RowBytes) + x] < 128 ? (byte)0 : (byte)255;
                }
            }

            _glyphs[(c, bold, cellWidth, cellHeight)] = dots;
            return dots;
        }
    }

    public void Dispose()
    {
        foreach (var font in _fonts.Values)
        {
            font.Dispose();
        }

        _regular.Dispose();
        _bold.Dispose();
    }

    private static SKTypeface LoadFace(string directory, string file)
    {
        var path = Path.Combine(directory, file);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"Printer emulator font {path} is missing: install the Debian package fonts-dejavu-core or point the font directory at a folder with {file}.", path);
        }

        return SKTypeface.FromFile(path)
            ?? throw new FileNotFoundException($"Printer emulator font {path} could not be read as a font.", path);
    }
}
