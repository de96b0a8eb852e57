using SevaKiosk.Protocol.Ssp;

namespace SevaKiosk.Protocol.Tests.Ssp;

public class SspUnitAndChannelDataTests
{
    private static readonly SspChannel[] Inr =
    [
        new(1, 10, "INR", 2), new(2, 20, "INR", 2), new(3, 50, "INR", 2),
        new(4, 100, "INR", 2), new(5, 200, "INR", 2), new(6, 500, "INR", 3),
    ];

    [Fact]
    public void Unit_data_has_the_fixed_layout_and_round_trips()
    {
        var unit = new SspUnitData(0x00, "0414", "INR", 10, 7);

        var reply = unit.Encode();

        Assert.Equal("F0" + "00" + "30343134" + "494E52" + "00000A" + "07", Hex.Format(reply));
        Assert.Equal(unit, SspUnitData.Parse(reply));
    }

    [Fact]
    public void Unit_data_that_is_too_short_or_not_ok_is_a_clear_error()
    {
        Assert.Contains("expected 13", Assert.Throws<SspDecodeException>(() => SspUnitData.Parse(Hex.Parse("F0 00 30 34"))).Message, StringComparison.Ordinal);
        Assert.Equal((byte)0xFA, Assert.Throws<SspDecodeException>(() => SspUnitData.Parse([0xFA])).GenericResponse);
    }

    [Fact]
    public void Channel_values_below_protocol_6_are_scaled_by_the_multiplier()
    {
        var reply = SspChannelData.EncodeValues(Inr, 10, 5);

        Assert.Equal("F006010205" + "0A1432", Hex.Format(reply));
        Assert.Equal([10L, 20, 50, 100, 200, 500], SspChannelData.ParseValues(reply, 5, 10, "INR").Select(c => c.Value));
    }

    [Fact]
    public void Channel_values_from_protocol_6_carry_currency_and_full_value()
    {
        var channels = Inr.Append(new SspChannel(7, 2000, "INR", 2)).ToArray();

        var reply = SspChannelData.EncodeValues(channels, 10, 8);
        var parsed = SspChannelData.ParseValues(reply, 8, 0, "???");

        Assert.Equal(2 + 7 + (7 * 7), reply.Length);
        Assert.Equal([10L, 20, 50, 100, 200, 500, 2000], parsed.Select(c => c.Value));
        Assert.All(parsed, c => Assert.Equal("INR", c.Currency));
        Assert.Equal(7, parsed[6].Number);
    }

    [Fact]
    public void Channel_value_reply_shorter_than_its_count_is_a_clear_error() =>
        Assert.Throws<SspDecodeException>(() => SspChannelData.ParseValues(Hex.Parse("F0 06 01 02"), 5, 10, "INR"));

    [Fact]
    public void Channel_security_round_trips()
    {
        var reply = SspChannelData.EncodeSecurity(Inr);

        Assert.Equal("F006020202020203", Hex.Format(reply));
        Assert.Equal([2, 2, 2, 2, 2, 3], SspChannelData.ParseSecurity(reply));
    }

    [Fact]
    public void Build_revision_is_three_bytes_per_module_little_endian()
    {
        var reply = SspBuildRevision.Encode([new SspBuildRevision(0x00, 0x0123), new SspBuildRevision(0x06, 7)]);

        Assert.Equal("F0002301060700", Hex.Format(reply));
        Assert.Equal([new SspBuildRevision(0, 0x123), new SspBuildRevision(6, 7)], SspBuildRevision.Parse(reply));
        Assert.Throws<SspDecodeException>(() => SspBuildRevision.Parse(Hex.Parse("F0 00 23")));
    }
}
