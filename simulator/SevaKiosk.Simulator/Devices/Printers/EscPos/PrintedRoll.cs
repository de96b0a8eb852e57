using SkiaSharp;

namespace SevaKiosk.Simulator.Devices.Printers.EscPos;

/// <summary>How a printed piece of paper ended.</summary>
public enum PageEnd
{
    /// <summary>Still on the roll (nothing cut yet).</summary>
    Open,
    FullCut,
    PartialCut,

    /// <summary>The roll ran out in the middle of it.</summary>
    PaperEnd,
}

/// <summary>One piece of paper: its dots (0 = printed, 255 = paper) and how it ended.</summary>
public sealed record PrintedPage(int Width, int Height, byte[] Dots, PageEnd End)
{
    /// <summary>Rows from the top down to the last one with a printed dot (the blank feed to the cutter left out).</summary>
    public int RowsToLastInk()
    {
        var rows = Height;
        while (rows > 0 && !Dots.AsSpan((rows - 1) * Width, Width).Contains((byte)0))
        {
            rows--;
        }

        return rows;
    }

    /// <summary>Rows that have at least one printed dot.</summary>
    public int InkedRows()
    {
        var count = 0;
        for (var y = 0; y < Height; y++)
        {
            if (Dots.AsSpan(y * Width, Width).Contains((byte)0))
            {
                count++;
            }
        }

        return count;
    }
}

/// <summary>
/// The paper as the thermal head leaves it: rows of dots, one byte per dot, collected until a cut (or paper end)
/// closes a page. Renders pages to PNG with the cut drawn under them.
/// </summary>
public sealed class PrintedRoll
{
    /// <summary>Grey level of cut marks: visible, but never mistaken for printed dots.</summary>
    public const byte CutMarkGrey = 160;

    private const int CutMarkRows = 12;
    private readonly List<PrintedPage> _pages = [];
    private readonly bool _keepPages;
    private byte[] _rows;
    private int _height;

    /// <param name="keepPages">Keep every closed page in <see cref="Pages"/> (a page is a byte per dot, about 1 MB for a
    /// receipt); false for hosts that run for days and only want each page as it closes.</param>
    public PrintedRoll(int width, bool keepPages = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        Width = width;
        _keepPages = keepPages;
        _rows = new byte[width * 256];
    }

    public int Width { get; }

    /// <summary>Rows printed or fed since the last cut.</summary>
    public int OpenRows => _height;

    /// <summary>Pages closed so far, oldest first.</summary>
    public IReadOnlyList<PrintedPage> Pages => _pages;

    /// <summary>Appends printed rows: <paramref name="dots"/> is <see cref="Width"/> bytes per row, 0 = dot, 255 = paper.</summary>
    public void Print(ReadOnlySpan<byte> dots) => dots.CopyTo(Grow(dots.Length / Width));

    /// <summary>Blank paper.</summary>
    public void Feed(int rows)
    {
        if (rows > 0)
        {
            Grow(rows).Fill(255);
        }
    }

    /// <summary>Closes the current page (even an empty one: a cut with nothing printed is still a cut).</summary>
    public PrintedPage Close(PageEnd end)
    {
        var page = new PrintedPage(Width, _height, _rows.AsSpan(0, _height * Width).ToArray(), end);
        if (_keepPages)
        {
            _pages.Add(page);
        }

        _height = 0;
        return page;
    }

    /// <summary>The open part of the roll as a page, without closing it.</summary>
    public PrintedPage Peek() => new(Width, _height, _rows.AsSpan(0, _height * Width).ToArray(), PageEnd.Open);

    /// <summary>Encodes one page as a greyscale PNG with its cut marked below it.</summary>
    public static byte[] EncodePng(PrintedPage page) => EncodePng([page]);

    /// <summary>Encodes several pages one under another, each followed by its cut mark: the whole roll.</summary>
    public static byte[] EncodePng(IReadOnlyList<PrintedPage> pages)
    {
        ArgumentNullException.ThrowIfNull(pages);
        if (pages.Count == 0)
        {
            throw new ArgumentException("Nothing to render: no page.", nameof(pages));
        }

        var width = pages[0].Width;
        var height = pages.Sum(p => p.Height + CutMarkRows);
        using var bitmap = new SKBitmap(new SKImageInfo(width, Math.Max(1, height), SKColorType.Gray8, SKAlphaType.Opaque));
        var pixels = bitmap.GetPixelSpan();
        pixels.Fill(255);
        var y = 0;
        foreach (var page in pages)
        {
            page.Dots.CopyTo(pixels.Slice(y * bitmap.RowBytes));
            y += page.Height;
            DrawCutMark(pixels.Slice(y * bitmap.RowBytes, CutMarkRows * bitmap.RowBytes), bitmap.RowBytes, width, page.End);
            y += CutMarkRows;
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>
    /// A full cut is a solid line, a partial cut a line with the uncut point left in the middle, paper end a row of
    /// short dashes, an open page nothing.
    /// </summary>
    private static void DrawCutMark(Span<byte> area, int stride, int width, PageEnd end)
    {
        if (end == PageEnd.Open)
        {
            return;
        }

        var row = area.Slice((CutMarkRows / 2) * stride, width);
        for (var x = 0; x < width; x++)
        {
            var mark = end switch
            {
                PageEnd.FullCut => true,
                PageEnd.PartialCut => Math.Abs(x - (width / 2)) > 16,
                _ => x / 8 % 2 == 0,
            };
            if (mark)
            {
                row[x] = CutMarkGrey;
                area[((CutMarkRows / 2) + 1) * stride + x] = CutMarkGrey;
            }
        }
    }

    private Span<byte> Grow(int rows)
    {
        var needed = (_height + rows) * Width;
        if (needed > _rows.Length)
        {
            Array.Resize(ref _rows, Math.Max(needed, _rows.Length * 2));
        }

        var span = _rows.AsSpan(_height * Width, rows * Width);
        _height += rows;
        return span;
    }
}
