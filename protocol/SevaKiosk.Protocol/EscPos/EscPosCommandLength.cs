using static SevaKiosk.Protocol.EscPos.EscPosCommandKind;

namespace SevaKiosk.Protocol.EscPos;

/// <summary>
/// How long an ESC/POS command is, from its first bytes: the table behind <see cref="EscPosParser"/>. Covers the
/// Epson command set (including commands a receipt never uses, so a stream from any producer can be skipped over
/// correctly) and says when a prefix is unknown.
/// </summary>
internal static class EscPosCommandLength
{
    internal enum Status
    {
        NeedMore,
        Known,
        Unknown,
    }

    internal readonly record struct Measurement(Status Status, long Total, EscPosCommandKind Kind, int Prefix, string? Note = null)
    {
        public static Measurement More => new(Status.NeedMore, 0, Unknown, 0);
    }

    /// <summary>
    /// Measures the command that starts with <paramref name="p"/> (which begins with ESC, GS, FS or DLE).
    /// <see cref="Status.Unknown"/> carries in <see cref="Measurement.Total"/> how many bytes to skip.
    /// </summary>
    public static Measurement Measure(ReadOnlySpan<byte> p)
    {
        if (p.Length < 2)
        {
            return Measurement.More;
        }

        return p[0] switch
        {
            EscPosControl.Esc => MeasureEsc(p),
            EscPosControl.Gs => MeasureGs(p),
            EscPosControl.Fs => MeasureFs(p),
            _ => MeasureDle(p),
        };
    }

    private static Measurement Fixed(EscPosCommandKind kind, int parameters) => new(Status.Known, 2 + parameters, kind, 2);

    private static Measurement UnknownPrefix(ReadOnlySpan<byte> p, int length) =>
        new(Status.Unknown, length, Unknown, length, $"unknown command {EscPosMnemonic.Of(p[..length])}; skipped {length} bytes");

    private static Measurement MeasureEsc(ReadOnlySpan<byte> p) => p[1] switch
    {
        (byte)' ' => Fixed(CharacterSpacing, 1),
        (byte)'!' => Fixed(SelectPrintMode, 1),
        (byte)'$' => Fixed(AbsolutePosition, 2),
        (byte)'%' => Fixed(SelectUserCharacters, 1),
        (byte)'-' => Fixed(Underline, 1),
        (byte)'2' => Fixed(DefaultLineSpacing, 0),
        (byte)'3' => Fixed(LineSpacing, 1),
        (byte)'=' => Fixed(Ignored, 1),
        (byte)'?' => Fixed(CancelUserCharacter, 1),
        (byte)'@' => Fixed(Initialize, 0),
        (byte)'E' => Fixed(Emphasis, 1),
        (byte)'G' => Fixed(DoubleStrike, 1),
        (byte)'J' => Fixed(FeedDots, 1),
        (byte)'K' => Fixed(Ignored, 1),
        (byte)'L' => Fixed(Ignored, 0),
        (byte)'M' => Fixed(SelectFont, 1),
        (byte)'R' => Fixed(InternationalCharacterSet, 1),
        (byte)'S' => Fixed(Ignored, 0),
        (byte)'T' => Fixed(Ignored, 1),
        (byte)'U' => Fixed(Ignored, 1),
        (byte)'V' => Fixed(Rotate90, 1),
        (byte)'W' => Fixed(Ignored, 8),
        (byte)'\\' => Fixed(RelativePosition, 2),
        (byte)'a' => Fixed(Alignment, 1),
        (byte)'c' => Fixed(Ignored, 2),
        (byte)'d' => Fixed(FeedLines, 1),
        (byte)'e' => Fixed(ReverseFeedLines, 1),
        (byte)'i' => Fixed(LegacyFullCut, 0),
        (byte)'m' => Fixed(LegacyPartialCut, 0),
        (byte)'p' => Fixed(Ignored, 3),
        (byte)'r' => Fixed(Ignored, 1),
        (byte)'t' => Fixed(SelectCodeTable, 1),
        (byte)'u' => Fixed(Ignored, 1),
        (byte)'v' => Fixed(Ignored, 0),
        (byte)'{' => Fixed(UpsideDown, 1),
        EscPosControl.Ff => Fixed(Ignored, 0),
        (byte)'*' => p.Length < 5 ? Measurement.More
            : new(Status.Known, 5 + ((p[3] + (p[4] << 8)) * (p[2] >= 32 ? 3L : 1L)), BitImage, 2),
        (byte)'&' => MeasureUserCharacters(p),
        (byte)'D' => Terminated(p, 2, 33, Ignored),
        (byte)'(' => p.Length < 5 ? Measurement.More : new(Status.Known, 5 + p[3] + (p[4] << 8), Ignored, 3),
        _ => UnknownPrefix(p, 2),
    };

    private static Measurement MeasureGs(ReadOnlySpan<byte> p)
    {
        switch (p[1])
        {
            case (byte)'!': return Fixed(CharacterSize, 1);
            case (byte)'$': return Fixed(Ignored, 2);
            case (byte)'/': return Fixed(PrintDownloadedBitImage, 1);
            case (byte)':': return Fixed(Ignored, 0);
            case (byte)'B': return Fixed(Reverse, 1);
            case (byte)'H': return Fixed(EscPosCommandKind.BarcodeHriPosition, 1);
            case (byte)'I': return Fixed(TransmitPrinterId, 1);
            case (byte)'L': return Fixed(LeftMargin, 2);
            case (byte)'P': return Fixed(Ignored, 2);
            case (byte)'T': return Fixed(Ignored, 1);
            case (byte)'W': return Fixed(PrintAreaWidth, 2);
            case (byte)'\\': return Fixed(Ignored, 2);
            case (byte)'^': return Fixed(Ignored, 3);
            case (byte)'a': return Fixed(AutomaticStatusBack, 1);
            case (byte)'b': return Fixed(Ignored, 1);
            case (byte)'f': return Fixed(BarcodeHriFont, 1);
            case (byte)'h': return Fixed(BarcodeHeight, 1);
            case (byte)'j': return Fixed(Ignored, 1);
            case (byte)'r': return Fixed(TransmitStatus, 1);
            case (byte)'w': return Fixed(BarcodeWidth, 1);
            case (byte)'g': return Fixed(Ignored, 4);
            case (byte)'z': return Fixed(Ignored, 3);
            case (byte)'V':
                if (p.Length < 3)
                {
                    return Measurement.More;
                }

                return p[2] switch
                {
                    0 or 1 or 48 or 49 => new(Status.Known, 3, Cut, 2),
                    65 or 66 or 97 or 98 or 103 or 104 => new(Status.Known, 4, Cut, 2),
                    _ => UnknownPrefix(p, 3),
                };
            case (byte)'(':
                return p.Length < 5 ? Measurement.More : new(Status.Known, 5 + p[3] + (p[4] << 8), p[2] switch
                {
                    (byte)'k' => TwoDimensionalCode,
                    (byte)'L' => Graphics,
                    _ => Ignored,
                }, 3);
            case (byte)'8':
                if (p.Length < 7)
                {
                    return Measurement.More;
                }

                return p[2] == (byte)'L'
                    ? new(Status.Known, 7L + p[3] + (p[4] << 8) + (p[5] << 16) + ((long)p[6] << 24), Graphics, 3)
                    : UnknownPrefix(p, 3);
            case (byte)'*':
                return p.Length < 4 ? Measurement.More : new(Status.Known, 4 + (p[2] * p[3] * 8L), DefineDownloadedBitImage, 2);
            case (byte)'k':
                if (p.Length < 3)
                {
                    return Measurement.More;
                }

                if (p[2] <= 6)
                {
                    return Terminated(p, 3, 255, Barcode);
                }

                if (p[2] is >= 65 and <= 79)
                {
                    return p.Length < 4 ? Measurement.More : new(Status.Known, 4 + p[3], Barcode, 2);
                }

                return UnknownPrefix(p, 3);
            case (byte)'v':
                if (p.Length < 3)
                {
                    return Measurement.More;
                }

                if (p[2] != (byte)'0')
                {
                    return UnknownPrefix(p, 3);
                }

                return p.Length < 8 ? Measurement.More
                    : new(Status.Known, 8 + ((long)(p[4] + (p[5] << 8)) * (p[6] + (p[7] << 8))), EscPosCommandKind.RasterImage, 3);
            default:
                return UnknownPrefix(p, 2);
        }
    }

    private static Measurement MeasureFs(ReadOnlySpan<byte> p)
    {
        switch (p[1])
        {
            case (byte)'!': return Fixed(Ignored, 1);
            case (byte)'&': return Fixed(Ignored, 0);
            case (byte)'-': return Fixed(Ignored, 1);
            case (byte)'.': return Fixed(Ignored, 0);
            case (byte)'C': return Fixed(Ignored, 1);
            case (byte)'S': return Fixed(Ignored, 2);
            case (byte)'W': return Fixed(Ignored, 1);
            case (byte)'p': return Fixed(NvBitImage, 2);
            case (byte)'2': return Fixed(Ignored, 74);
            case (byte)'(':
                return p.Length < 5 ? Measurement.More : new(Status.Known, 5 + p[3] + (p[4] << 8), Ignored, 3);
            case (byte)'q':
                if (p.Length < 3)
                {
                    return Measurement.More;
                }

                long position = 3;
                for (var image = 0; image < p[2]; image++)
                {
                    if (p.Length < position + 4)
                    {
                        return Measurement.More;
                    }

                    var at = (int)position;
                    position += 4 + ((p[at] + (p[at + 1] << 8)) * (long)(p[at + 2] + (p[at + 3] << 8)) * 8);
                    if (position + 4 > p.Length && image < p[2] - 1)
                    {
                        // The next image's header has not arrived yet.
                        return Measurement.More;
                    }
                }

                return new(Status.Known, position, NvBitImage, 2);
            default:
                return UnknownPrefix(p, 2);
        }
    }

    private static Measurement MeasureDle(ReadOnlySpan<byte> p)
    {
        switch (p[1])
        {
            case EscPosControl.Eot:
                return p.Length < 3 ? Measurement.More : new(Status.Known, p[2] is 7 or 8 ? 4 : 3, EscPosCommandKind.RealTimeStatus, 2);
            case EscPosControl.Enq:
                return new(Status.Known, 3, RealTimeRecover, 2);
            case EscPosControl.Dc4:
                return p.Length < 3 ? Measurement.More : new(Status.Known, p[2] switch
                {
                    1 or 2 or 3 => 5,
                    7 => 4,
                    8 => 10,
                    _ => 3,
                }, RealTimeRequest, 2);
            default:
                // A lone DLE: skip it alone, so the next byte is parsed on its own.
                return new(Status.Unknown, 1, Unknown, 1, $"DLE followed by 0x{p[1]:X2} is not a real-time command; skipped the DLE");
        }
    }

    /// <summary><c>ESC &amp; y c1 c2 [x d1…d(y·x)]</c> for each character c1..c2.</summary>
    private static Measurement MeasureUserCharacters(ReadOnlySpan<byte> p)
    {
        if (p.Length < 5)
        {
            return Measurement.More;
        }

        var y = p[2];
        int first = p[3];
        int last = p[4];
        if (last < first)
        {
            return new(Status.Known, 5, DefineUserCharacters, 2, "ESC & with c2 < c1 defines nothing");
        }

        long position = 5;
        for (var c = first; c <= last; c++)
        {
            if (p.Length <= position)
            {
                return Measurement.More;
            }

            position += 1 + (y * p[(int)position]);
        }

        return new(Status.Known, position, DefineUserCharacters, 2);
    }

    /// <summary>A NUL-terminated command whose data starts at <paramref name="dataStart"/>.</summary>
    private static Measurement Terminated(ReadOnlySpan<byte> p, int dataStart, int maxData, EscPosCommandKind kind)
    {
        if (p.Length <= dataStart)
        {
            return Measurement.More;
        }

        var end = p[dataStart..].IndexOf((byte)0);
        if (end >= 0)
        {
            return new(Status.Known, dataStart + end + 1, kind, 2);
        }

        if (p.Length - dataStart > maxData)
        {
            return new(Status.Unknown, p.Length, Unknown, 2,
                $"{EscPosMnemonic.Of(p[..Math.Min(3, dataStart)])} has no NUL terminator within {maxData} bytes; skipped {p.Length} bytes");
        }

        return Measurement.More;
    }
}
