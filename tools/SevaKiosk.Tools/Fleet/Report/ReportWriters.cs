using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Spectre.Console;

namespace SevaKiosk.Tools.Fleet.Report;

/// <summary>The report as a table (default), JSON or CSV. All three carry the same figures.</summary>
internal static class ReportWriters
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static void Table(FleetReportResult report, IAnsiConsole console, int? top)
    {
        var level = FleetReport.Name(report.Level);
        var parent = FleetReport.ParentName(report.Level);
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"Transactions by {level} · {Markup.Escape(report.Period.Describe())}");
        table.AddColumn(new TableColumn("Rank").RightAligned());
        table.AddColumn(char.ToUpperInvariant(level[0]) + level[1..]);
        table.AddColumn(report.Level == ReportLevel.District ? "State" : char.ToUpperInvariant(parent[0]) + parent[1..]);
        if (report.Level is ReportLevel.Block or ReportLevel.District)
        {
            table.AddColumn(new TableColumn("Panchayats").RightAligned());
        }

        table.AddColumn(new TableColumn("Machines").RightAligned());
        table.AddColumn(new TableColumn("Transactions").RightAligned());
        table.AddColumn(new TableColumn("Amount ₹").RightAligned());
        table.AddColumn(new TableColumn("Per machine").RightAligned());
        table.AddColumn(new TableColumn($"% of {parent}").RightAligned());
        table.AddColumn(new TableColumn($"Rank in {parent}").RightAligned());

        foreach (var unit in Top(report, top))
        {
            var cells = new List<string>
            {
                unit.Rank.ToString(Invariant),
                $"[bold]{Markup.Escape(unit.Name)}[/]",
                Markup.Escape(unit.Parent),
            };
            if (report.Level is ReportLevel.Block or ReportLevel.District)
            {
                cells.Add(unit.Panchayats.ToString("N0", Invariant));
            }

            cells.Add(unit.Machines.ToString("N0", Invariant));
            cells.Add(unit.Transactions.ToString("N0", Invariant));
            cells.Add(unit.Amount.ToString("N2", Invariant));
            cells.Add(unit.TransactionsPerMachine.ToString("N2", Invariant));
            cells.Add(unit.ShareOfParent.ToString(Invariant) + "%");
            cells.Add(unit.RankInParent.ToString(Invariant));
            table.AddRow(cells.Select(c => (Spectre.Console.Rendering.IRenderable)new Markup(c)));
        }

        var total = report.Total;
        var caption = string.Create(Invariant,
            $"State: {total.Districts} district(s), {total.Blocks} block(s), {total.Panchayats} panchayat(s), {total.Machines:N0} machine(s), {total.Transactions:N0} transactions, ₹{total.Amount:N2}, {total.TransactionsPerMachine:N2} per machine");
        if (total.NotPosted > 0)
        {
            caption += string.Create(Invariant, $"; {total.NotPosted:N0} failed or not posted (not counted)");
        }

        table.Caption = new TableTitle(Markup.Escape(caption));
        console.Write(table);
    }

    public static void Json(FleetReportResult report, TextWriter output, int? top)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteStartObject("period");
            json.WriteString("from", report.Period.First is { } f ? ReportPeriod.Day(f) : null);
            json.WriteString("to", report.Period.Last is { } l ? ReportPeriod.Day(l) : null);
            json.WriteString("utcOffset", report.Period.Offset.ToString(@"hh\:mm", Invariant).Insert(0, report.Period.Offset < TimeSpan.Zero ? "-" : "+"));
            json.WriteEndObject();
            json.WriteString("by", FleetReport.Name(report.Level));
            json.WriteString("parent", FleetReport.ParentName(report.Level));
            var t = report.Total;
            json.WriteStartObject("total");
            json.WriteNumber("districts", t.Districts);
            json.WriteNumber("blocks", t.Blocks);
            json.WriteNumber("panchayats", t.Panchayats);
            json.WriteNumber("machines", t.Machines);
            json.WriteNumber("transactions", t.Transactions);
            json.WriteNumber("amount", Money(t.Amount));
            json.WriteNumber("fees", Money(t.Fees));
            json.WriteNumber("notPosted", t.NotPosted);
            json.WriteNumber("transactionsPerMachine", t.TransactionsPerMachine);
            json.WriteEndObject();
            json.WriteStartArray("units");
            foreach (var u in Top(report, top))
            {
                json.WriteStartObject();
                json.WriteNumber("rank", u.Rank);
                json.WriteString("name", u.Name);
                json.WriteString("district", u.District);
                json.WriteString("block", u.Block);
                json.WriteString("panchayat", u.Panchayat);
                json.WriteString("machine", u.Machine);
                json.WriteString("parent", u.Parent);
                json.WriteNumber("panchayats", u.Panchayats);
                json.WriteNumber("machines", u.Machines);
                json.WriteNumber("transactions", u.Transactions);
                json.WriteNumber("amount", Money(u.Amount));
                json.WriteNumber("fees", Money(u.Fees));
                json.WriteNumber("notPosted", u.NotPosted);
                json.WriteNumber("transactionsPerMachine", u.TransactionsPerMachine);
                json.WriteNumber("amountPerMachine", Money(u.AmountPerMachine));
                json.WriteNumber("shareOfParent", u.ShareOfParent);
                json.WriteNumber("amountShareOfParent", u.AmountShareOfParent);
                json.WriteNumber("rankInParent", u.RankInParent);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        output.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    /// <summary>RFC 4180 CSV with a header line; numbers in invariant form without grouping.</summary>
    public static void Csv(FleetReportResult report, TextWriter output, int? top)
    {
        output.WriteLine("rank,district,block,panchayat,machine,panchayats,machines,transactions,amount,fees,not_posted,transactions_per_machine,amount_per_machine,share_of_parent_pct,amount_share_of_parent_pct,rank_in_parent");
        foreach (var u in Top(report, top))
        {
            output.WriteLine(string.Join(',',
                u.Rank.ToString(Invariant), CsvText.Field(u.District), CsvText.Field(u.Block), CsvText.Field(u.Panchayat), CsvText.Field(u.Machine),
                u.Panchayats.ToString(Invariant), u.Machines.ToString(Invariant), u.Transactions.ToString(Invariant),
                Money(u.Amount).ToString(Invariant), Money(u.Fees).ToString(Invariant), u.NotPosted.ToString(Invariant),
                u.TransactionsPerMachine.ToString(Invariant), Money(u.AmountPerMachine).ToString(Invariant),
                u.ShareOfParent.ToString(Invariant), u.AmountShareOfParent.ToString(Invariant), u.RankInParent.ToString(Invariant)));
        }
    }

    /// <summary>Money always with two decimals (<c>6976114.00</c>), whatever scale the arithmetic left.</summary>
    private static decimal Money(decimal rupees) => FleetReport.Round(rupees);

    public static IEnumerable<ReportUnit> Top(FleetReportResult report, int? top) => top is { } n ? report.Units.Take(n) : report.Units;
}
