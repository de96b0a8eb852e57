using SevaKiosk.Protocol.Ssp;

namespace SevaKiosk.Protocol.Tests.Ssp;

public class SspResponseTests
{
    private static byte[] DataOf(string hex)
    {
        var reader = new SspPacketReader();
        Assert.Equal(SspReadResult.Packet, reader.Read(Hex.Parse(hex), out _));
        return reader.Data.ToArray();
    }

    [Fact]
    public void Setup_request_example_decodes_gbp_channels_from_the_device()
    {
        var setup = SspSetupResponse.Parse(DataOf("7F 80 17 F0 00 30 31 30 30 47 42 50 00 00 01 03 05 0A 14 02 02 02 40 00 00 05 61 81"));

        Assert.Equal(0, setup.UnitType);
        Assert.Equal("0100", setup.FirmwareVersion);
        Assert.Equal("GBP", setup.Country);
        Assert.Equal(1, setup.ValueMultiplier);
        Assert.Equal(5, setup.ProtocolVersion);
        Assert.Equal([5L, 10L, 20L], setup.Channels.Select(c => c.Value));
        Assert.All(setup.Channels, c => Assert.Equal("GBP", c.Currency));
        Assert.Equal([1, 2, 3], setup.Channels.Select(c => c.Number));
    }

    [Fact]
    public void Setup_request_v6_uses_expanded_values_and_round_trips()
    {
        var inr = new SspSetupResponse(
            0, "0412", "INR", 1,
            [
                new SspChannel(1, 10, "INR", 2), new SspChannel(2, 20, "INR", 2), new SspChannel(3, 50, "INR", 2),
                new SspChannel(4, 100, "INR", 2), new SspChannel(5, 200, "INR", 2), new SspChannel(6, 500, "INR", 2),
                new SspChannel(7, 2000, "INR", 2),
            ],
            1, 8);

        var decoded = SspSetupResponse.Parse(inr.Encode());

        Assert.Equal(8, decoded.ProtocolVersion);
        Assert.Equal([10L, 20, 50, 100, 200, 500, 2000], decoded.Channels.Select(c => c.Value));
        Assert.Equal("INR", decoded.Channels[6].Currency);
    }

    [Fact]
    public void Setup_request_shorter_than_its_channel_count_is_a_clear_error()
    {
        var ex = Assert.Throws<SspDecodeException>(() => SspSetupResponse.Parse(Hex.Parse("F0 00 30 31 30 30 49 4E 52 00 00 01 07 0A")));
        Assert.Contains("too short", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Serial_number_is_big_endian() =>
        Assert.Equal(0x001C962Cu, SspResponses.ParseSerialNumber(DataOf("7F 80 05 F0 00 1C 96 2C D4 97")));

    [Fact]
    public void Last_reject_code_example_is_reject_by_host() =>
        Assert.Equal((byte)SspRejectReason.RejectByHost, SspResponses.ParseLastRejectCode(DataOf("7F 80 02 F0 08 0C 20")));

    [Fact]
    public void Key_exchange_reply_is_u64_little_endian() =>
        Assert.Equal(0xDB273CE5FA1B6823UL, SspResponses.ParseKeyExchange(DataOf("7F 80 09 F0 23 68 1B FA E5 3C 27 DB 80 8A")));

    [Fact]
    public void Counters_round_trip()
    {
        var counters = new SspCounters(1200, 0, 0, 0, 37);
        Assert.Equal(counters, SspResponses.ParseCounters(SspResponses.EncodeCounters(counters)));
    }

    [Fact]
    public void Non_ok_reply_names_the_generic_response()
    {
        var ex = Assert.Throws<SspDecodeException>(() => SspResponses.ParseSerialNumber([0xF5]));
        Assert.Equal((byte)0xF5, ex.GenericResponse);
        Assert.Contains("COMMAND_CANNOT_BE_PROCESSED", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0x13, "ESCROW_TIMEOUT")]
    [InlineData(0x08, "REJECT_BY_HOST")]
    [InlineData(0x16, "SLOT_FAIL_1")]
    [InlineData(0x1E, "UNKNOWN_REJECT_0x1E")]
    public void Reject_reasons_have_stable_names(byte code, string name) => Assert.Equal(name, SspRejectReasons.Name(code));

    [Fact]
    public void Set_inhibits_mask_round_trips()
    {
        var data = SspCommands.SetInhibits([1, 2, 3, 4, 5, 6]);
        Assert.Equal([0x02, 0x3F, 0x00], data);
        Assert.Equal([1, 2, 3, 4, 5, 6], SspCommands.EnabledChannels(data.AsSpan(1)));
    }
}
