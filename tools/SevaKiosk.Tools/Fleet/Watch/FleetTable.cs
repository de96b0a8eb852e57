using System.Globalization;
using SevaKiosk.Protocol.Mqtt;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace SevaKiosk.Tools.Fleet.Watch;

/// <summary>
/// The watch table: one line per machine in the view's order, colours for what needs a visit (silent and technician
/// faults red, operator jobs and near-full boxes yellow, offline grey), and a caption that counts them.
/// </summary>
internal static class FleetTable
{
    public static IRenderable Render(IReadOnlyList<MachineRow> rows, WatchFrame frame)
    {
        var table = new Table().Border(TableBorder.Rounded).Expand();
        table.AddColumn("Machine");
        table.AddColumn("Location");
        table.AddColumn("Status");
        table.AddColumn("Faults → action");
        table.AddColumn("Paper");
        table.AddColumn(new TableColumn("Cash box").RightAligned());
        table.AddColumn(new TableColumn("Tx today").RightAligned());
        table.AddColumn("Firmware");
        table.AddColumn(new TableColumn("Last seen").RightAligned());

        foreach (var row in rows)
        {
            table.AddRow(
                new Markup(Style(row, Markup.Escape(row.MachineId))),
                new Markup(Markup.Escape(Location(row.Location))),
                new Markup(Status(row, frame.Now)),
                new Markup(Faults(row.Faults)),
                new Markup(Paper(row.Paper)),
                new Markup(Cashbox(row.CashboxFill, row.CashboxNotes)),
                new Markup(Today(row.TransactionsToday, row.AmountToday)),
                new Markup(Markup.Escape(row.Firmware ?? "-")),
                new Markup(row.LastSeen is { } seen ? Durations.Short(frame.Now - seen) + " ago" : "-"));
        }

        table.Caption = new TableTitle(Caption(rows, frame), new Style(decoration: Decoration.None));
        return table;
    }

    private static string Style(MachineRow row, string text) => row.Connection switch
    {
        ConnectionView.Silent => $"[bold red]{text}[/]",
        ConnectionView.Offline => $"[grey]{text}[/]",
        _ => $"[bold]{text}[/]",
    };

    private static string Location(MachineLocation? location) =>
        location is null ? "(not provisioned)" : $"{location.Panchayat}, {location.Block}";

    private static string Status(MachineRow row, DateTimeOffset now)
    {
        var since = row.Since is { } at ? " " + Durations.Short(now - at) : string.Empty;
        var text = row.Connection switch
        {
            ConnectionView.Silent => $"[bold red]SILENT{since}[/]",
            ConnectionView.Offline => $"[grey]offline{since}[/]",
            _ => $"[green]online{since}[/]",
        };
        return row.OutOfService is { } reason ? $"{text}\n[yellow]out of service: {Markup.Escape(reason)}[/]" : text;
    }

    private static string Faults(IReadOnlyList<FaultView> faults)
    {
        if (faults.Count == 0)
        {
            return "[green]none[/]";
        }

        return string.Join('\n', faults.Select(f =>
        {
            var colour = f.Action switch
            {
                "technician-needed" => "red",
                "operator-can-clear" => "yellow",
                _ => "default",
            };
            return $"[{colour}]{Markup.Escape(f.Code)} → {Markup.Escape(f.Action)}[/]";
        }));
    }

    private static string Paper(double? code) => code switch
    {
        null => "[grey]-[/]",
        { } c when (int)Math.Round(c) == FleetMetrics.PaperCode.Out => "[bold red]out[/]",
        { } c when (int)Math.Round(c) == FleetMetrics.PaperCode.NearEnd => "[yellow]near end[/]",
        { } c => FleetMetrics.PaperCode.Describe(c),
    };

    private static string Cashbox(double? fill, double? notes)
    {
        if (fill is null && notes is null)
        {
            return "[grey]-[/]";
        }

        var text = fill is { } f ? string.Create(CultureInfo.InvariantCulture, $"{f:0}%") : "?";
        if (notes is { } n)
        {
            text += string.Create(CultureInfo.InvariantCulture, $" ({n:0})");
        }

        return fill switch
        {
            >= 90 => $"[bold red]{text}[/]",
            >= 75 => $"[yellow]{text}[/]",
            _ => text,
        };
    }

    private static string Today(double? count, double? amount) => (count, amount) switch
    {
        (null, _) => "[grey]-[/]",
        ({ } c, null) => string.Create(CultureInfo.InvariantCulture, $"{c:0}"),
        ({ } c, { } a) => string.Create(CultureInfo.InvariantCulture, $"{c:0} · ₹{a:#,##0}"),
    };

    private static string Caption(IReadOnlyList<MachineRow> rows, WatchFrame frame)
    {
        var silent = rows.Count(r => r.Connection == ConnectionView.Silent);
        var offline = rows.Count(r => r.Connection == ConnectionView.Offline);
        var faulted = rows.Count(r => r.Faults.Count > 0);
        var parts = new List<string>
        {
            $"{rows.Count} machine(s)",
            silent > 0 ? $"[bold red]{silent} silent[/]" : "0 silent",
            $"{offline} offline",
            faulted > 0 ? $"[yellow]{faulted} with faults[/]" : "0 with faults",
        };
        var listened = frame.Now - frame.ListeningSince;
        parts.Add(listened >= frame.SilentAfter
            ? $"silent = nothing heard for {Durations.Short(frame.SilentAfter)}"
            : $"silence is judged after {Durations.Short(frame.SilentAfter)} of listening ({Durations.Short(listened)} so far)");
        if (frame.Block is { } block)
        {
            parts.Add($"block {Markup.Escape(block)}");
        }

        if (frame.Ignored > 0)
        {
            parts.Add($"{frame.Ignored} unreadable message(s) ignored");
        }

        parts.Add("as of " + TimeZoneInfo.ConvertTime(frame.Now, frame.Zone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        return string.Join(" · ", parts);
    }
}

/// <summary>The context a table is drawn in.</summary>
internal sealed record WatchFrame(DateTimeOffset Now, DateTimeOffset ListeningSince, TimeSpan SilentAfter, string? Block, long Ignored, TimeZoneInfo Zone);

