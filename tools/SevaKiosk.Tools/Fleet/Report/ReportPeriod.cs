using System.Globalization;

namespace SevaKiosk.Tools.Fleet.Report;

/// <summary>
/// The days a report covers, in one UTC offset (India Standard Time, +05:30, by default): whole days from
/// <see cref="First"/> to <see cref="Last"/> inclusive; either end may be open. A transaction belongs to the day of its
/// <c>createdAt</c> as the machine stamped it.
/// </summary>
internal sealed record ReportPeriod(DateOnly? First, DateOnly? Last, TimeSpan Offset)
{
    public static TimeSpan IndiaStandardTime { get; } = TimeSpan.FromHours(5.5);

    /// <summary>Start of <see cref="First"/> in the offset, or null for no lower bound.</summary>
    public DateTimeOffset? From => First is { } first ? new DateTimeOffset(first.ToDateTime(TimeOnly.MinValue), Offset) : null;

    /// <summary>Start of the day after <see cref="Last"/> (exclusive), or null for no upper bound.</summary>
    public DateTimeOffset? Until => Last is { } last ? new DateTimeOffset(last.AddDays(1).ToDateTime(TimeOnly.MinValue), Offset) : null;

    /// <summary>
    /// <c>all</c>; a year <c>2026</c>; a month <c>2026-03</c>; a day <c>2026-03-15</c>; or a range of those
    /// <c>FROM..TO</c> (either side may be empty: <c>2026-01..</c>), both ends included.
    /// </summary>
    public static ReportPeriod Parse(string? text, TimeSpan offset)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Trim() == "all")
        {
            return new ReportPeriod(null, null, offset);
        }

        text = text.Trim();
        var dots = text.IndexOf("..", StringComparison.Ordinal);
        var (fromText, toText) = dots < 0 ? (text, text) : (text[..dots], text[(dots + 2)..]);
        DateOnly? first = fromText.Length == 0 ? null : Bounds(fromText, text).First;
        DateOnly? last = toText.Length == 0 ? null : Bounds(toText, text).Last;
        if (first > last)
        {
            throw new FleetInputException($"--period '{text}' ends before it starts.");
        }

        return new ReportPeriod(first, last, offset);
    }

    /// <summary>Parses <c>+05:30</c>, <c>-03:00</c>, <c>Z</c> or <c>UTC</c>.</summary>
    public static TimeSpan ParseOffset(string text)
    {
        if (text is "Z" or "UTC" or "utc")
        {
            return TimeSpan.Zero;
        }

        var sign = text.StartsWith('-') ? -1 : 1;
        if (text.Length > 1 && text[0] is '+' or '-' && TimeSpan.TryParseExact(text[1..], @"hh\:mm", CultureInfo.InvariantCulture, out var value) && value <= TimeSpan.FromHours(14))
        {
            return sign * value;
        }

        throw new FleetInputException($"--utc-offset '{text}' is not an offset like +05:30.");
    }

    public string Describe()
    {
        var offset = Offset == TimeSpan.Zero ? "UTC" : "UTC" + (Offset < TimeSpan.Zero ? "-" : "+") + Offset.ToString(@"hh\:mm", CultureInfo.InvariantCulture);
        return (First, Last) switch
        {
            (null, null) => $"all time ({offset})",
            ({ } f, null) => $"from {Day(f)} ({offset})",
            (null, { } l) => $"up to {Day(l)} ({offset})",
            ({ } f, { } l) when f == l => $"{Day(f)} ({offset})",
            ({ } f, { } l) => $"{Day(f)} to {Day(l)} ({offset})",
        };
    }

    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static (DateOnly First, DateOnly Last) Bounds(string part, string whole)
    {
        var formats = new[] { ("yyyy-MM-dd", 'd'), ("yyyy-MM", 'm'), ("yyyy", 'y') };
        foreach (var (format, unit) in formats)
        {
            if (DateOnly.TryParseExact(part, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var start))
            {
                var end = unit switch
                {
                    'd' => start,
                    'm' => start.AddMonths(1).AddDays(-1),
                    _ => start.AddYears(1).AddDays(-1),
                };
                return (start, end);
            }
        }

        throw new FleetInputException($"--period '{whole}' is not a period (all, 2026, 2026-03, 2026-03-15, or FROM..TO of those).");
    }
}
