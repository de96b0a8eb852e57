using SevaKiosk.Protocol.EscPos;
using SkiaSharp;
using SkiaSharp.HarfBuzz;

namespace SevaKiosk.Firmware.Receipts;

/// <summary>
/// Text sizes of shaped lines, in printer dots (203 dpi), and where the baseline sits. Lines are 24-dot strips high
/// (<c>ESC *</c> prints 24 rows per pass) and the baseline is placed so that the Devanagari headline (shirorekha) and
/// Latin capitals start exactly on a strip boundary: the strip above then holds only the sparse matras that rise over
/// the headline, and Latin-only values (numbers, ids, amounts) fit in one strip instead of straddling two.
/// </summary>
/// <param name="DevanagariPixels">Em size of Devanagari runs (27 dots ≈ 3.4 mm).</param>
/// <param name="LatinPixels">Em size of Latin runs: capitals as tall as the headline is high, like font A's.</param>
/// <param name="Rows">Height of one shaped line, a multiple of 24.</param>
/// <param name="Baseline">Baseline row; ु ू ृ and descenders still end inside the line.</param>
public sealed record ShapedTextSize(float DevanagariPixels, float LatinPixels, int Rows, int Baseline)
{
    /// <summary>Body text: headline at row 24, lowest marks at row 47.</summary>
    public static ShapedTextSize Normal { get; } = new(27, 23, 48, 41);

    /// <summary>Headings: three strips, headline at row 24.</summary>
    public static ShapedTextSize Large { get; } = new(36, 31, 72, 47);
}

/// <summary>A piece of text placed on a shaped line.</summary>
public sealed record PlacedText(string Text, float X, bool Bold);

/// <summary>
/// Draws receipt lines the printer's fonts cannot (Devanagari, ₹) as 1-bit images: each line is split into script
/// runs, every run is shaped by HarfBuzz with its own face (so matras reorder and conjuncts form) and drawn at the
/// advance of the runs before it, then thresholded for the thermal head.
/// </summary>
public sealed class ShapedLineRenderer
{
    /// <summary>Grey level below which a dot prints: a little above mid-grey keeps thin Devanagari strokes whole.</summary>
    private const byte InkThreshold = 150;

    private readonly ReceiptFonts _fonts;

    public ShapedLineRenderer(ReceiptFonts fonts) => _fonts = fonts ?? throw new ArgumentNullException(nameof(fonts));

    /// <summary>Advance width of <paramref name="text"/> in dots.</summary>
    public float Measure(string text, bool bold, ShapedTextSize size)
    {
        ArgumentNullException.ThrowIfNull(size);
        var width = 0f;
        foreach (var run in ScriptRuns.Split(text, _fonts, bold))
        {
            var face = _fonts.Face(run.Script, bold);
            using var font = CreateFont(face, size);
            width += face.Shaper.Shape(run.Text, font).Width;
        }

        return width;
    }

    /// <summary>Renders the pieces of one line into an image <paramref name="width"/> dots wide and <see cref="ShapedTextSize.Rows"/> tall.</summary>
    public RasterImage Render(int width, ShapedTextSize size, IEnumerable<PlacedText> pieces)
    {
        ArgumentNullException.ThrowIfNull(size);
        ArgumentNullException.ThrowIfNull(pieces);
        using var bitmap = new SKBitmap(new SKImageInfo(width, size.Rows, SKColorType.Gray8, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        using (var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true })
        {
            canvas.Clear(SKColors.White);
            foreach (var piece in pieces)
            {
                var x = piece.X;
                foreach (var run in ScriptRuns.Split(piece.Text, _fonts, piece.Bold))
                {
                    var face = _fonts.Face(run.Script, piece.Bold);
                    using var font = CreateFont(face, size);
                    canvas.DrawShapedText(face.Shaper, run.Text, x, size.Baseline, SKTextAlign.Left, font, ink);
                    x += face.Shaper.Shape(run.Text, font).Width;
                }
            }
        }

        return RasterImage.FromGray(bitmap.GetPixelSpan(), width, size.Rows, bitmap.RowBytes, InkThreshold);
    }

    private static SKFont CreateFont(ReceiptFace face, ShapedTextSize size) =>
        new(face.Typeface, face.Script == ReceiptScript.Devanagari ? size.DevanagariPixels : size.LatinPixels)
        {
            Edging = SKFontEdging.Antialias,
            Subpixel = true,
        };
}
