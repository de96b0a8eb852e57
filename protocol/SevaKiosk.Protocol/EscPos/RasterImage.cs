namespace SevaKiosk.Protocol.EscPos;

/// <summary>
/// A 1-bit image in the layout <c>GS v 0</c> sends: rows top to bottom, <see cref="BytesPerRow"/> = ceil(width / 8)
/// bytes per row, the most significant bit is the leftmost dot and a set bit prints (black).
/// </summary>
public sealed class RasterImage
{
    private readonly byte[] _packed;

    /// <summary>A white image.</summary>
    public RasterImage(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        Width = width;
        Height = height;
        BytesPerRow = (width + 7) / 8;
        _packed = new byte[BytesPerRow * height];
    }

    /// <summary>Wraps packed rows (not copied).</summary>
    public RasterImage(int width, int height, byte[] packed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        ArgumentNullException.ThrowIfNull(packed);
        var bytesPerRow = (width + 7) / 8;
        if (packed.Length != bytesPerRow * height)
        {
            throw new ArgumentException($"{width}×{height} dots need {bytesPerRow * height} packed bytes, got {packed.Length}.", nameof(packed));
        }

        Width = width;
        Height = height;
        BytesPerRow = bytesPerRow;
        _packed = packed;
    }

    public int Width { get; }

    public int Height { get; }

    public int BytesPerRow { get; }

    /// <summary>All rows, packed.</summary>
    public ReadOnlySpan<byte> Packed => _packed;

    public bool this[int x, int y]
    {
        get => (_packed[(y * BytesPerRow) + (x >> 3)] & (0x80 >> (x & 7))) != 0;
        set
        {
            ref var b = ref _packed[(y * BytesPerRow) + (x >> 3)];
            b = value ? (byte)(b | (0x80 >> (x & 7))) : (byte)(b & ~(0x80 >> (x & 7)));
        }
    }

    /// <summary>
    /// Thresholds an 8-bit grey image (0 black … 255 white): darker than <paramref name="threshold"/> prints.
    /// Thresholding keeps text crisp; dithering is for photographs, which receipts do not carry.
    /// </summary>
    public static RasterImage FromGray(ReadOnlySpan<byte> gray, int width, int height, int stride, byte threshold = 128)
    {
        if (gray.Length < ((height - 1) * stride) + width)
        {
            throw new ArgumentException("The grey buffer is smaller than width, height and stride say.", nameof(gray));
        }

        var image = new RasterImage(width, height);
        for (var y = 0; y < height; y++)
        {
            var row = gray.Slice(y * stride, width);
            var packedRow = image._packed.AsSpan(y * image.BytesPerRow, image.BytesPerRow);
            for (var x = 0; x < width; x++)
            {
                if (row[x] < threshold)
                {
                    packedRow[x >> 3] |= (byte)(0x80 >> (x & 7));
                }
            }
        }

        return image;
    }

    public ReadOnlySpan<byte> Row(int y) => _packed.AsSpan(y * BytesPerRow, BytesPerRow);

    public bool IsRowBlank(int y) => !Row(y).ContainsAnyExcept((byte)0);

    /// <summary>Rows <paramref name="top"/> .. top + rows - 1 as a new image (rows beyond the bottom are white).</summary>
    public RasterImage Rows(int top, int rows)
    {
        var slice = new RasterImage(Width, rows);
        var available = Math.Clamp(Height - top, 0, rows);
        if (available > 0)
        {
            _packed.AsSpan(top * BytesPerRow, available * BytesPerRow).CopyTo(slice._packed);
        }

        return slice;
    }

    /// <summary>The left part of the image, <paramref name="width"/> dots wide (used to drop a white right margin).</summary>
    public RasterImage LeftColumns(int width)
    {
        var cropped = new RasterImage(width, Height);
        for (var y = 0; y < Height; y++)
        {
            Row(y)[..cropped.BytesPerRow].CopyTo(cropped._packed.AsSpan(y * cropped.BytesPerRow));
        }

        // Clear the bits beyond the new width in the last byte of every row.
        var spare = (cropped.BytesPerRow * 8) - width;
        if (spare > 0)
        {
            var mask = (byte)(0xFF << spare);
            for (var y = 0; y < Height; y++)
            {
                cropped._packed[(y * cropped.BytesPerRow) + cropped.BytesPerRow - 1] &= mask;
            }
        }

        return cropped;
    }

    /// <summary>True if column <paramref name="x"/> has ink anywhere in rows top .. top + rows - 1.</summary>
    public bool ColumnHasInk(int x, int top, int rows)
    {
        var end = Math.Min(Height, top + rows);
        var mask = (byte)(0x80 >> (x & 7));
        for (var y = Math.Max(0, top); y < end; y++)
        {
            if ((_packed[(y * BytesPerRow) + (x >> 3)] & mask) != 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Index of the rightmost column with ink, or -1 when the image is blank.</summary>
    public int LastInkColumn()
    {
        for (var x = Width - 1; x >= 0; x--)
        {
            if (ColumnHasInk(x, 0, Height))
            {
                return x;
            }
        }

        return -1;
    }

    /// <summary>
    /// Column ranges with ink in a band of rows, as [start, end) pairs. Runs of white columns shorter than
    /// <paramref name="mergeGap"/> are kept inside a span (sending a few white columns is cheaper than a new header).
    /// </summary>
    public IReadOnlyList<(int Start, int End)> InkSpans(int top, int rows, int mergeGap)
    {
        var spans = new List<(int Start, int End)>();
        var start = -1;
        var lastInk = -1;
        for (var x = 0; x < Width; x++)
        {
            if (!ColumnHasInk(x, top, rows))
            {
                continue;
            }

            if (start < 0)
            {
                start = x;
            }
            else if (x - lastInk - 1 >= mergeGap)
            {
                spans.Add((start, lastInk + 1));
                start = x;
            }

            lastInk = x;
        }

        if (start >= 0)
        {
            spans.Add((start, lastInk + 1));
        }

        return spans;
    }

    /// <summary>
    /// Packs columns [start, end) of rows top .. top + 23 in <c>ESC * 33</c> column format: three bytes per column,
    /// top byte first, most significant bit the top dot.
    /// </summary>
    public byte[] ToColumnFormat24(int top, int start, int end)
    {
        var data = new byte[(end - start) * 3];
        for (var x = start; x < end; x++)
        {
            var mask = (byte)(0x80 >> (x & 7));
            var column = (x - start) * 3;
            for (var dy = 0; dy < 24; dy++)
            {
                var y = top + dy;
                if (y < Height && (_packed[(y * BytesPerRow) + (x >> 3)] & mask) != 0)
                {
                    data[column + (dy >> 3)] |= (byte)(0x80 >> (dy & 7));
                }
            }
        }

        return data;
    }
}
