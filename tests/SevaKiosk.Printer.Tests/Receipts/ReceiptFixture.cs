using SevaKiosk.Firmware.Receipts;
using SevaKiosk.Protocol.EscPos;
using SevaKiosk.Simulator.Devices.Printers.EscPos;
using ZXing;
using ZXing.Common;

namespace SevaKiosk.Printer.Tests.Receipts;

/// <summary>Fonts loaded once per test class, and helpers to compose, render and read back receipts.</summary>
public sealed class ReceiptFixture : IDisposable
{
    public ReceiptFonts Fonts { get; } = ReceiptFonts.Load();

    public DeviceFont DeviceFont { get; } = DeviceFont.Load();

    public static IEnumerable<ReceiptLanguage> Languages => Enum.GetValues<ReceiptLanguage>();

    public ComposedReceipt Compose(ReceiptLanguage language, PrinterProfile? profile = null, BillPaymentReceiptData? data = null) =>
        new ReceiptComposer(profile ?? PrinterProfiles.Default, Fonts)
            .ComposeDetailed(BillPaymentReceipt.Create(data ?? BillPaymentReceiptData.Sample, language));

    public RenderedStream Render(byte[] bytes, int width = 576) => EscPosRenderer.Render(bytes, width, DeviceFont);

    /// <summary>Bytes of the same receipt sent as one full-width raster: every row from the top to the last printed one.</summary>
    public static long FullRasterBytes(PrintedPage page) => new EscPosBuilder().RasterImage(new RasterImage(page.Width, page.RowsToLastInk())).Length;

    /// <summary>Decodes the QR code on a printed page, as a phone would from a photo of the receipt.</summary>
    public static string? DecodeQr(PrintedPage page)
    {
        var reader = new BarcodeReaderGeneric
        {
            Options = new DecodingOptions { PossibleFormats = [BarcodeFormat.QR_CODE], TryHarder = true },
        };
        var source = new RGBLuminanceSource(page.Dots, page.Width, page.Height, RGBLuminanceSource.BitmapFormat.Gray8);
        return reader.Decode(source)?.Text;
    }

    public void Dispose()
    {
        Fonts.Dispose();
        DeviceFont.Dispose();
    }
}
