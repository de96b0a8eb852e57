using System.Text;
using SevaKiosk.Protocol.EscPos;
using ZXing.QrCode.Internal;
using QrEncoder = ZXing.QrCode.Internal.Encoder;

namespace SevaKiosk.Firmware.Receipts;

/// <summary>The ESC/POS bytes of a receipt and what they are made of.</summary>
/// <param name="TextLines">Lines printed in the printer's own font.</param>
/// <param name="ShapedLines">Lines drawn as shaped images (Devanagari, ₹).</param>
/// <param name="ImageBytes">Bytes spent on image data (shaped lines and QR images), headers included.</param>
public sealed record ComposedReceipt(byte[] Bytes, int TextLines, int ShapedLines, int ImageBytes);

/// <summary>
/// Turns a <see cref="Receipt"/> into ESC/POS for one printer profile. Lines the printer's code table can print go as
/// text in its own font; every line with Devanagari (or another character the table lacks, such as ₹) is shaped and
/// sent as an image. On printers that place bit images on a line (<c>ESC *</c> + <c>ESC $</c>) only the inked column
/// spans of each 24-dot strip are sent, so a label on the left and an amount on the right do not cost a full-width
/// raster; other printers get <c>GS v 0</c> bands. QR codes are native where the profile has them.
/// </summary>
public sealed class ReceiptComposer
{
    /// <summary>White columns cheaper to send than a new <c>ESC $</c> + <c>ESC *</c> header (9 bytes = 3 columns).</summary>
    private const int SpanMergeGap = 4;

    private const int StripRows = 24;
    private readonly PrinterProfile _profile;
    private readonly ShapedLineRenderer _renderer;

    public ReceiptComposer(PrinterProfile profile, ReceiptFonts fonts)
    {
        _profile = profile ?? throw new ArgumentNullException(nameof(profile));
        _renderer = new ShapedLineRenderer(fonts);
    }

    public PrinterProfile Profile => _profile;

    public byte[] Compose(Receipt receipt) => ComposeDetailed(receipt).Bytes;

    public ComposedReceipt ComposeDetailed(Receipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        var writer = new Writer(_profile, _renderer);
        writer.Start();
        foreach (var element in receipt.Elements)
        {
            writer.Add(element);
        }

        writer.Finish();
        return writer.Result();
    }

    /// <summary>One composition in progress: the builder plus the modes last sent, so nothing is sent twice.</summary>
    private sealed class Writer(PrinterProfile profile, ShapedLineRenderer renderer)
    {
        private readonly EscPosBuilder _b = new();
        private readonly int _width = profile.DotsPerLine;
        private readonly int _columns = profile.Columns;
        private EscPosAlignment _align;
        private int _spacing;
        private int _textLines;
        private int _shapedLines;
        private int _imageBytes;

        public void Start()
        {
            _b.Initialize().CodeTableSelect(profile.CodeTable, profile.CodeTableNumber).LineSpacing(profile.LineSpacingDots);
            _spacing = profile.LineSpacingDots;
            _align = EscPosAlignment.Left;
        }

        public void Finish()
        {
            TextMode();
            switch (profile.Cut)
            {
                case EscPosCut.FeedAndFull or EscPosCut.FeedAndPartial:
                    // The printer feeds to its cutter itself; the parameter only adds a margin.
                    _b.FeedLines(1).Cut(profile.Cut, profile.CutFeedDots);
                    break;
                case EscPosCut.None:
                    _b.FeedLines(4);
                    break;
                default:
                    // GS V 0/1 and ESC i/m cut where the paper is: bring the last line past the cutter first.
                    _b.FeedLines(5).Cut(profile.Cut);
                    break;
            }
        }

        public ComposedReceipt Result() => new(_b.ToArray(), _textLines, _shapedLines, _imageBytes);

        public void Add(ReceiptElement element)
        {
            switch (element)
            {
                case ReceiptHeading heading:
                    Paragraph(heading.Text, ReceiptAlign.Center, ReceiptTextStyle.Large);
                    break;
                case ReceiptText text:
                    Paragraph(text.Text, text.Align, text.Style);
                    break;
                case ReceiptField field:
                    Row(field.Label, field.Value, field.Bold);
                    break;
                case ReceiptAmount amount:
                    var shaped = !Printable(amount.Label);
                    Row(amount.Label, IndianNumbers.Format(amount.Amount, rupeeSign: shaped), amount.Total);
                    break;
                case ReceiptRule rule:
                    TextLine(new string(rule.Double ? '=' : '-', _columns), EscPosAlignment.Left, ReceiptTextStyle.Normal);
                    break;
                case ReceiptQr qr:
                    Qr(qr.Data);
                    if (qr.Caption is not null)
                    {
                        Paragraph(qr.Caption, ReceiptAlign.Center, ReceiptTextStyle.Normal);
                    }

                    break;
                case ReceiptBarcode barcode:
                    Barcode(barcode.Data);
                    break;
                case ReceiptSpace space:
                    TextMode();
                    _b.FeedLines((byte)Math.Clamp(space.Lines, 1, 255));
                    break;
                default:
                    throw new ArgumentException($"Unknown receipt element {element.GetType().Name}.", nameof(element));
            }
        }

        private bool Printable(string text) => EscPosCodeTables.CanEncode(profile.CodeTable, text);

        private static string Sanitize(string text)
        {
            // Values come from the backend: never let one carry a control byte (a command) to the printer.
            var clean = new StringBuilder(text.Length);
            foreach (var c in text)
            {
                clean.Append(char.IsControl(c) ? ' ' : c);
            }

            return clean.ToString();
        }

        private void Paragraph(string text, ReceiptAlign align, ReceiptTextStyle style)
        {
            text = Sanitize(text);
            var alignment = (EscPosAlignment)(int)align;
            if (Printable(text))
            {
                var columns = style switch
                {
                    ReceiptTextStyle.Large => _columns / 2,
                    ReceiptTextStyle.Small => profile.ColumnsFontB,
                    _ => _columns,
                };
                foreach (var line in Wrap(text, columns))
                {
                    TextLine(line, alignment, style);
                }

                return;
            }

            var size = style == ReceiptTextStyle.Large ? ShapedTextSize.Large : ShapedTextSize.Normal;
            var bold = style is ReceiptTextStyle.Bold or ReceiptTextStyle.Large;
            foreach (var line in WrapShaped(text, bold, size, _width))
            {
                var width = renderer.Measure(line, bold, size);
                var x = align switch
                {
                    ReceiptAlign.Center => (_width - width) / 2,
                    ReceiptAlign.Right => _width - width,
                    _ => 0f,
                };
                ShapedLine(size, [new PlacedText(line, Math.Max(0, x), bold)]);
            }
        }

        /// <summary>Label left, value right; the value goes on its own line when the two do not fit side by side.</summary>
        private void Row(string label, string value, bool bold)
        {
            label = Sanitize(label);
            value = Sanitize(value);
            var style = bold ? ReceiptTextStyle.Bold : ReceiptTextStyle.Normal;
            if (Printable(label) && Printable(value))
            {
                if (label.Length + 1 + value.Length <= _columns)
                {
                    TextLine(label + new string(' ', _columns - label.Length - value.Length) + value, EscPosAlignment.Left, style);
                    return;
                }

                foreach (var line in Wrap(label, _columns))
                {
                    TextLine(line, EscPosAlignment.Left, style);
                }

                foreach (var line in Wrap(value, _columns))
                {
                    TextLine(line, EscPosAlignment.Right, style);
                }

                return;
            }

            var size = ShapedTextSize.Normal;
            var labelWidth = renderer.Measure(label, bold, size);
            var valueWidth = renderer.Measure(value, bold, size);
            var gap = size.LatinPixels;
            if (labelWidth + gap + valueWidth <= _width)
            {
                ShapedLine(size, [new PlacedText(label, 0, bold), new PlacedText(value, _width - valueWidth, bold)]);
                return;
            }

            Paragraph(label, ReceiptAlign.Left, style);
            Paragraph(value, ReceiptAlign.Right, style);
        }

        private void TextLine(string line, EscPosAlignment alignment, ReceiptTextStyle style)
        {
            TextMode();
            if (alignment != _align)
            {
                _b.Align(alignment);
                _align = alignment;
            }

            switch (style)
            {
                case ReceiptTextStyle.Bold:
                    _b.Bold(true).Line(line).Bold(false);
                    break;
                case ReceiptTextStyle.Large:
                    _b.Bold(true).CharacterSize(2, 2).Line(line).CharacterSize(1, 1).Bold(false);
                    break;
                case ReceiptTextStyle.Small:
                    _b.Font(EscPosFont.B).Line(line).Font(EscPosFont.A);
                    break;
                default:
                    _b.Line(line);
                    break;
            }

            _textLines++;
        }

        /// <summary>Back to text: the line spacing shaped strips changed, and left alignment for ESC $.</summary>
        private void TextMode()
        {
            if (_spacing != profile.LineSpacingDots)
            {
                _b.LineSpacing(profile.LineSpacingDots);
                _spacing = profile.LineSpacingDots;
            }
        }

        private void ShapedLine(ShapedTextSize size, IReadOnlyList<PlacedText> pieces)
        {
            var image = renderer.Render(_width, size, pieces);
            var before = _b.Length;
            if (_align != EscPosAlignment.Left)
            {
                _b.Align(EscPosAlignment.Left);
                _align = EscPosAlignment.Left;
            }

            if (profile.InlineBitImages)
            {
                InlineStrips(image);
            }
            else
            {
                RasterBands(image);
            }

            _imageBytes += _b.Length - before;
            _shapedLines++;
        }

        /// <summary>Each 24-dot strip: only its inked column spans, placed with ESC $; line spacing 24 so strips abut.</summary>
        private void InlineStrips(RasterImage image)
        {
            if (_spacing != StripRows)
            {
                _b.LineSpacing(StripRows);
                _spacing = StripRows;
            }

            for (var top = 0; top < image.Height; top += StripRows)
            {
                foreach (var (start, end) in image.InkSpans(top, StripRows, SpanMergeGap))
                {
                    _b.AbsolutePosition(start).BitImage(BitImageMode.Dots24Double, image.ToColumnFormat24(top, start, end));
                }

                _b.LineFeed();
            }
        }

        /// <summary>GS v 0 bands, cut at the last inked column (left aligned, so the white right margin is free).</summary>
        private void RasterBands(RasterImage image)
        {
            TextMode();
            var last = image.LastInkColumn();
            if (last < 0)
            {
                _b.FeedDots((byte)Math.Min(255, image.Height));
                return;
            }

            _b.RasterBands(image.LeftColumns(last + 1), profile.MaxRasterBandRows);
        }

        private void Qr(string data)
        {
            TextMode();
            _b.Align(EscPosAlignment.Center);
            _align = EscPosAlignment.Center;
            _b.FeedDots(12);
            if (profile.NativeQr)
            {
                _b.Qr(data, profile.QrModuleDots, QrErrorCorrection.M);
            }
            else
            {
                var before = _b.Length;
                _b.RasterBands(QrImage(data, profile.QrModuleDots), profile.MaxRasterBandRows);
                _imageBytes += _b.Length - before;
            }

            _b.FeedDots(12);
        }

        private void Barcode(string data)
        {
            if (!profile.Code128)
            {
                Paragraph(data, ReceiptAlign.Center, ReceiptTextStyle.Normal);
                return;
            }

            TextMode();
            _b.Align(EscPosAlignment.Center);
            _align = EscPosAlignment.Center;
            _b.BarcodeHri(BarcodeHriPosition.Below).BarcodeHriFont(EscPosFont.A).BarcodeHeight(64).BarcodeModuleWidth(2).Code128(data);
        }

        /// <summary>A QR code as an image for printers without GS ( k, with the same module size.</summary>
        private static RasterImage QrImage(string data, int module)
        {
            var hints = new Dictionary<ZXing.EncodeHintType, object> { [ZXing.EncodeHintType.CHARACTER_SET] = "UTF-8" };
            var matrix = QrEncoder.encode(data, ErrorCorrectionLevel.M, hints).Matrix;
            var image = new RasterImage(matrix.Width * module, matrix.Height * module);
            for (var y = 0; y < image.Height; y++)
            {
                for (var x = 0; x < image.Width; x++)
                {
                    image[x, y] = matrix[x / module, y / module] == 1;
                }
            }

            return image;
        }

        private static IEnumerable<string> Wrap(string text, int columns)
        {
            var line = new StringBuilder();
            foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var rest = word;
                while (rest.Length > columns)
                {
                    if (line.Length > 0)
                    {
                        yield return line.ToString();
                        line.Clear();
                    }

                    yield return rest[..columns];
                    rest = rest[columns..];
                }

                if (line.Length > 0 && line.Length + 1 + rest.Length > columns)
                {
                    yield return line.ToString();
                    line.Clear();
                }

                if (line.Length > 0)
                {
                    line.Append(' ');
                }

                line.Append(rest);
            }

            if (line.Length > 0)
            {
                yield return line.ToString();
            }
        }

        private IEnumerable<string> WrapShaped(string text, bool bold, ShapedTextSize size, int width)
        {
            var line = string.Empty;
            foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = line.Length == 0 ? word : line + " " + word;
                if (line.Length > 0 && renderer.Measure(candidate, bold, size) > width)
                {
                    yield return line;
                    line = word;
                }
                else
                {
                    line = candidate;
                }
            }

            if (line.Length > 0)
            {
                yield return line;
            }
        }
    }
}
