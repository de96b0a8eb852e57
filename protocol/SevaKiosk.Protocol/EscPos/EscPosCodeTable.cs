using System.Collections.Concurrent;
using System.Text;

namespace SevaKiosk.Protocol.EscPos;

/// <summary>
/// Character code tables a printer may carry. The enum value is the Windows/IBM code page; the byte to select it
/// (<c>ESC t n</c>) is vendor-specific, so a <see cref="PrinterProfile"/> carries its own number. None of these tables
/// has Devanagari: Hindi is always printed as an image.
/// </summary>
public enum EscPosCodeTable
{
    Pc437 = 437,
    Pc850 = 850,
    Pc852 = 852,
    Pc858 = 858,
    Pc860 = 860,
    Pc863 = 863,
    Pc865 = 865,
    Pc866 = 866,
    Cp1250 = 1250,
    Cp1251 = 1251,
    Wpc1252 = 1252,
}

/// <summary>Encodings and Epson's <c>ESC t</c> numbers for <see cref="EscPosCodeTable"/>.</summary>
public static class EscPosCodeTables
{
    private static readonly ConcurrentDictionary<EscPosCodeTable, Encoding> Strict = new();
    private static readonly ConcurrentDictionary<EscPosCodeTable, Encoding> Lenient = new();

    static EscPosCodeTables() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>
    /// Epson's number for the table (escpos-printer-db TM-T20II profile). Other vendors number differently (Nippon
    /// Primex uses 5 for CP1252), which is why profiles may override it.
    /// </summary>
    public static byte EpsonNumber(EscPosCodeTable table) => table switch
    {
        EscPosCodeTable.Pc437 => 0,
        EscPosCodeTable.Pc850 => 2,
        EscPosCodeTable.Pc860 => 3,
        EscPosCodeTable.Pc863 => 4,
        EscPosCodeTable.Pc865 => 5,
        EscPosCodeTable.Wpc1252 => 16,
        EscPosCodeTable.Pc866 => 17,
        EscPosCodeTable.Pc852 => 18,
        EscPosCodeTable.Pc858 => 19,
        EscPosCodeTable.Cp1250 => 45,
        EscPosCodeTable.Cp1251 => 46,
        _ => throw new ArgumentOutOfRangeException(nameof(table), table, "No Epson number for this code table."),
    };

    /// <summary>The table Epson numbers <paramref name="number"/>, or null if the number is not one of ours.</summary>
    public static EscPosCodeTable? FromEpsonNumber(byte number)
    {
        foreach (var table in Enum.GetValues<EscPosCodeTable>())
        {
            if (EpsonNumber(table) == number)
            {
                return table;
            }
        }

        return null;
    }

    /// <summary>A strict encoder: characters the table lacks throw instead of turning into '?'.</summary>
    public static Encoding StrictEncoding(EscPosCodeTable table) => Strict.GetOrAdd(table, static t =>
        Encoding.GetEncoding((int)t, EncoderFallback.ExceptionFallback, DecoderFallback.ReplacementFallback));

    /// <summary>A decoder for rendering what a printer would print from raw bytes.</summary>
    public static Encoding Decoding(EscPosCodeTable table) => Lenient.GetOrAdd(table, static t =>
        Encoding.GetEncoding((int)t, EncoderFallback.ReplacementFallback, DecoderFallback.ReplacementFallback));

    /// <summary>True when every character of <paramref name="text"/> is printable in <paramref name="table"/>.</summary>
    public static bool CanEncode(EscPosCodeTable table, ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                return false;
            }
        }

        try
        {
            StrictEncoding(table).GetByteCount(text);
            return true;
        }
        catch (EncoderFallbackException)
        {
            return false;
        }
    }
}
