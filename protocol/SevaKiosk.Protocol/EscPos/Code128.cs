using System.Text;

namespace SevaKiosk.Protocol.EscPos;

/// <summary>
/// CODE128 as ESC/POS carries it in <c>GS k 73 n d1…dn</c>: the data starts with a code-set selector <c>{A</c>,
/// <c>{B</c> or <c>{C</c>, a literal <c>{</c> is sent as <c>{{</c>, and in set C every byte is a value 0–99 (two
/// digits). <see cref="Encode"/> builds that data; <see cref="TryDecode"/> turns it into the symbol's code values
/// (start, data, checksum, stop) for a renderer, and the text a scanner would read.
/// </summary>
public static class Code128
{
    public const int StartA = 103;
    public const int StartB = 104;
    public const int StartC = 105;
    public const int Stop = 106;
    private const int CodeA = 101;
    private const int CodeB = 100;
    private const int CodeC = 99;
    private const int Shift = 98;
    private const int Fnc1 = 102;
    private const int Fnc2 = 97;
    private const int Fnc3 = 96;

    /// <summary>
    /// Bar/space widths in modules of each code value 0–106 (bar first). The stop symbol has seven elements.
    /// </summary>
    private static readonly string[] PatternTable =
    [
        "212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212", "221213",
        "221312", "231212", "112232", "122132", "122231", "113222", "123122", "123221", "223211", "221132",
        "221231", "213212", "223112", "312131", "311222", "321122", "321221", "312212", "322112", "322211",
        "212123", "212321", "232121", "111323", "131123", "131321", "112313", "132113", "132311", "211313",
        "231113", "231311", "112133", "112331", "132131", "113123", "113321", "133121", "313121", "211331",
        "231131", "213113", "213311", "213131", "311123", "311321", "331121", "312113", "312311", "332111",
        "314111", "221411", "431111", "111224", "111422", "121124", "121421", "141122", "141221", "112214",
        "112412", "122114", "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111",
        "111242", "121142", "121241", "114212", "124112", "124211", "411212", "421112", "421211", "212141",
        "214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311", "113141",
        "114131", "311141", "411131", "211412", "211214", "211232", "2331112",
    ];

    /// <summary>Module widths of <paramref name="value"/>, alternating bar, space, bar …</summary>
    public static ReadOnlySpan<char> Pattern(int value) => PatternTable[value];

    /// <summary>
    /// ESC/POS data for <paramref name="text"/>: all-digit text of even length (at least 4) goes in set C, which
    /// halves the symbol; anything else in set B (printable ASCII only).
    /// </summary>
    public static byte[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            throw new ArgumentException("CODE128 data must not be empty.", nameof(text));
        }

        if (text.Length >= 4 && text.Length % 2 == 0 && text.All(char.IsAsciiDigit))
        {
            var digits = new byte[2 + (text.Length / 2)];
            digits[0] = (byte)'{';
            digits[1] = (byte)'C';
            for (var i = 0; i < text.Length; i += 2)
            {
                digits[2 + (i / 2)] = (byte)(((text[i] - '0') * 10) + (text[i + 1] - '0'));
            }

            return digits;
        }

        var data = new List<byte> { (byte)'{', (byte)'B' };
        foreach (var c in text)
        {
            if (c is < ' ' or > '~')
            {
                throw new ArgumentException($"CODE128 set B cannot carry U+{(int)c:X4}.", nameof(text));
            }

            data.Add((byte)c);
            if (c == '{')
            {
                data.Add((byte)'{');
            }
        }

        return [.. data];
    }

    /// <summary>
    /// Decodes ESC/POS CODE128 data into code values (start … checksum, stop) and the text a scanner would report.
    /// Returns false with a reason for data a printer would refuse (no code-set selector, a value out of range).
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> data, out int[] values, out string text, out string? error)
    {
        values = [];
        text = string.Empty;
        if (data.Length < 2 || data[0] != (byte)'{' || data[1] is not ((byte)'A' or (byte)'B' or (byte)'C'))
        {
            error = "CODE128 data must start with {A, {B or {C";
            return false;
        }

        var set = (char)data[1];
        var codes = new List<int> { set switch { 'A' => StartA, 'B' => StartB, _ => StartC } };
        var readable = new StringBuilder();
        for (var i = 2; i < data.Length; i++)
        {
            var b = data[i];
            if (b == (byte)'{')
            {
                if (i + 1 >= data.Length)
                {
                    error = "CODE128 data ends inside a '{' sequence";
                    return false;
                }

                var next = (char)data[++i];
                switch (next)
                {
                    case 'A' or 'B' or 'C':
                        if (next != set)
                        {
                            codes.Add(next switch { 'A' => CodeA, 'B' => CodeB, _ => CodeC });
                            set = next;
                        }

                        continue;
                    case 'S':
                        codes.Add(Shift);
                        continue;
                    case '1':
                        codes.Add(Fnc1);
                        continue;
                    case '2':
                        codes.Add(Fnc2);
                        continue;
                    case '3':
                        codes.Add(Fnc3);
                        continue;
                    case '4':
                        codes.Add(set == 'A' ? CodeA : CodeB);
                        continue;
                    case '{' when set != 'C':
                        codes.Add('{' - 32);
                        readable.Append('{');
                        continue;
                    default:
                        error = $"unknown CODE128 sequence '{{{next}'";
                        return false;
                }
            }

            switch (set)
            {
                case 'A' when b <= 0x5F:
                    codes.Add(b < 0x20 ? b + 64 : b - 32);
                    readable.Append((char)b);
                    break;
                case 'B' when b is >= 0x20 and <= 0x7F:
                    codes.Add(b - 32);
                    readable.Append((char)b);
                    break;
                case 'C' when b <= 99:
                    codes.Add(b);
                    readable.Append(b.ToString("00", System.Globalization.CultureInfo.InvariantCulture));
                    break;
                default:
                    error = $"byte 0x{b:X2} is not valid in CODE128 set {set}";
                    return false;
            }
        }

        var sum = codes[0];
        for (var i = 1; i < codes.Count; i++)
        {
            sum += i * codes[i];
        }

        codes.Add(sum % 103);
        codes.Add(Stop);
        values = [.. codes];
        text = readable.ToString();
        error = null;
        return true;
    }
}
