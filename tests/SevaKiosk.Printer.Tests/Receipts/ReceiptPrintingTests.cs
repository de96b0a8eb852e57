using SevaKiosk.Firmware.Receipts;
using SevaKiosk.Hal.Printers;
using SevaKiosk.Printer.Tests.Driver;
using SevaKiosk.Simulator.Devices.Printers.EscPos;
using SkiaSharp;

namespace SevaKiosk.Printer.Tests.Receipts;

/// <summary>The whole path: composed receipt → driver → emulator → PNG on disk at the cut.</summary>
public sealed class ReceiptPrintingTests(ReceiptFixture fixture) : IClassFixture<ReceiptFixture>, IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("sevakiosk-receipt-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    [Theory]
    [InlineData(ReceiptLanguage.Hindi)]
    [InlineData(ReceiptLanguage.HindiEnglish)]
    public async Task A_composed_receipt_printed_by_the_driver_comes_out_as_a_PNG_with_a_readable_QR(ReceiptLanguage language)
    {
        await using var rig = new PrinterRig(emulator: PrinterRig.FastPrinter with { OutputDirectory = _out });
        await rig.Printer.StartAsync(CancellationToken.None);
        var composed = fixture.Compose(language);

        var result = await rig.Printer.PrintAsync(new PrintJob("R-2026-000123", composed.Bytes), CancellationToken.None);

        Assert.True(result.Printed, result.Reason);
        await PrinterRig.Eventually(() => rig.Emulator.PngFiles.Count == 1, "the PNG of the cut page");
        using var png = SKBitmap.Decode(rig.Emulator.PngFiles[0]);
        var page = rig.Emulator.Pages[0];
        Assert.Equal(576, png.Width);
        Assert.Equal(page.Height + 12, png.Height); // the page and its cut mark
        Assert.Equal(BillPaymentReceiptData.Sample.TransactionReference, ReceiptFixture.DecodeQr(page));
        Assert.True(fixture.Render(composed.Bytes).Pages[0].Dots.AsSpan().SequenceEqual(page.Dots), "printed through the driver = rendered from the bytes");
    }
}
