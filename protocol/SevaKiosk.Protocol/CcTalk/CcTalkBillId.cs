using System.Globalization;
using System.Text;

namespace SevaKiosk.Protocol.CcTalk;

/// <summary>
/// A bill identification from REQUEST BILL ID (157; request data = the bill type): ASCII <c>CCVVVVI</c>, country code,
/// value code in units of the country scaling factor (header 156) and issue letter, for example <c>IN0500A</c>.
/// <c>.......</c> means the bill type is not programmed (C4J, dk.CctalkLib, 4G).
/// </summary>
public sealed record CcTalkBillId(string Country, int ValueCode, string Issue)
{
    /// <summary>What a device answers for a bill type it has no bill for.</summary>
    public const string Unprogrammed = ".......";

    /// <summary>The standard form: two-letter country, four-digit value code, one issue letter.</summary>
    public string Text => $"{Country}{ValueCode.ToString("D4", CultureInfo.InvariantCulture)}{Issue}";

    public override string ToString() => Text;

    /// <summary>The reply data for a bill id: <c>CCVVVVI</c> in ASCII.</summary>
    public static byte[] Encode(string country, int valueCode, char issue = 'A')
    {
        ArgumentNullException.ThrowIfNull(country);
        if (country.Length != 2 || !char.IsAsciiLetterUpper(country[0]) || !char.IsAsciiLetterUpper(country[1]))
        {
            throw new ArgumentException($"A ccTalk country code is two upper-case letters, got '{country}'.", nameof(country));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(valueCode);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(valueCode, 9999);
        return Encoding.ASCII.GetBytes($"{country}{valueCode.ToString("D4", CultureInfo.InvariantCulture)}{issue}");
    }

    /// <summary>
    /// Parses a reply leniently: trailing NULs and spaces are ignored, the country may have two or three letters, the
    /// value code any number of digits (up to 9), and the issue code may be missing or longer than one character.
    /// </summary>
    /// <param name="billId">Null when the bill type is unprogrammed (<c>.......</c>).</param>
    /// <returns>False when the text has no leading country letters or no value digits.</returns>
    public static bool TryParse(ReadOnlySpan<byte> data, out CcTalkBillId? billId)
    {
        billId = null;
        data = CcTalkReply.TrimPadding(data);
        if (data.SequenceEqual("......."u8))
        {
            return true;
        }

        var i = 0;
        while (i < data.Length && char.IsAsciiLetter((char)data[i]))
        {
            i++;
        }

        if (i is < 2 or > 3)
        {
            return false;
        }

        var digitsStart = i;
        var value = 0;
        while (i < data.Length && char.IsAsciiDigit((char)data[i]) && i - digitsStart < 9)
        {
            value = (value * 10) + (data[i] - '0');
            i++;
        }

        if (i == digitsStart)
        {
            return false;
        }

        for (var j = i; j < data.Length; j++)
        {
            if (data[j] is < 0x20 or > 0x7E)
            {
                return false;
            }
        }

        billId = new CcTalkBillId(
            Encoding.ASCII.GetString(data[..digitsStart]).ToUpperInvariant(),
            value,
            Encoding.ASCII.GetString(data[i..]));
        return true;
    }
}

/// <summary>
/// Reply to REQUEST COUNTRY SCALING FACTOR (156; request data = two ASCII country letters): scaling factor (u16 LE)
/// and decimal places. A bill's value = value code × factor / 10^decimals. All zero means the country is not
/// supported (dk.CctalkLib, C4J).
/// </summary>
public readonly record struct CcTalkScalingFactor(ushort Factor, byte DecimalPlaces)
{
    public bool IsSupported => Factor != 0 || DecimalPlaces != 0;

    /// <summary>The value of <paramref name="valueCode"/> in the country's main unit (rupees, euros ...).</summary>
    public decimal ValueOf(int valueCode) => valueCode * (decimal)Factor / Pow10(DecimalPlaces);

    public byte[] ToBytes() => [(byte)Factor, (byte)(Factor >> 8), DecimalPlaces];

    public static byte[] Request(string country)
    {
        ArgumentNullException.ThrowIfNull(country);
        if (country.Length != 2)
        {
            throw new ArgumentException($"A ccTalk country code is two letters, got '{country}'.", nameof(country));
        }

        return Encoding.ASCII.GetBytes(country);
    }

    /// <returns>False when the reply is not exactly three bytes or the decimal places exceed 9.</returns>
    public static bool TryParse(ReadOnlySpan<byte> data, out CcTalkScalingFactor factor)
    {
        factor = default;
        if (data.Length != 3 || data[2] > 9)
        {
            return false;
        }

        factor = new CcTalkScalingFactor((ushort)(data[0] | (data[1] << 8)), data[2]);
        return true;
    }

    private static decimal Pow10(int n)
    {
        var result = 1m;
        for (var i = 0; i < n; i++)
        {
            result *= 10;
        }

        return result;
    }
}
