using SevaKiosk.Protocol.Ssp;

namespace SevaKiosk.Protocol.Tests.Ssp;

public class SspPollParserTests
{
    private static SspEvent[] Parse(string hex, int version, out SspPollParseResult result)
    {
        var reader = new SspPacketReader();
        Assert.Equal(SspReadResult.Packet, reader.Read(Hex.Parse(hex), out _));
        var events = new SspEvent[16];
        result = SspPollParser.Parse(reader.Data, version, events);
        return events[..result.Count];
    }

    [Theory]
    [InlineData("7F 80 02 F0 F1 1A 22", SspEventCode.SlaveReset, 0)]
    [InlineData("7F 80 03 F0 EF 00 CF CA", SspEventCode.Read, 0)]
    [InlineData("7F 80 03 F0 EF 03 C5 CA", SspEventCode.Read, 3)]
    [InlineData("7F 80 03 F0 EE 04 D7 CC", SspEventCode.NoteCredit, 4)]
    [InlineData("7F 80 02 F0 ED 51 A2", SspEventCode.Rejecting, 0)]
    [InlineData("7F 80 02 F0 EC 54 22", SspEventCode.Rejected, 0)]
    [InlineData("7F 80 02 F0 CC 97 A2", SspEventCode.Stacking, 0)]
    [InlineData("7F 80 02 F0 EB 45 A2", SspEventCode.Stacked, 0)]
    [InlineData("7F 80 02 F0 E9 4A 22", SspEventCode.UnsafeNoteJam, 0)]
    [InlineData("7F 80 02 F0 E8 4F A2", SspEventCode.Disabled, 0)]
    [InlineData("7F 80 03 F0 E6 02 C0 7C", SspEventCode.FraudAttempt, 2)]
    [InlineData("7F 80 02 F0 E7 6D A2", SspEventCode.StackerFull, 0)]
    [InlineData("7F 80 03 F0 E1 00 CC 6E", SspEventCode.NoteClearedFromFront, 0)]
    [InlineData("7F 80 03 F0 E2 02 C3 E4", SspEventCode.NoteClearedIntoCashbox, 2)]
    [InlineData("7F 80 02 F0 E0 7C 22", SspEventCode.NotePathOpen, 0)]
    [InlineData("7F 80 02 F0 B5 82 23", SspEventCode.ChannelDisable, 0)]
    [InlineData("7F 80 02 F0 B6 88 23", SspEventCode.Initialising, 0)]
    public void Single_event_vectors_decode(string hex, SspEventCode code, byte channel)
    {
        var events = Parse(hex, 8, out var result);

        Assert.True(result.IsOk, result.Describe());
        var e = Assert.Single(events);
        Assert.Equal(code, e.Code);
        Assert.Equal(channel, e.Channel);
    }

    [Fact]
    public void Combined_vectors_decode_in_order()
    {
        Assert.Equal(
            [SspEventCode.SlaveReset, SspEventCode.Disabled],
            Parse("7F 80 03 F0 F1 E8 BF 8C", 8, out _).Select(e => e.Code));
        var creditStacked = Parse("7F 80 04 F0 EE 01 EB B9 48", 8, out _);
        Assert.Equal([SspEventCode.NoteCredit, SspEventCode.Stacked], creditStacked.Select(e => e.Code));
        Assert.Equal(1, creditStacked[0].Channel);
        Assert.Equal(
            [SspEventCode.Stacking, SspEventCode.NoteCredit],
            Parse("7F 80 04 F0 CC EE 01 62 AA", 8, out _).Select(e => e.Code));
    }

    [Fact]
    public void Unknown_event_is_a_decode_error_that_keeps_the_events_before_it()
    {
        byte[] reply = [0xF0, 0xEE, 0x02, 0x42, 0xEB];
        var events = new SspEvent[8];

        var result = SspPollParser.Parse(reply, 8, events);

        Assert.Equal(SspPollParseStatus.UnknownEvent, result.Status);
        Assert.Equal(1, result.Count);
        Assert.Equal(SspEventCode.NoteCredit, events[0].Code);
        Assert.Equal(0x42, result.Code);
        Assert.Equal(3, result.ErrorOffset);
        Assert.Contains("0x42", result.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Payout_value_events_change_length_with_protocol_version()
    {
        // DISPENSED at v5: u32 value. At v6: count 1 + (u32 value + "INR").
        byte[] v5 = [0xF0, 0xD2, 0x10, 0x27, 0x00, 0x00, 0xE8];
        byte[] v6 = [0xF0, 0xD2, 0x01, 0x10, 0x27, 0x00, 0x00, (byte)'I', (byte)'N', (byte)'R', 0xE8];
        var events = new SspEvent[4];

        var r5 = SspPollParser.Parse(v5, 5, events);
        Assert.True(r5.IsOk);
        Assert.Equal([SspEventCode.Dispensed, SspEventCode.Disabled], events[..r5.Count].Select(e => e.Code));

        var r6 = SspPollParser.Parse(v6, 6, events);
        Assert.True(r6.IsOk);
        Assert.Equal(8, events[0].DataLength);
        Assert.Equal(SspEventCode.Disabled, events[1].Code);

        // The v6 layout parsed as v5 swallows the wrong bytes and runs into an unknown code: an error, not a guess.
        Assert.False(SspPollParser.Parse(v6, 5, events).IsOk);
    }

    [Fact]
    public void Truncated_channel_event_is_reported()
    {
        var result = SspPollParser.Parse([0xF0, 0xEF], 8, new SspEvent[4]);
        Assert.Equal(SspPollParseStatus.Truncated, result.Status);
    }

    [Fact]
    public void Non_ok_reply_is_reported_with_its_code()
    {
        var result = SspPollParser.Parse([0xFA], 8, new SspEvent[4]);
        Assert.Equal(SspPollParseStatus.NotOk, result.Status);
        Assert.Contains("KEY_NOT_SET", result.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Too_many_events_for_the_buffer_is_reported()
    {
        var result = SspPollParser.Parse([0xF0, 0xE8, 0xE8, 0xE8], 8, new SspEvent[2]);
        Assert.Equal(SspPollParseStatus.TooManyEvents, result.Status);
        Assert.Equal(2, result.Count);
    }
}
