using System.Globalization;
using System.Text;

namespace SevaKiosk.Tools.Fleet;

/// <summary>Durations on the command line (<c>500ms</c>, <c>90s</c>, <c>5m</c>, <c>2h</c>, <c>1d</c>, <c>1h30m</c>, or <c>hh:mm:ss</c>) and in tables (<c>2h 05m</c>).</summary>
internal static class Durations
{
    public static TimeSpan Parse(string text, string option)
    {
        if (TryParse(text, out var value))
        {
            return value;
        }

        throw new FleetInputException($"{option} '{text}' is not a duration (for example 30s, 5m, 2h, 1d, 1h30m or 00:05:00).");
    }

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (text.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value) && value >= TimeSpan.Zero;
        }

        var total = TimeSpan.Zero;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
            {
                i++;
            }

            if (start == i || i == text.Length || !double.TryParse(text.AsSpan(start, i - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            if (string.CompareOrdinal(text, i, "ms", 0, 2) == 0)
            {
                i += 2;
                total += TimeSpan.FromMilliseconds(number);
                continue;
            }

            var unit = text[i++];
            total += unit switch
            {
                's' => TimeSpan.FromSeconds(number),
                'm' => TimeSpan.FromMinutes(number),
                'h' => TimeSpan.FromHours(number),
                'd' => TimeSpan.FromDays(number),
                _ => TimeSpan.MinValue,
            };
            if (total < TimeSpan.Zero)
            {
                return false;
            }
        }

        value = total;
        return true;
    }

    /// <summary>Short, two-unit form for tables: <c>45s</c>, <c>12m 05s</c>, <c>3h 20m</c>, <c>4d 02h</c>.</summary>
    public static string Short(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }

        var text = new StringBuilder();
        if (span.TotalDays >= 1)
        {
            text.Append(CultureInfo.InvariantCulture, $"{(int)span.TotalDays}d {span.Hours:00}h");
        }
        else if (span.TotalHours >= 1)
        {
            text.Append(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}h {span.Minutes:00}m");
        }
        else if (span.TotalMinutes >= 1)
        {
            text.Append(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes}m {span.Seconds:00}s");
        }
        else
        {
            // Tenths only below ten seconds, where they matter (a 1.5 s silence limit).
            var seconds = span.TotalSeconds < 10 ? Math.Floor(span.TotalSeconds * 10) / 10 : Math.Floor(span.TotalSeconds);
            text.Append(CultureInfo.InvariantCulture, $"{seconds:0.#}s");
        }

        return text.ToString();
    }
}
