using SevaKiosk.Hal.Printers;
using SevaKiosk.Simulator.Devices.Printers.EscPos;

namespace SevaKiosk.Printer.Tests.Driver;

/// <summary>Print jobs through the real driver into the emulator: what comes out of the printer, and what the result says.</summary>
public class PrintJobTests
{
    [Fact]
    public async Task A_job_prints_one_cut_page_identical_to_rendering_the_same_bytes()
    {
        await using var rig = new PrinterRig();
        await rig.Printer.StartAsync(CancellationToken.None);
        var job = TestJobs.Long("R1", 20);

        var result = await rig.Printer.PrintAsync(job, CancellationToken.None);

        Assert.True(result.Printed, result.Reason);
        Assert.Equal(result.Progress.TotalBytes, result.Progress.BytesConfirmed);
        Assert.Equal(result.Progress.TotalLines, result.Progress.LinesConfirmed);
        var page = Assert.Single(rig.Emulator.Pages);
        Assert.Equal(PageEnd.PartialCut, page.End);
        AssertSameDots(Reference(job), page);
    }

    [Fact]
    public async Task An_emulator_that_keeps_no_pages_hands_out_every_receipt_and_holds_no_text_or_paths_of_cut_pages()
    {
        // The firmware's no-hardware mode: it runs for days, so nothing of a cut receipt may stay resident.
        var output = Directory.CreateTempSubdirectory("sevakiosk-roll-");
        try
        {
            await using var rig = new PrinterRig(emulator: PrinterRig.FastPrinter with { KeepPages = false, OutputDirectory = output.FullName });
            var handed = new List<(PrintedPage Page, string? Path)>();
            rig.Emulator.PageOutput += (page, path) =>
            {
                lock (handed)
                {
                    handed.Add((page, path));
                }
            };
            await rig.Printer.StartAsync(CancellationToken.None);

            foreach (var id in new[] { "K1", "K2", "K3" })
            {
                var result = await rig.Printer.PrintAsync(TestJobs.Long(id, 10), CancellationToken.None);
                Assert.True(result.Printed, result.Reason);
            }

            await PrinterRig.Eventually(() => { lock (handed) { return handed.Count == 3; } }, "three pages handed out");
            Assert.All(handed, h => Assert.True(File.Exists(h.Path), h.Path));
            Assert.Empty(rig.Emulator.Pages);
            Assert.Empty(rig.Emulator.TextLines);
            Assert.Empty(rig.Emulator.PngFiles);
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Paper_running_out_mid_receipt_is_not_printed_says_how_far_and_reprints_whole_after_reload()
    {
        await using var rig = new PrinterRig();
        await rig.Printer.StartAsync(CancellationToken.None);
        var job = TestJobs.Long("R2", 60); // about 250 mm of paper
        rig.Emulator.SetPaperRemaining(150); // runs out after the first chunk's barrier, before the end

        var failed = await rig.Printer.PrintAsync(job, CancellationToken.None);

        Assert.Equal(PrintOutcome.NotPrinted, failed.Outcome);
        Assert.Equal("printer.paper.end", failed.Fault?.Code);
        Assert.InRange(failed.Progress.LinesConfirmed, 1, failed.Progress.TotalLines - 1);
        Assert.True(failed.Progress.BytesConfirmed <= failed.Progress.BytesSent);
        Assert.True(failed.Progress.BytesSent < failed.Progress.TotalBytes || failed.Progress.LinesConfirmed < failed.Progress.TotalLines);
        Assert.Equal(PageEnd.PaperEnd, Assert.Single(rig.Emulator.Pages).End);
        Assert.False(rig.Printer.Status.CanPrint);

        rig.Emulator.LoadPaper();
        await PrinterRig.Eventually(() => rig.Printer.Status.CanPrint, "paper loaded");
        var reprint = await rig.Printer.PrintAsync(job, CancellationToken.None);

        Assert.True(reprint.Printed, reprint.Reason);
        // The leftover of the failed attempt is cut off on its own, then the whole receipt follows on its own page.
        var last = rig.Emulator.Pages[^1];
        AssertSameDots(Reference(job), last);
        Assert.Equal(PageEnd.PartialCut, rig.Emulator.Pages[^2].End);
    }

    [Fact]
    public async Task Cover_opened_while_printing_stops_the_job_and_it_prints_after_closing()
    {
        await using var rig = new PrinterRig(emulator: new EscPosPrinterEmulatorOptions { PrintSpeedMmPerSecond = 300 });
        await rig.Printer.StartAsync(CancellationToken.None);
        var job = TestJobs.Long("R3", 60);

        var printing = rig.Printer.PrintAsync(job, CancellationToken.None);
        await PrinterRig.Eventually(() => rig.Emulator.TextLines.Count >= 30, "the first chunk printed"); // its barrier is answered
        rig.Emulator.SetCover(open: true);
        var failed = await printing;

        Assert.Equal(PrintOutcome.NotPrinted, failed.Outcome);
        Assert.Equal("printer.cover.open", failed.Fault?.Code);
        Assert.InRange(failed.Progress.LinesConfirmed, 1, failed.Progress.TotalLines - 1);

        rig.Emulator.SetCover(open: false);
        await PrinterRig.Eventually(() => rig.Printer.Status.CanPrint, "cover closed");
        var reprint = await rig.Printer.PrintAsync(job, CancellationToken.None);

        Assert.True(reprint.Printed, reprint.Reason);
        AssertSameDots(Reference(job), rig.Emulator.Pages[^1]);
    }

    [Fact]
    public async Task A_jammed_cutter_fails_the_job_and_reset_recovers_after_the_operator_clears_it()
    {
        await using var rig = new PrinterRig();
        await rig.Printer.StartAsync(CancellationToken.None);
        rig.Emulator.SetCutterJam(true);
        var job = TestJobs.Long("R4", 5);

        var failed = await rig.Printer.PrintAsync(job, CancellationToken.None);

        Assert.Equal(PrintOutcome.NotPrinted, failed.Outcome);
        Assert.Equal("printer.cutter", failed.Fault?.Code);
        Assert.True(rig.Printer.Status.CutterError);

        rig.Emulator.SetCutterJam(false);
        Assert.True((await rig.Printer.RefreshStatusAsync(CancellationToken.None)).CutterError, "the error stays latched until recovery");
        await rig.Printer.ResetAsync(CancellationToken.None);
        Assert.True(rig.Printer.Status.CanPrint);

        var reprint = await rig.Printer.PrintAsync(job, CancellationToken.None);
        Assert.True(reprint.Printed, reprint.Reason);
        AssertSameDots(Reference(job), rig.Emulator.Pages[^1]);
    }

    [Fact]
    public async Task A_job_is_refused_up_front_when_the_printer_cannot_print()
    {
        await using var rig = new PrinterRig();
        await rig.Printer.StartAsync(CancellationToken.None);
        rig.Emulator.SetPaperRemaining(0);

        var result = await rig.Printer.PrintAsync(TestJobs.Long("R5", 3), CancellationToken.None);

        Assert.Equal(PrintOutcome.NotPrinted, result.Outcome);
        Assert.Equal(0, result.Progress.BytesSent);
        Assert.Equal("printer.paper.end", result.Fault?.Code);
    }

    [Fact]
    public async Task ASB_stays_enabled_after_the_ESC_at_every_job_starts_with()
    {
        await using var rig = new PrinterRig();
        await rig.Printer.StartAsync(CancellationToken.None);

        Assert.True((await rig.Printer.PrintAsync(TestJobs.Long("R6", 3), CancellationToken.None)).Printed);

        Assert.Equal(0x0E, rig.Emulator.Condition.AutomaticStatusMask);
    }

    internal static PrintedPage Reference(PrintJob job)
    {
        using var font = DeviceFont.Load();
        return EscPosRenderer.Render(job.Data.Span, 576, font).Pages[0];
    }

    internal static void AssertSameDots(PrintedPage expected, PrintedPage actual)
    {
        Assert.Equal(expected.Height, actual.Height);
        Assert.True(expected.Dots.AsSpan().SequenceEqual(actual.Dots), "the printed page differs from the reference rendering");
    }
}
