using System.Diagnostics;
using System.Text.Json;
using SevaKiosk.Firmware.Receipts;
using SevaKiosk.Printer.Tests.Receipts;
using SevaKiosk.Simulator.Devices.Printers.EscPos;
using SkiaSharp;

namespace SevaKiosk.Printer.Tests.Cli;

/// <summary>The command-line contracts: kioskctl receipt sample/render, kioskctl diag printer, sevakiosk-sim device printer.</summary>
public sealed class ReceiptCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sevakiosk-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("hi+en", "generic-80mm", 576)]
    [InlineData("hi", "generic-58mm", 384)]
    public async Task Receipt_sample_then_render_round_trips_to_a_PNG_with_the_receipt_on_it(string language, string profile, int width)
    {
        var bin = Path.Combine(_dir, "receipt.bin");
        var png = Path.Combine(_dir, "receipt.png");

        var sample = await CliProcess.RunAsync("kioskctl", "receipt", "sample", "--lang", language, "--profile", profile, "--out", bin);
        var render = await CliProcess.RunAsync("kioskctl", "receipt", "render", bin, "--out", png, "--width-dots", width.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(sample.Exit == 0, sample.Err);
        Assert.True(render.Exit == 0, render.Err);
        Assert.Contains("1 cut(s)", render.Out, StringComparison.Ordinal);
        Assert.Equal(string.Empty, render.Err); // no unknown or skipped commands in our own receipt
        using var bitmap = SKBitmap.Decode(png);
        Assert.Equal(width, bitmap.Width);
        Assert.True(bitmap.Height > 1000);
        var dots = bitmap.GetPixelSpan().ToArray();
        var page = new PrintedPage(bitmap.Width, bitmap.Height, dots, PageEnd.Open);
        Assert.Equal(BillPaymentReceiptData.Sample.TransactionReference, ReceiptFixture.DecodeQr(page));
    }

    [Fact]
    public async Task Render_reports_unknown_commands_and_still_renders_the_rest()
    {
        var bin = Path.Combine(_dir, "odd.bin");
        await File.WriteAllBytesAsync(bin, [0x1B, 0x40, 0x1B, 0x7F, (byte)'O', (byte)'K', 0x0A, 0x1D, 0x56, 0x00]);

        var render = await CliProcess.RunAsync("kioskctl", "receipt", "render", bin, "--out", Path.Combine(_dir, "odd.png"));

        Assert.Equal(0, render.Exit);
        Assert.Contains("ESC 0x7F", render.Err, StringComparison.Ordinal);
        Assert.Contains("1 printed lines", render.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sample_names_the_missing_font_file()
    {
        var result = await CliProcess.RunAsync("kioskctl", "receipt", "sample", "--lang", "hi", "--out", Path.Combine(_dir, "x.bin"), "--font-dir", "/opt/nowhere");

        Assert.Equal(1, result.Exit);
        Assert.Contains("/opt/nowhere/NotoSansDevanagari-Regular.ttf", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Diag_printer_reads_the_simulated_printer_over_its_pty_and_prints_a_test_page()
    {
        using var sim = Process.Start(CliProcess.StartInfo("sevakiosk-sim", "device", "printer", "--out-dir", _dir))!;
        try
        {
            using var hello = JsonDocument.Parse(await sim.StandardOutput.ReadLineAsync() ?? "{}");
            var port = hello.RootElement.GetProperty("port").GetString()!;

            var healthy = await CliProcess.RunAsync("kioskctl", "diag", "printer", "--port", port, "--json");
            Assert.True(healthy.Exit == 0, healthy.Err + healthy.Out);
            using (var json = JsonDocument.Parse(healthy.Out))
            {
                var status = json.RootElement.GetProperty("status");
                Assert.True(status.GetProperty("online").GetBoolean());
                Assert.Equal("ok", status.GetProperty("paper").GetString());
                Assert.False(status.GetProperty("coverOpen").GetBoolean());
                Assert.False(status.GetProperty("cutterError").GetBoolean());
                Assert.Equal("generic-80mm", json.RootElement.GetProperty("profile").GetProperty("name").GetString());
            }

            await sim.StandardInput.WriteLineAsync("{\"paper\":\"end\"}");
            Assert.Contains("\"ok\":true", await sim.StandardOutput.ReadLineAsync(), StringComparison.Ordinal);
            var empty = await CliProcess.RunAsync("kioskctl", "diag", "printer", "--port", port, "--json");
            Assert.Equal(1, empty.Exit);
            using (var json = JsonDocument.Parse(empty.Out))
            {
                Assert.Equal("end", json.RootElement.GetProperty("status").GetProperty("paper").GetString());
                Assert.Contains("printer.paper.end", json.RootElement.GetProperty("faults").EnumerateArray().Select(f => f.GetProperty("code").GetString()));
            }

            await sim.StandardInput.WriteLineAsync("{\"paper\":\"ok\"}");
            await sim.StandardOutput.ReadLineAsync();
            var printed = await CliProcess.RunAsync("kioskctl", "diag", "printer", "--port", port, "--test-page");
            Assert.True(printed.Exit == 0, printed.Err + printed.Out);
            Assert.Contains("test page    printed", printed.Out, StringComparison.Ordinal);

            using var cut = JsonDocument.Parse(await sim.StandardOutput.ReadLineAsync() ?? "{}");
            Assert.Equal("cut", cut.RootElement.GetProperty("event").GetString());
            Assert.True(File.Exists(cut.RootElement.GetProperty("png").GetString()));
        }
        finally
        {
            sim.StandardInput.Close();
            if (!sim.WaitForExit(10_000))
            {
                sim.Kill();
            }
        }
    }
}
