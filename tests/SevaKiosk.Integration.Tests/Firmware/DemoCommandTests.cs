using System.Text.Json.Nodes;
using SevaKiosk.Testing;

namespace SevaKiosk.Integration.Tests.Firmware;

/// <summary>The README's run command: <c>sevakiosk --demo</c> on a fresh data directory, twice.</summary>
public sealed class DemoCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Demo_pays_the_850_bill_returns_the_2000_renders_the_receipt_and_is_acknowledged_and_a_second_run_adds_a_second_transaction()
    {
        using var data = new TempDirectory();

        var first = await Sevakiosk.RunAsync(Timeout, "--demo", "--data", data.Path);
        Assert.True(first.ExitCode == 0, $"exit {first.ExitCode}\n{first.Stdout}\n{first.Stderr}");
        var one = JsonNode.Parse(first.LastLine)!.AsObject();
        Assert.Equal("electricity", (string?)one["service"]);
        Assert.Equal("210441023456", (string?)one["consumerNumber"]);
        Assert.Equal(850m, (decimal)one["amount"]!);
        Assert.Equal([500m, 200m, 100m, 50m], one["notes"]!.AsArray().Select(n => (decimal)n!));
        Assert.Equal([2000m], one["returned"]!.AsArray().Select(n => (decimal)n!));
        Assert.True((bool)one["acknowledged"]!);
        var txId = (string)one["txId"]!;
        var receipt = (string)one["receipt"]!;
        Assert.Equal(Path.Combine(data.Path, "receipts", txId + ".png"), receipt);
        Assert.True(new FileInfo(receipt).Length > 10_000, "the receipt PNG has the rendered roll");
        Assert.Contains("returned ₹2000", first.Stdout, StringComparison.Ordinal);

        var second = await Sevakiosk.RunAsync(Timeout, "--demo", "--data", data.Path);
        Assert.True(second.ExitCode == 0, $"exit {second.ExitCode}\n{second.Stdout}\n{second.Stderr}");
        var two = JsonNode.Parse(second.LastLine)!.AsObject();
        Assert.NotEqual(txId, (string)two["txId"]!);

        var report = await Sevakiosk.RunAsync(Timeout, "report", "x", "--data", data.Path, "--json");
        Assert.Equal(0, report.ExitCode);
        var x = JsonNode.Parse(report.Stdout)!.AsObject();
        Assert.Equal(2, (long)x["transactions"]!);
        Assert.Equal(1700m, (decimal)x["notesTotal"]!);
        Assert.Equal(1700m, (decimal)x["amountPosted"]!);
        Assert.All(x["denominations"]!.AsArray(), d => Assert.Equal(2, (long)d!["count"]!));
        Assert.Equal([50m, 100m, 200m, 500m], x["denominations"]!.AsArray().Select(d => (decimal)d!["value"]!));
    }

    [Fact]
    public async Task Z_report_closes_the_period_so_the_next_X_report_starts_empty()
    {
        using var data = new TempDirectory();
        var demo = await Sevakiosk.RunAsync(Timeout, "--demo", "--data", data.Path);
        Assert.True(demo.ExitCode == 0, demo.Stderr);

        var z = await Sevakiosk.RunAsync(Timeout, "report", "z", "--data", data.Path);
        Assert.Equal(0, z.ExitCode);
        Assert.Contains("Z REPORT", z.Stdout, StringComparison.Ordinal);
        Assert.Contains("Z #1", z.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"total\s+850\.00", z.Stdout);

        var x = JsonNode.Parse((await Sevakiosk.RunAsync(Timeout, "report", "x", "--data", data.Path, "--json")).Stdout)!;
        Assert.Equal(0, (long)x["transactions"]!);
        Assert.Equal(0m, (decimal)x["notesTotal"]!);
    }

    [Fact]
    public async Task Report_on_a_directory_without_a_journal_says_so_and_creates_nothing()
    {
        using var data = new TempDirectory();
        var missing = Path.Combine(data.Path, "nothing-here");

        var result = await Sevakiosk.RunAsync(Timeout, "report", "x", "--data", missing);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no journal", result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing));
    }
}
