using System.Globalization;
using System.Text;
using SevaKiosk.Hal.Devices;

namespace SevaKiosk.Firmware.Receipts;

/// <summary>
/// Amounts the way Indian receipts write them: lakh grouping (1,23,456.00) and two decimals. "Rs." where the printer's
/// own font prints the line (no code table has ₹), "₹" where the line is drawn as an image anyway.
/// </summary>
public static class IndianNumbers
{
    /// <summary>1234567.5 → "12,34,567.50".</summary>
    public static string Group(decimal amount)
    {
        var negative = amount < 0;
        var text = Math.Abs(amount).ToString("0.00", CultureInfo.InvariantCulture);
        var point = text.IndexOf('.', StringComparison.Ordinal);
        var whole = text[..point];
        var grouped = new StringBuilder();
        if (whole.Length > 3)
        {
            var head = whole[..^3];
            for (var i = 0; i < head.Length; i++)
            {
                if (i > 0 && (head.Length - i) % 2 == 0)
                {
                    grouped.Append(',');
                }

                grouped.Append(head[i]);
            }

            grouped.Append(',').Append(whole[^3..]);
        }
        else
        {
            grouped.Append(whole);
        }

        return (negative ? "-" : string.Empty) + grouped + text[point..];
    }

    /// <summary>"Rs. 1,245.00" for the printer's font, "₹1,245.00" for shaped lines.</summary>
    public static string Format(Money money, bool rupeeSign)
    {
        if (!string.Equals(money.Currency, "INR", StringComparison.Ordinal))
        {
            return Group(money.Amount) + " " + money.Currency;
        }

        return (rupeeSign ? "₹" : "Rs. ") + Group(money.Amount);
    }
}
