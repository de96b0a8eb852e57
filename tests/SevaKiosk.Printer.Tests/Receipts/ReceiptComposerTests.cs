using SevaKiosk.Firmware.Receipts;
using SevaKiosk.Hal.Devices;
using SevaKiosk.Protocol.EscPos;
using SevaKiosk.Simulator.Devices.Printers.EscPos;

namespace SevaKiosk.Printer.Tests.Receipts;

public class ReceiptComposerTests(ReceiptFixture fixture) : IClassFixture<ReceiptFixture>
{
    public static TheoryData<ReceiptLanguage, string> LanguagesAndProfiles => new()
    {
        { ReceiptLanguage.Hindi, "generic-80mm" },
        { ReceiptLanguage.English, "generic-80mm" },
        { ReceiptLanguage.HindiEnglish, "generic-80mm" },
        { ReceiptLanguage.Hindi, "generic-58mm" },
        { ReceiptLanguage.English, "generic-58mm" },
        { ReceiptLanguage.HindiEnglish, "generic-58mm" },
    };

    private static List<EscPosCommand> Parse(byte[] bytes)
    {
        var parser = new EscPosParser();
        var commands = new List<EscPosCommand>();
        parser.Parse(bytes, commands);
        parser.Complete(commands);
        return commands;
    }

    [Fact]
    public void The_English_receipt_is_all_printer_font_text()
    {
        var composed = fixture.Compose(ReceiptLanguage.English);

        Assert.Equal(0, composed.ShapedLines);
        Assert.Equal(0, composed.ImageBytes);
        var commands = Parse(composed.Bytes);
        Assert.DoesNotContain(commands, c => c.Kind is EscPosCommandKind.BitImage or EscPosCommandKind.RasterImage or EscPosCommandKind.Unknown);
    }

    [Fact]
    public void Hindi_lines_are_shaped_images_and_nothing_outside_the_code_table_is_sent_as_text()
    {
        var composed = fixture.Compose(ReceiptLanguage.Hindi);

        Assert.True(composed.ShapedLines >= 20, $"{composed.ShapedLines} shaped lines");
        var text = Parse(composed.Bytes).Where(c => c.Kind == EscPosCommandKind.Text).ToList();
        Assert.NotEmpty(text); // rules and the BBPS brand line stay in the printer's font
        Assert.All(text, c => Assert.All(c.Bytes, b => Assert.InRange(b, (byte)0x20, (byte)0x7E)));
    }

    [Theory]
    [MemberData(nameof(LanguagesAndProfiles))]
    public void The_reference_receipt_travels_in_at_most_40_percent_of_a_full_width_raster(ReceiptLanguage language, string profile)
    {
        var chosen = PrinterProfiles.Get(profile);
        var composed = fixture.Compose(language, chosen);
        var page = fixture.Render(composed.Bytes, chosen.DotsPerLine).Pages[0];

        var ratio = (double)composed.Bytes.Length / ReceiptFixture.FullRasterBytes(page);

        Assert.True(ratio <= 0.40, $"{language} on {profile}: {composed.Bytes.Length} bytes = {ratio:P1} of the full raster");
    }

    [Theory]
    [MemberData(nameof(LanguagesAndProfiles))]
    public void The_QR_code_decodes_to_the_transaction_reference(ReceiptLanguage language, string profile)
    {
        var chosen = PrinterProfiles.Get(profile);
        var page = fixture.Render(fixture.Compose(language, chosen).Bytes, chosen.DotsPerLine).Pages[0];

        Assert.Equal(BillPaymentReceiptData.Sample.TransactionReference, ReceiptFixture.DecodeQr(page));
    }

    [Fact]
    public void Every_field_the_issue_lists_is_on_the_English_receipt_with_amounts_right_aligned()
    {
        var lines = fixture.Render(fixture.Compose(ReceiptLanguage.English).Bytes).TextLines;
        var text = string.Join(' ', lines); // wrapped sentences read on across lines

        foreach (var expected in new[]
        {
            "RJ-JPR-0042", "Gram Panchayat Rampura", "Block Sanganer", "District Jaipur", "R-2026-000123", "CC0126316A9K42B7",
            "AP84620917", "12-11-2026 14:35 IST", "Electricity bill", "Jaipur Vidyut Vitran Nigam (JVVNL)", "210412345678",
            "RAMESH KUMAR SHARMA", "JV2611-554433", "20-11-2026", "Rs. 1,245.00", "Rs. 5.00", "Rs. 1,250.00", "Rs. 500 x 2",
            "Rs. 200 x 1", "Rs. 100 x 1", "Rs. 1,300.00", "Excess, to next bill", "Rs. 50.00", "LD-4821", "Cash (kiosk)",
            "SUCCESS", "Helpline: 181", "Bharat BillPay",
        })
        {
            Assert.Contains(expected, text, StringComparison.Ordinal);
        }

        var amountLine = lines.Single(l => l.StartsWith("Bill amount", StringComparison.Ordinal));
        Assert.Equal(48, amountLine.Length);
        Assert.EndsWith("Rs. 1,245.00", amountLine, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reprint_says_so()
    {
        var data = BillPaymentReceiptData.Sample with { IsReprint = true };

        var text = string.Join('\n', fixture.Render(fixture.Compose(ReceiptLanguage.English, data: data).Bytes).TextLines);

        Assert.Contains("DUPLICATE (REPRINT)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_an_overpayment_or_a_coupon_those_lines_are_left_out()
    {
        var data = BillPaymentReceiptData.Sample with
        {
            Overpayment = null,
            CashbackOrLuckyDraw = null,
            NotesInserted = [new NoteCount(Money.Inr(500), 2), new NoteCount(Money.Inr(200), 1), new NoteCount(Money.Inr(50), 1)],
        };

        var text = string.Join('\n', fixture.Render(fixture.Compose(ReceiptLanguage.English, data: data).Bytes).TextLines);

        Assert.DoesNotContain("Excess", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Lucky draw", text, StringComparison.Ordinal);
        Assert.Contains("Rs. 1,250.00", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Control_characters_in_backend_values_cannot_smuggle_commands_to_the_printer()
    {
        var data = BillPaymentReceiptData.Sample with { ConsumerName = "EVIL\u001B@\u001DV\u0001NAME", BillNumber = "\u0010\u0005\u0002" };

        var commands = Parse(fixture.Compose(ReceiptLanguage.English, data: data).Bytes);

        Assert.Single(commands, c => c.Kind == EscPosCommandKind.Initialize);
        Assert.Single(commands, c => c.Kind == EscPosCommandKind.Cut);
        Assert.DoesNotContain(commands, c => c.Kind is EscPosCommandKind.RealTimeRecover or EscPosCommandKind.Unknown);
    }

    [Fact]
    public void A_58mm_printer_without_native_QR_gets_the_QR_as_an_image_and_a_feed_before_its_partial_cut()
    {
        var commands = Parse(fixture.Compose(ReceiptLanguage.English, PrinterProfiles.Generic58).Bytes);

        Assert.DoesNotContain(commands, c => c.Kind == EscPosCommandKind.QrCode);
        Assert.Contains(commands, c => c.Kind == EscPosCommandKind.RasterImage);
        Assert.Equal(EscPosCommandKind.FeedLines, commands[^2].Kind);
        Assert.Equal([0x1D, 0x56, 0x01], commands[^1].Bytes);
    }

    [Theory]
    [InlineData(ReceiptLanguage.Hindi)]
    [InlineData(ReceiptLanguage.HindiEnglish)]
    public void Inline_bit_image_strips_and_GS_v_0_bands_print_the_same_dots(ReceiptLanguage language)
    {
        var inline = fixture.Render(fixture.Compose(language).Bytes).Pages[0];
        var banded = fixture.Compose(language, PrinterProfiles.Generic80 with { InlineBitImages = false });
        var bandedPage = fixture.Render(banded.Bytes).Pages[0];

        Assert.DoesNotContain(Parse(banded.Bytes), c => c.Kind == EscPosCommandKind.BitImage);
        Assert.Equal(inline.Height, bandedPage.Height);
        Assert.True(inline.Dots.AsSpan().SequenceEqual(bandedPage.Dots), "the two transports should print identical receipts");
    }

    [Fact]
    public void Indian_grouping_and_rupee_formatting()
    {
        Assert.Equal("12,34,567.50", IndianNumbers.Group(1234567.5m));
        Assert.Equal("999.00", IndianNumbers.Group(999m));
        Assert.Equal("1,000.00", IndianNumbers.Group(1000m));
        Assert.Equal("Rs. 1,00,000.00", IndianNumbers.Format(Money.Inr(100000m), rupeeSign: false));
        Assert.Equal("₹50.00", IndianNumbers.Format(Money.Inr(50m), rupeeSign: true));
    }

    [Fact]
    public void The_printed_page_has_the_expected_size_and_inked_regions()
    {
        var page = fixture.Render(fixture.Compose(ReceiptLanguage.Hindi).Bytes).Pages[0];

        Assert.Equal(576, page.Width);
        Assert.Equal(PageEnd.PartialCut, page.End);
        Assert.InRange(page.Height, 1400, 2400); // about 23 cm of paper
        Assert.True(page.InkedRows() > page.Height / 2, "most rows should carry print");
        Assert.True(RowsHaveInk(page, 0, 80), "heading at the top");
        Assert.False(RowsHaveInk(page, page.Height - 60, 60), "blank feed to the cutter at the bottom");
    }

    private static bool RowsHaveInk(PrintedPage page, int top, int rows) =>
        page.Dots.AsSpan(top * page.Width, rows * page.Width).Contains((byte)0);
}
