using System.Globalization;
using SevaKiosk.Hal.Printers;
using SevaKiosk.Protocol.EscPos;

namespace SevaKiosk.Printer.Tests.Driver;

/// <summary>ESC/POS jobs for driver tests (the composed receipts are tested on their own).</summary>
internal static class TestJobs
{
    /// <summary>A text-heavy job: <paramref name="lines"/> numbered lines, a raster band, a QR code and a cut.</summary>
    public static PrintJob Long(string id, int lines)
    {
        var b = new EscPosBuilder().Initialize().Align(EscPosAlignment.Center).CharacterSize(2, 2).Line("TEST " + id).CharacterSize(1, 1)
            .Align(EscPosAlignment.Left);
        for (var i = 1; i <= lines; i++)
        {
            b.Line(string.Create(CultureInfo.InvariantCulture, $"Line {i:000} of {lines:000}: the quick brown fox jumps"));
        }

        var image = new RasterImage(576, 24);
        for (var x = 0; x < 576; x += 3)
        {
            image[x, x % 24] = true;
        }

        b.RasterImage(image).Align(EscPosAlignment.Center).Qr("TXN-" + id, 6).Align(EscPosAlignment.Left)
            .Line("END OF " + id).FeedLines(3).Cut(EscPosCut.FeedAndPartial, 96);
        return new PrintJob(id, b.ToArray());
    }
}
