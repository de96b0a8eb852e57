using FsCheck;
using FsCheck.Fluent;
using SevaKiosk.Protocol.EscPos;

namespace SevaKiosk.Printer.Tests.EscPos;

public class EscPosParserTests
{
    private static List<EscPosCommand> ParseAll(ReadOnlySpan<byte> bytes, int chunk = int.MaxValue)
    {
        var parser = new EscPosParser();
        var output = new List<EscPosCommand>();
        for (var i = 0; i < bytes.Length; i += chunk)
        {
            parser.Parse(bytes.Slice(i, Math.Min(chunk, bytes.Length - i)), output);
        }

        parser.Complete(output);
        return output;
    }

    private static byte[] SampleStream()
    {
        var image = new RasterImage(48, 30);
        image[3, 3] = true;
        return new EscPosBuilder()
            .Initialize().CodeTableSelect(EscPosCodeTable.Pc437).Align(EscPosAlignment.Center).Bold(true).CharacterSize(2, 2)
            .Line("RECEIPT").CharacterSize(1, 1).Bold(false).Align(EscPosAlignment.Left)
            .Text("Amount").AbsolutePosition(400).Line("Rs. 100.00")
            .BitImage(BitImageMode.Dots24Double, image.ToColumnFormat24(0, 0, 10)).LineFeed()
            .RasterImage(image)
            .BarcodeHri(BarcodeHriPosition.Below).BarcodeHeight(60).Code128("R-000123")
            .Qr("TXN123", 6)
            .TransmitPaperSensorStatus()
            .FeedLines(3).Cut(EscPosCut.FeedAndPartial, 96)
            .ToArray();
    }

    [Fact]
    public void Builder_output_parses_back_into_the_same_commands()
    {
        var kinds = ParseAll(SampleStream()).Select(c => c.Kind).ToArray();

        Assert.Equal(
        [
            EscPosCommandKind.Initialize, EscPosCommandKind.SelectCodeTable, EscPosCommandKind.Alignment, EscPosCommandKind.Emphasis,
            EscPosCommandKind.CharacterSize, EscPosCommandKind.Text, EscPosCommandKind.LineFeed, EscPosCommandKind.CharacterSize,
            EscPosCommandKind.Emphasis, EscPosCommandKind.Alignment, EscPosCommandKind.Text, EscPosCommandKind.AbsolutePosition,
            EscPosCommandKind.Text, EscPosCommandKind.LineFeed, EscPosCommandKind.BitImage, EscPosCommandKind.LineFeed,
            EscPosCommandKind.RasterImage, EscPosCommandKind.BarcodeHriPosition, EscPosCommandKind.BarcodeHeight, EscPosCommandKind.Barcode,
            EscPosCommandKind.QrCode, EscPosCommandKind.QrCode, EscPosCommandKind.QrCode, EscPosCommandKind.QrCode, EscPosCommandKind.QrCode,
            EscPosCommandKind.TransmitStatus, EscPosCommandKind.FeedLines, EscPosCommandKind.Cut,
        ], kinds);
    }

    [Fact]
    public void Raster_command_carries_its_whole_payload()
    {
        var raster = ParseAll(SampleStream()).Single(c => c.Kind == EscPosCommandKind.RasterImage);

        Assert.Equal(8 + (6 * 30), raster.Bytes.Length);
        Assert.Equal("GS v 0", raster.Mnemonic);
    }

    [Fact]
    public void Unknown_commands_are_reported_and_skipped_and_parsing_resumes()
    {
        var commands = ParseAll(Hex.Parse("1B 7F 41 42 0A 1D FE 10 41 07 0A"));

        Assert.Equal(
        [
            EscPosCommandKind.Unknown, EscPosCommandKind.Text, EscPosCommandKind.LineFeed, EscPosCommandKind.Unknown,
            EscPosCommandKind.Unknown, EscPosCommandKind.Text, EscPosCommandKind.Unknown, EscPosCommandKind.LineFeed,
        ], commands.Select(c => c.Kind));
        Assert.Contains("ESC 0x7F", commands[0].Note, StringComparison.Ordinal);
        Assert.Equal("AB"u8.ToArray(), commands[1].Bytes);
        Assert.Equal("A"u8.ToArray(), commands[5].Bytes);
    }

    [Fact]
    public void A_raster_declaring_more_than_the_limit_is_skipped_without_buffering()
    {
        // 255 bytes per row × 65535 rows ≈ 16.7 MB declared, followed by text after the declared payload.
        var parser = new EscPosParser(maxCommandBytes: 4096);
        var output = new List<EscPosCommand>();
        parser.Parse(Hex.Parse("1D 76 30 00 FF 00 FF FF"), output);
        var chunk = new byte[1 << 16];
        var declared = 255L * 65535;
        for (long sent = 0; sent < declared; sent += chunk.Length)
        {
            parser.Parse(chunk.AsSpan(0, (int)Math.Min(chunk.Length, declared - sent)), output);
        }

        parser.Parse("OK\n"u8, output);

        Assert.Equal([EscPosCommandKind.Oversized, EscPosCommandKind.Text, EscPosCommandKind.LineFeed], output.Select(c => c.Kind));
        Assert.Equal("OK"u8.ToArray(), output[1].Bytes);
    }

    [Fact]
    public void A_stream_ending_mid_command_reports_truncation()
    {
        var commands = ParseAll(Hex.Parse("1D 76 30 00 02 00 05 00 FF FF"));

        var truncated = Assert.Single(commands);
        Assert.Equal(EscPosCommandKind.Truncated, truncated.Kind);
        Assert.Contains("8 bytes before the end", truncated.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void Both_barcode_functions_and_both_cut_lengths_are_sized_correctly()
    {
        var commands = ParseAll(Hex.Parse("1D 6B 04 41 42 43 00 1D 6B 45 03 41 42 43 1D 56 01 1D 56 42 10 58"));

        Assert.Equal(
            [EscPosCommandKind.Barcode, EscPosCommandKind.Barcode, EscPosCommandKind.Cut, EscPosCommandKind.Cut, EscPosCommandKind.Text],
            commands.Select(c => c.Kind));
        Assert.Equal(7, commands[0].Bytes.Length);
        Assert.Equal(7, commands[1].Bytes.Length);
        Assert.Equal(4, commands[3].Bytes.Length);
    }

    [Fact]
    public void Random_bytes_never_throw_and_every_byte_is_accounted_for()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), bytes =>
        {
            var commands = ParseAll(bytes);
            return commands.Sum(c => (long)c.WireLength) == bytes.Length;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Commands_tile_the_stream_without_gaps_so_a_driver_can_split_at_any_boundary()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), bytes =>
        {
            long next = 0;
            foreach (var command in ParseAll(bytes, chunk: 7))
            {
                if (command.Offset != next)
                {
                    return false;
                }

                next += command.WireLength;
            }

            return next == bytes.Length;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Random_ESC_POS_like_bytes_never_throw()
    {
        // Biased towards command prefixes so that the length table is exercised, not just text runs.
        var prefixBiased = Gen.Frequency(
            (3, Gen.Elements<byte>(0x1B, 0x1D, 0x1C, 0x10, 0x0A, 0x00)),
            (2, Gen.Elements<byte>((byte)'(', (byte)'k', (byte)'v', (byte)'0', (byte)'*', (byte)'&', (byte)'q', (byte)'8', (byte)'L', (byte)'V', (byte)'D', 0x04, 0x05, 0x14)),
            (3, Gen.Choose(0, 255).Select(i => (byte)i)));
        Prop.ForAll(prefixBiased.ArrayOf().ToArbitrary(), bytes =>
        {
            var commands = ParseAll(bytes);
            return commands.Sum(c => (long)c.WireLength) == bytes.Length;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Splitting_the_input_anywhere_gives_the_same_commands()
    {
        var stream = SampleStream();
        var whole = ParseAll(stream).Where(c => c.Kind != EscPosCommandKind.Text).Select(c => Hex.Format(c.Bytes)).ToArray();

        Prop.ForAll(Gen.Choose(1, 64).ToArbitrary(), chunk =>
        {
            var split = ParseAll(stream, chunk).Where(c => c.Kind != EscPosCommandKind.Text).Select(c => Hex.Format(c.Bytes));
            return whole.SequenceEqual(split);
        }).QuickCheckThrowOnFailure();
    }
}
