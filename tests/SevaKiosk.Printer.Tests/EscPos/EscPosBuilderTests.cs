using SevaKiosk.Protocol.EscPos;

namespace SevaKiosk.Printer.Tests.EscPos;

/// <summary>Every byte sequence from the printer fact sheet's §A.1 table, produced by the builder.</summary>
public class EscPosBuilderTests
{
    public static TheoryData<string, Func<EscPosBuilder, EscPosBuilder>> Table => new()
    {
        { "1B 40", b => b.Initialize() },
        { "0A", b => b.LineFeed() },
        { "1B 64 05", b => b.FeedLines(5) },
        { "1B 4A 18", b => b.FeedDots(24) },
        { "1B 32", b => b.DefaultLineSpacing() },
        { "1B 33 1E", b => b.LineSpacing(30) },
        { "1B 45 01", b => b.Bold(true) },
        { "1B 45 00", b => b.Bold(false) },
        { "1B 2D 02", b => b.Underline(EscPosUnderline.TwoDots) },
        { "1B 4D 00", b => b.Font(EscPosFont.A) },
        { "1B 4D 01", b => b.Font(EscPosFont.B) },
        { "1B 21 B9", b => b.PrintMode(EscPosPrintMode.FontB | EscPosPrintMode.Emphasized | EscPosPrintMode.DoubleHeight | EscPosPrintMode.DoubleWidth | EscPosPrintMode.Underline) },
        { "1D 21 11", b => b.CharacterSize(2, 2) },
        { "1D 21 10", b => b.CharacterSize(2, 1) },
        { "1D 21 01", b => b.CharacterSize(1, 2) },
        { "1D 42 01", b => b.Reverse(true) },
        { "1B 61 01", b => b.Align(EscPosAlignment.Center) },
        { "1B 61 02", b => b.Align(EscPosAlignment.Right) },
        { "1B 74 10", b => b.CodeTableSelect(EscPosCodeTable.Wpc1252) },
        { "1B 74 05", b => b.CodeTableSelect(EscPosCodeTable.Wpc1252, 5) },
        { "1B 52 03", b => b.InternationalCharacterSet(3) },
        { "1B 24 40 01", b => b.AbsolutePosition(320) },
        { "1D 56 00", b => b.Cut(EscPosCut.Full) },
        { "1D 56 01", b => b.Cut(EscPosCut.Partial) },
        { "1D 56 41 60", b => b.Cut(EscPosCut.FeedAndFull, 96) },
        { "1D 56 42 60", b => b.Cut(EscPosCut.FeedAndPartial, 96) },
        { "1B 69", b => b.Cut(EscPosCut.LegacyFull) },
        { "1B 6D", b => b.Cut(EscPosCut.LegacyPartial) },
        { "", b => b.Cut(EscPosCut.None) },
        { "1D 48 02", b => b.BarcodeHri(BarcodeHriPosition.Below) },
        { "1D 66 01", b => b.BarcodeHriFont(EscPosFont.B) },
        { "1D 68 A2", b => b.BarcodeHeight(162) },
        { "1D 77 03", b => b.BarcodeModuleWidth(3) },
        { "1D 28 6B 04 00 31 41 32 00", b => b.QrModel(QrModel.Model2) },
        { "1D 28 6B 03 00 31 43 06", b => b.QrModuleSize(6) },
        { "1D 28 6B 03 00 31 45 31", b => b.QrErrorCorrection(QrErrorCorrection.M) },
        { "1D 28 6B 03 00 31 51 30", b => b.QrPrint() },
        { "10 04 01", b => b.RealTimeStatusRequest(1) },
        { "10 04 04", b => b.RealTimeStatusRequest(4) },
        { "10 05 02", b => b.RealTimeRecover(2) },
        { "1D 61 0E", b => b.AutomaticStatusBack(AutomaticStatus.EnableOnlineErrorPaper) },
        { "1D 72 01", b => b.TransmitPaperSensorStatus() },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Command_bytes_match_the_fact_sheet(string expected, Func<EscPosBuilder, EscPosBuilder> build)
    {
        Assert.Equal(expected.Replace(" ", "", StringComparison.Ordinal), Hex.Format(build(new EscPosBuilder()).ToArray()));
    }

    [Fact]
    public void Worked_QR_example_for_ABC_matches_byte_for_byte()
    {
        var bytes = new EscPosBuilder().Qr("ABC", 6, QrErrorCorrection.M).ToArray();

        Assert.Equal(Hex.Parse(
            "1D 28 6B 04 00 31 41 32 00 1D 28 6B 03 00 31 43 06 1D 28 6B 03 00 31 45 31 1D 28 6B 06 00 31 50 30 41 42 43 1D 28 6B 03 00 31 51 30"),
            bytes);
    }

    [Fact]
    public void QR_store_length_is_data_plus_three_little_endian()
    {
        var data = new byte[300];
        var bytes = new EscPosBuilder().QrStore(data).ToArray();

        Assert.Equal(Hex.Parse("1D 28 6B 2F 01 31 50 30"), bytes[..8]); // 303 = 0x012F
        Assert.Equal(8 + 300, bytes.Length);
    }

    [Fact]
    public void Raster_header_for_a_576_dot_274_row_image_matches_the_fact_sheet()
    {
        var image = new RasterImage(576, 274);
        var bytes = new EscPosBuilder().RasterImage(image).ToArray();

        Assert.Equal(Hex.Parse("1D 76 30 00 48 00 12 01"), bytes[..8]);
        Assert.Equal(19_728, bytes.Length - 8);
    }

    [Fact]
    public void Raster_packs_MSB_first_with_set_bits_black()
    {
        var image = new RasterImage(10, 1);
        image[0, 0] = true;
        image[9, 0] = true;

        Assert.Equal(Hex.Parse("1D 76 30 00 02 00 01 00 80 40"), new EscPosBuilder().RasterImage(image).ToArray());
    }

    [Fact]
    public void Raster_bands_split_a_tall_image_into_separate_commands()
    {
        var image = new RasterImage(16, 50);
        var bytes = new EscPosBuilder().RasterBands(image, 24).ToArray();

        // 24 + 24 + 2 rows, each with its own 8-byte header.
        Assert.Equal((3 * 8) + (2 * 50), bytes.Length);
        Assert.Equal(Hex.Parse("1D 76 30 00 02 00 18 00"), bytes[..8]);
        Assert.Equal(Hex.Parse("1D 76 30 00 02 00 02 00"), bytes[((2 * 8) + (2 * 48))..((3 * 8) + (2 * 48))]);
    }

    [Fact]
    public void Bit_image_24_dot_has_three_bytes_per_column_top_byte_first()
    {
        var image = new RasterImage(8, 24);
        image[1, 0] = true;  // column 1, top dot
        image[1, 23] = true; // column 1, bottom dot
        var columns = image.ToColumnFormat24(0, 0, 2);

        Assert.Equal(Hex.Parse("000000 800001"), columns);
        Assert.Equal(Hex.Parse("1B 2A 21 02 00 000000 800001"), new EscPosBuilder().BitImage(BitImageMode.Dots24Double, columns).ToArray());
    }

    [Fact]
    public void Code128_text_uses_set_B_and_doubles_a_literal_brace()
    {
        var bytes = new EscPosBuilder().Code128("A{1").ToArray();

        Assert.Equal(Hex.Parse("1D 6B 49 06 7B 42 41 7B 7B 31"), bytes);
    }

    [Fact]
    public void Code128_even_digit_strings_pack_two_digits_per_byte_in_set_C()
    {
        var bytes = new EscPosBuilder().Code128("20260312").ToArray();

        Assert.Equal(Hex.Parse("1D 6B 49 06 7B 43 14 1A 03 0C"), bytes);
    }

    [Fact]
    public void Text_is_encoded_in_the_selected_code_table()
    {
        var bytes = new EscPosBuilder().CodeTableSelect(EscPosCodeTable.Wpc1252).Text("café").ToArray();

        Assert.Equal(Hex.Parse("1B 74 10 63 61 66 E9"), bytes);
    }

    [Fact]
    public void Text_refuses_devanagari_and_names_the_character()
    {
        var ex = Assert.Throws<ArgumentException>(() => new EscPosBuilder().Text("राशि"));

        Assert.Contains("U+0930", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_refuses_control_characters_so_data_cannot_inject_commands()
    {
        Assert.Throws<ArgumentException>(() => new EscPosBuilder().Text("name\u001B@"));
    }
}
