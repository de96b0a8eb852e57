using System.Text.Json;
using SevaKiosk.Fleet.Tests.Support;
using SevaKiosk.Testing;
using SevaKiosk.Tools.Fleet.Report;
using SkiaSharp;

namespace SevaKiosk.Fleet.Tests.Report;

/// <summary>
/// <c>kioskctl report --from</c> on the generated export whose totals are known: the headline figures (a block of 32
/// panchayats with 4,572 transactions in five months, 60% of its district) and every unit against figures computed
/// independently from the files.
/// </summary>
public sealed class ReportDatasetTests : IClassFixture<ReportDatasetTests.Sample>
{
    private readonly Sample _sample;

    public ReportDatasetTests(Sample sample) => _sample = sample;

    [Fact]
    public async Task By_block_the_figures_match_the_known_totals_and_the_independent_computation()
    {
        var report = await JsonReportAsync("--by", "block");

        var bassi = Unit(report, "Bassi");
        Assert.Equal(4_572, bassi.GetProperty("transactions").GetInt64());
        Assert.Equal(32, bassi.GetProperty("panchayats").GetInt32());
        Assert.Equal(34, bassi.GetProperty("machines").GetInt32());
        Assert.Equal(60.00m, bassi.GetProperty("shareOfParent").GetDecimal());
        Assert.Equal(134.47m, bassi.GetProperty("transactionsPerMachine").GetDecimal()); // 4,572 / 34
        Assert.Equal((1, 1, "Jaipur"), (bassi.GetProperty("rank").GetInt32(), bassi.GetProperty("rankInParent").GetInt32(), bassi.GetProperty("parent").GetString()));
        Assert.Equal(11_100, report.GetProperty("total").GetProperty("transactions").GetInt64());
        Assert.Equal(5, report.GetProperty("total").GetProperty("notPosted").GetInt64()); // one failed payment per block

        var expected = _sample.Expected.Blocks();
        var districtTotals = expected.GroupBy(e => e.Key.District).ToDictionary(g => g.Key, g => (Tx: g.Sum(e => e.Value.Transactions), Amount: g.Sum(e => e.Value.Amount)));
        Assert.Equal(7_620, districtTotals["Jaipur"].Tx);
        var units = report.GetProperty("units").EnumerateArray().ToList();
        Assert.Equal(expected.Count, units.Count);
        foreach (var unit in units)
        {
            var key = (unit.GetProperty("district").GetString()!, unit.GetProperty("block").GetString()!);
            var e = expected[key];
            Assert.Equal(e.Transactions, unit.GetProperty("transactions").GetInt64());
            Assert.Equal(e.Amount, unit.GetProperty("amount").GetDecimal());
            Assert.Equal(e.Machines, unit.GetProperty("machines").GetInt32());
            Assert.Equal(e.PanchayatNames.Count, unit.GetProperty("panchayats").GetInt32());
            Assert.Equal(e.PerMachine, unit.GetProperty("transactionsPerMachine").GetDecimal());
            Assert.Equal(ExpectedFigures.Round(100m * e.Transactions / districtTotals[key.Item1].Tx), unit.GetProperty("shareOfParent").GetDecimal());
            Assert.Equal(ExpectedFigures.Round(100m * e.Amount / districtTotals[key.Item1].Amount), unit.GetProperty("amountShareOfParent").GetDecimal());
        }

        Assert.Equal(units.Select(u => u.GetProperty("transactions").GetInt64()).OrderDescending(), units.Select(u => u.GetProperty("transactions").GetInt64()));
    }

    [Fact]
    public async Task By_district_each_share_is_of_the_state()
    {
        var report = await JsonReportAsync("--by", "district");

        var jaipur = Unit(report, "Jaipur");
        var tonk = Unit(report, "Tonk");
        Assert.Equal((7_620L, 56, 68.65m, 136.07m), (jaipur.GetProperty("transactions").GetInt64(), jaipur.GetProperty("machines").GetInt32(), jaipur.GetProperty("shareOfParent").GetDecimal(), jaipur.GetProperty("transactionsPerMachine").GetDecimal()));
        Assert.Equal((3_480L, 29, 31.35m, 120.00m), (tonk.GetProperty("transactions").GetInt64(), tonk.GetProperty("machines").GetInt32(), tonk.GetProperty("shareOfParent").GetDecimal(), tonk.GetProperty("transactionsPerMachine").GetDecimal()));
        Assert.Equal("state", jaipur.GetProperty("parent").GetString());
        Assert.Equal(_sample.Expected.Districts()["Jaipur"].Amount, jaipur.GetProperty("amount").GetDecimal());
    }

    [Fact]
    public async Task The_states_top_panchayats_are_ranked_with_their_share_of_their_block()
    {
        var report = await JsonReportAsync("--by", "panchayat", "--top", "10");

        var expected = _sample.Expected.Panchayats();
        var blockTx = expected.GroupBy(e => (e.Key.District, e.Key.Block)).ToDictionary(g => g.Key, g => g.Sum(e => e.Value.Transactions));
        var top = expected.OrderByDescending(e => e.Value.Transactions).ThenByDescending(e => e.Value.Amount).ThenBy(e => e.Key.Panchayat, StringComparer.Ordinal).Take(10).ToList();
        var units = report.GetProperty("units").EnumerateArray().ToList();
        Assert.Equal(10, units.Count);
        Assert.Equal(Enumerable.Range(1, 10), units.Select(u => u.GetProperty("rank").GetInt32()));
        Assert.Equal(top.Select(t => t.Key.Panchayat), units.Select(u => u.GetProperty("name").GetString()));
        Assert.Equal(top.Select(t => t.Value.Transactions), units.Select(u => u.GetProperty("transactions").GetInt64()));
        Assert.Equal(
            top.Select(t => ExpectedFigures.Round(100m * t.Value.Transactions / blockTx[(t.Key.District, t.Key.Block)])),
            units.Select(u => u.GetProperty("shareOfParent").GetDecimal()));
        Assert.Equal(80, report.GetProperty("total").GetProperty("panchayats").GetInt32());
    }

    [Fact]
    public async Task By_machine_the_idle_machine_counts_with_zero_and_ranks_last()
    {
        var report = await JsonReportAsync("--by", "machine");

        var units = report.GetProperty("units").EnumerateArray().ToList();
        Assert.Equal(85, units.Count);
        var idle = units[^1];
        Assert.Equal(("RJ-TNK-NWI-013", 0L, 85), (idle.GetProperty("name").GetString(), idle.GetProperty("transactions").GetInt64(), idle.GetProperty("rank").GetInt32()));
        Assert.Equal("Niwai GP 01, Niwai, Tonk", idle.GetProperty("parent").GetString());
        Assert.Equal(_sample.Expected.Transactions, units.Sum(u => u.GetProperty("transactions").GetInt64()));
    }

    [Theory]
    [InlineData("2026-06", "+05:30", 84)]      // 00:10 IST on 1 June: one per machine that transacts
    [InlineData("2025-12-31", "+05:30", 84)]   // 23:50 IST on 31 December
    [InlineData("2026-06", "Z", 0)]            // the same June payments are still 31 May in UTC
    [InlineData("2026-01..2026-05", "+05:30", 11_100)]
    [InlineData("2026-01-01..", "+05:30", 11_184)]
    public async Task Period_days_are_counted_in_the_given_offset(string period, string offset, long transactions)
    {
        var report = await JsonReportAsync(period, offset, "--by", "district");

        Assert.Equal(transactions, report.GetProperty("total").GetProperty("transactions").GetInt64());
    }

    [Fact]
    public async Task Csv_and_table_carry_the_same_figures_as_json()
    {
        var (code, csv, error) = await Kioskctl.RunAsync("report", "--from", _sample.Transactions, "--period", "2026-01..2026-05", "--csv");
        Assert.True(code == 0, error);
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var header = lines[0].Split(',');
        var bassi = lines.Select(l => l.Split(',')).Single(f => f[Array.IndexOf(header, "block")] == "Bassi");
        Assert.Equal("4572", bassi[Array.IndexOf(header, "transactions")]);
        Assert.Equal("60.00", bassi[Array.IndexOf(header, "share_of_parent_pct")]);
        Assert.Equal("134.47", bassi[Array.IndexOf(header, "transactions_per_machine")]);
        Assert.Equal(_sample.Expected.Blocks()[("Jaipur", "Bassi")].Amount.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture), bassi[Array.IndexOf(header, "amount")]);

        var table = await Kioskctl.RunAsync("report", "--from", _sample.Transactions, "--period", "2026-01..2026-05", "--width", "160");
        var row = table.Output.Split('\n').Single(l => l.Contains("Bassi", StringComparison.Ordinal));
        Assert.Contains("4,572", row, StringComparison.Ordinal);
        Assert.Contains("60.00%", row, StringComparison.Ordinal);
        Assert.Contains("134.47", row, StringComparison.Ordinal);
        Assert.Contains("11,100 transactions", table.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_chart_is_a_png_with_one_bar_per_unit_longest_first()
    {
        using var dir = new TempDirectory();
        var png = Path.Combine(dir.Path, "blocks.png");
        var (code, _, error) = await Kioskctl.RunAsync("report", "--from", _sample.Transactions, "--period", "2026-01..2026-05", "--json", "--chart", png);

        Assert.True(code == 0, error);
        using var bitmap = SKBitmap.Decode(png);
        Assert.Equal((1000, 140 + (36 * 5)), (bitmap.Width, bitmap.Height));

        // Measure each bar's length in its fill colour (ScottPlot's SteelBlue): Bassi's bar is the longest, and the
        // bars shrink down the chart in the same proportions as the transactions (4,572 : 1,248 for the last).
        var lengths = new List<int>();
        for (var y = 0; y < bitmap.Height; y++)
        {
            var run = Enumerable.Range(0, bitmap.Width).Count(x => bitmap.GetPixel(x, y) is { Red: 70, Green: 130, Blue: 180 });
            if (run > 0 && (lengths.Count == 0 || Math.Abs(run - lengths[^1]) > 3))
            {
                lengths.Add(run);
            }
        }

        Assert.Equal(5, lengths.Count);
        Assert.Equal(lengths.OrderDescending(), lengths);
        Assert.InRange((double)lengths[0] / lengths[^1], 4_572.0 / 1_248 * 0.97, 4_572.0 / 1_248 * 1.03);
    }

    [Fact]
    public async Task A_csv_export_is_read_like_the_published_records()
    {
        using var dir = new TempDirectory();
        var transactions = Path.Combine(dir.Path, "tx.csv");
        await File.WriteAllTextAsync(transactions, """
            txId,revision,machineId,createdAt,service,amount,fee,paymentStatus
            A-1,1,A,2026-03-01T10:00:00+05:30,electricity,850.00,10,posted
            A-2,1,A,2026-03-02T10:00:00+05:30,water,"1,200.50",0,pending
            A-2,2,A,2026-03-02T10:00:00+05:30,water,"1,200.50",0,posted
            A-3,1,A,2026-03-03T10:00:00+05:30,water,99,0,failed
            B-1,1,B,2026-03-01T10:00:00+05:30,telephone,399,0,posted
            C-1,1,C,2026-03-01T10:00:00+05:30,telephone,100,0,posted
            """);
        await File.WriteAllTextAsync(Path.Combine(dir.Path, "machines.csv"), "machineId,panchayat,block,district\nA,Kanota,Bassi,Jaipur\nB,Tunga,Bassi,Jaipur\n");

        var report = await JsonAsync("report", "--from", transactions, "--by", "block");

        var bassi = Unit(report, "Bassi");
        Assert.Equal((3L, 2449.50m, 10.00m, 1L), (bassi.GetProperty("transactions").GetInt64(), bassi.GetProperty("amount").GetDecimal(), bassi.GetProperty("fees").GetDecimal(), bassi.GetProperty("notPosted").GetInt64()));
        Assert.Equal(100.00m, bassi.GetProperty("shareOfParent").GetDecimal()); // of Jaipur: C sits under "(unknown)"
        var unknown = Unit(report, FleetReport.Unknown); // C has transactions but no directory entry
        Assert.Equal(1, unknown.GetProperty("transactions").GetInt64());
    }

    [Fact]
    public async Task Bad_input_is_refused_with_the_file_and_line_and_nothing_is_guessed()
    {
        using var dir = new TempDirectory();
        var broken = Path.Combine(dir.Path, "broken.jsonl");
        var good = File.ReadLines(_sample.Transactions).Take(2).ToList();
        await File.WriteAllLinesAsync(broken, [.. good, "{\"txId\": \"x\""]);
        var (code, _, error) = await Kioskctl.RunAsync("report", "--from", broken);
        Assert.Equal(2, code);
        Assert.Contains("broken.jsonl:3:", error, StringComparison.Ordinal);

        var fractional = Path.Combine(dir.Path, "fraction.csv");
        await File.WriteAllTextAsync(fractional, "txId,machineId,createdAt,amount,paymentStatus\nA-1,A,2026-03-01T10:00:00+05:30,10.005,posted\n");
        (code, _, error) = await Kioskctl.RunAsync("report", "--from", fractional);
        Assert.Equal(2, code);
        Assert.Contains("fraction.csv:2:", error, StringComparison.Ordinal);
        Assert.Contains("whole number of paise", error, StringComparison.Ordinal);

        (code, _, error) = await Kioskctl.RunAsync("report", "--from", _sample.Transactions, "--period", "2026-05..2026-01");
        Assert.Equal(2, code);
        Assert.Contains("ends before it starts", error, StringComparison.Ordinal);

        (code, _, error) = await Kioskctl.RunAsync("report", "--from", _sample.Transactions, "--by", "village");
        Assert.Equal(2, code);
        Assert.Contains("village", error, StringComparison.Ordinal);
    }

    private static JsonElement Unit(JsonElement report, string name) =>
        report.GetProperty("units").EnumerateArray().Single(u => u.GetProperty("name").GetString() == name);

    private Task<JsonElement> JsonReportAsync(params string[] options) => options.Length > 0 && !options[0].StartsWith("--", StringComparison.Ordinal)
        ? JsonAsync(["report", "--from", _sample.Transactions, "--period", options[0], "--utc-offset", options[1], .. options[2..]])
        : JsonAsync(["report", "--from", _sample.Transactions, "--period", "2026-01..2026-05", .. options]);

    private static async Task<JsonElement> JsonAsync(params string[] args)
    {
        var (code, output, error) = await Kioskctl.RunAsync([.. args, "--json"]);
        Assert.True(code == 0, error);
        return JsonDocument.Parse(output).RootElement;
    }

    /// <summary>The generated export, written once for the class, and its independently computed figures.</summary>
    public sealed class Sample : IDisposable
    {
        private readonly TempDirectory _directory = new();

        public Sample()
        {
            var (transactions, machines) = SampleDataset.Write(_directory.Path);
            Transactions = transactions;
            Expected = new ExpectedFigures(transactions, machines, new DateOnly(2026, 1, 1), new DateOnly(2026, 5, 31));
        }

        public string Transactions { get; }

        public ExpectedFigures Expected { get; }

        public void Dispose() => _directory.Dispose();
    }
}
