using System.Globalization;
using ScottPlot;

namespace SevaKiosk.Tools.Fleet.Report;

/// <summary>
/// The report as a PNG bar chart (ScottPlot, drawn with SkiaSharp): one horizontal bar per unit, best first, labelled
/// with its transactions and its share of its parent.
/// </summary>
internal static class ReportChart
{
    /// <summary>Bars drawn when no <c>--top</c> is given: a chart of 300 panchayats reads as noise.</summary>
    public const int DefaultBars = 20;

    public static void Write(FleetReportResult report, string path, int? top)
    {
        var units = ReportWriters.Top(report, top ?? DefaultBars).ToList();
        if (units.Count == 0)
        {
            throw new FleetInputException("--chart: the report has no units to draw.");
        }

        var parent = FleetReport.ParentName(report.Level);
        using var plot = new Plot();
        var bars = units.Select((u, i) => new Bar
        {
            Position = units.Count - 1 - i,
            Value = u.Transactions,
            Label = string.Create(CultureInfo.InvariantCulture, $"{u.Transactions:N0} · {u.ShareOfParent:0.0}% of {parent}"),
            FillColor = Colors.SteelBlue,
        }).ToList();
        var plotted = plot.Add.Bars(bars);
        plotted.Horizontal = true;
        plotted.ValueLabelStyle.FontSize = 13;
        plot.Axes.Left.SetTicks(
            units.Select((_, i) => (double)(units.Count - 1 - i)).ToArray(),
            units.Select(u => report.Level == ReportLevel.District ? u.Name : $"{u.Name} ({u.Parent})").ToArray());
        plot.Axes.Margins(left: 0, right: 0.3, bottom: 0.02, top: 0.02);
        plot.Title($"Transactions by {FleetReport.Name(report.Level)} · {report.Period.Describe()}");
        plot.XLabel("Transactions");

        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        plot.SavePng(path, 1000, 140 + (36 * units.Count));
    }
}
