using SevaKiosk.Firmware.Receipts;
using SevaKiosk.Protocol.EscPos;
using SkiaSharp;

namespace SevaKiosk.Printer.Tests.Receipts;

/// <summary>
/// Hindi needs OpenType shaping: ि is typed after its consonant but drawn before it, and क + ् + ष is one conjunct
/// glyph. Plain per-code-point drawing gets both wrong; these tests show it does and that our lines do not.
/// </summary>
public sealed class ShapingTests : IDisposable
{
    private readonly ReceiptFonts _fonts = ReceiptFonts.Load();

    public void Dispose() => _fonts.Dispose();

    [Fact]
    public void Shaping_reorders_the_i_matra_before_its_consonant_where_naive_mapping_does_not()
    {
        var (shaped, naive) = Glyphs("कि");

        Assert.Equal(2, naive.Length);
        Assert.Equal(2, shaped.Length);
        Assert.Equal(naive[0], shaped[1]); // क comes second: the matra (a width-fitted variant of ि) was moved before it
        Assert.NotEqual(naive[0], shaped[0]);
    }

    [Fact]
    public void Shaping_forms_the_ksha_conjunct_as_one_glyph_where_naive_mapping_draws_three()
    {
        var (shaped, naive) = Glyphs("क्ष");

        Assert.Equal(3, naive.Length);
        var conjunct = Assert.Single(shaped);
        Assert.DoesNotContain(conjunct, naive);
    }

    [Fact]
    public void Our_rendered_line_puts_the_matra_left_of_the_consonant_and_unshaped_drawing_puts_it_right()
    {
        // ि rises above the headline (rows < 24 with our baseline); क does not. So the first inked columns of a
        // correctly shaped "कि" reach above the headline, those of the naive drawing do not.
        var ours = new ShapedLineRenderer(_fonts).Render(200, ShapedTextSize.Normal, [new PlacedText("कि", 10, false)]);
        var naive = Naive("कि", 200);

        Assert.True(InkAboveHeadline(ours, FirstInkColumn(ours)), "shaped: the leftmost stroke should be the matra's stem");
        Assert.False(InkAboveHeadline(naive, FirstInkColumn(naive)), "unshaped: the leftmost stroke is क");
    }

    [Fact]
    public void Our_rendered_conjunct_is_narrower_than_the_naive_cluster_with_its_visible_halant()
    {
        var ours = new ShapedLineRenderer(_fonts).Render(200, ShapedTextSize.Normal, [new PlacedText("क्ष", 10, false)]);
        var naive = Naive("क्ष", 200);

        var oursWidth = ours.LastInkColumn() - FirstInkColumn(ours);
        var naiveWidth = naive.LastInkColumn() - FirstInkColumn(naive);
        Assert.True(oursWidth < naiveWidth * 0.8, $"shaped {oursWidth} dots vs unshaped {naiveWidth} dots");
    }

    [Fact]
    public void A_mixed_line_is_split_into_script_runs_each_drawn_with_a_face_that_has_its_glyphs()
    {
        var runs = ScriptRuns.Split("रसीद संख्या / Receipt No. ₹1,245.00", _fonts, bold: false);

        Assert.Equal(ReceiptScript.Devanagari, runs[0].Script);
        Assert.StartsWith("रसीद संख्या", runs[0].Text, StringComparison.Ordinal);
        Assert.Contains(runs, r => r.Script == ReceiptScript.Latin && r.Text.Contains("Receipt No.", StringComparison.Ordinal));
        Assert.Equal("रसीद संख्या / Receipt No. ₹1,245.00", string.Concat(runs.Select(r => r.Text)));
        foreach (var run in runs)
        {
            var face = _fonts.Face(run.Script, bold: false);
            Assert.All(run.Text.EnumerateRunes(), rune => Assert.True(face.Covers(rune.Value), $"{run.Script} face lacks U+{rune.Value:X4}"));
        }
    }

    [Fact]
    public void A_missing_font_file_fails_with_its_path_and_the_package_that_provides_it()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => ReceiptFonts.Load("/opt/kiosk/no-fonts-here"));

        Assert.Contains("/opt/kiosk/no-fonts-here/NotoSansDevanagari-Regular.ttf", ex.Message, StringComparison.Ordinal);
        Assert.Contains("fonts-noto-core", ex.Message, StringComparison.Ordinal);
    }

    private (ushort[] Shaped, ushort[] Naive) Glyphs(string text)
    {
        var face = _fonts.Face(ReceiptScript.Devanagari, bold: false);
        using var font = new SKFont(face.Typeface, 27);
        var shaped = face.Shaper.Shape(text, font).Codepoints.Select(g => (ushort)g).ToArray();
        return (shaped, font.GetGlyphs(text));
    }

    /// <summary>What a renderer without shaping draws: one glyph per code point, in typed order.</summary>
    private RasterImage Naive(string text, int width)
    {
        var size = ShapedTextSize.Normal;
        using var bitmap = new SKBitmap(new SKImageInfo(width, size.Rows, SKColorType.Gray8, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        using (var font = new SKFont(_fonts.Face(ReceiptScript.Devanagari, false).Typeface, size.DevanagariPixels))
        using (var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true })
        {
            canvas.Clear(SKColors.White);
            canvas.DrawText(text, 10, size.Baseline, SKTextAlign.Left, font, ink);
        }

        return RasterImage.FromGray(bitmap.GetPixelSpan(), width, size.Rows, bitmap.RowBytes, 150);
    }

    private static int FirstInkColumn(RasterImage image)
    {
        for (var x = 0; x < image.Width; x++)
        {
            if (image.ColumnHasInk(x, 0, image.Height))
            {
                return x;
            }
        }

        return -1;
    }

    private static bool InkAboveHeadline(RasterImage image, int firstColumn)
    {
        // The three leftmost inked columns, rows above the headline (which starts at row 24).
        for (var x = firstColumn; x < firstColumn + 3; x++)
        {
            if (image.ColumnHasInk(x, 0, 22))
            {
                return true;
            }
        }

        return false;
    }
}
