using System.Globalization;
using SevaKiosk.Hal.Printers;

namespace SevaKiosk.Firmware.Receipts;

/// <summary>
/// The page a technician prints to check a printer end to end: identity and settings, every text style, a rule, a
/// CODE128 barcode, a QR code and a shaped Hindi line with the clusters that break without shaping.
/// </summary>
public static class PrinterTestPage
{
    public static Receipt Create(PrinterCapabilities capabilities, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(capabilities);
        var stamp = now.ToOffset(TimeSpan.FromHours(5.5)).ToString("dd-MM-yyyy HH:mm:ss", CultureInfo.InvariantCulture) + " IST";
        return new Receipt(
        [
            new ReceiptHeading("PRINTER TEST"),
            new ReceiptText("SevaKiosk", ReceiptAlign.Center, ReceiptTextStyle.Bold),
            new ReceiptRule(Double: true),
            new ReceiptField("Profile", capabilities.Profile),
            new ReceiptField("Width", string.Create(CultureInfo.InvariantCulture, $"{capabilities.DotsPerLine} dots, {capabilities.Columns} columns")),
            new ReceiptField("Cut", capabilities.Cut.ToString()),
            new ReceiptField("Native QR / ASB", $"{(capabilities.NativeQr ? "yes" : "no")} / {(capabilities.AutomaticStatusBack ? "yes" : "no")}"),
            new ReceiptField("Flow control", capabilities.FlowControl.ToString()),
            new ReceiptField("Printed", stamp),
            new ReceiptRule(),
            new ReceiptText("Normal: ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789"),
            new ReceiptText("Bold: abcdefghijklmnopqrstuvwxyz", Style: ReceiptTextStyle.Bold),
            new ReceiptText("Small (font B): the quick brown fox jumps over the lazy dog", Style: ReceiptTextStyle.Small),
            new ReceiptText("LARGE", ReceiptAlign.Center, ReceiptTextStyle.Large),
            new ReceiptText("Right aligned", ReceiptAlign.Right),
            new ReceiptRule(),
            new ReceiptText("हिन्दी परीक्षण: कि क्ष त्र ज्ञ श्र र्क", ReceiptAlign.Center),
            new ReceiptText("Above: the i-matra must stand before its consonant and conjuncts must join; if not, shaping is broken.", Style: ReceiptTextStyle.Small),
            new ReceiptRule(),
            new ReceiptBarcode("TEST-0123"),
            new ReceiptQr("SEVAKIOSK-TEST-PAGE", "QR code"),
            new ReceiptText("End of test page", ReceiptAlign.Center),
        ]);
    }
}
