using SevaKiosk.Protocol.CcTalk;

namespace SevaKiosk.Protocol.Tests.CcTalk;

public class CcTalkEchoSkipperTests
{
    private static readonly byte[] Poll = Hex.Parse("28 00 01 FE D9");
    private static readonly byte[] Ack = Hex.Parse("01 00 28 00 D7");

    [Fact]
    public void The_echo_is_consumed_and_the_reply_behind_it_is_left_for_the_reader()
    {
        var echo = new CcTalkEchoSkipper();
        echo.Expect(Poll);
        byte[] line = [.. Poll, .. Ack];

        Assert.Equal(CcTalkEchoResult.Complete, echo.Skip(line, out var consumed));
        Assert.Equal(Poll.Length, consumed);

        var reader = new CcTalkFrameReader(CcTalkChecksumMode.Simple8, destination: 1);
        Assert.Equal(CcTalkReadResult.Frame, reader.Read(line.AsSpan(consumed), out _));
        Assert.Equal((byte)CcTalkHeader.Ack, reader.Header);
    }

    [Fact]
    public void An_echo_split_over_several_reads_is_skipped_piece_by_piece()
    {
        var echo = new CcTalkEchoSkipper();
        echo.Expect(Poll);

        Assert.Equal(CcTalkEchoResult.NeedMoreData, echo.Skip(Poll.AsSpan(0, 2), out var first));
        Assert.Equal(2, first);
        Assert.Equal(CcTalkEchoResult.NeedMoreData, echo.Skip(Poll.AsSpan(2, 1), out _));
        Assert.Equal(CcTalkEchoResult.Complete, echo.Skip([.. Poll.AsSpan(3), .. Ack], out var last));
        Assert.Equal(2, last);
        Assert.Equal(CcTalkEchoResult.Idle, echo.Skip(Ack, out var after));
        Assert.Equal(0, after);
    }

    [Fact]
    public void A_line_without_echo_is_a_mismatch_at_the_first_byte_and_nothing_is_consumed()
    {
        var echo = new CcTalkEchoSkipper();
        echo.Expect(Poll);

        Assert.Equal(CcTalkEchoResult.Mismatch, echo.Skip(Ack, out var consumed));
        Assert.Equal(0, consumed);
        Assert.Equal(0, echo.MatchedLength);
        Assert.False(echo.IsExpecting);
    }

    [Fact]
    public void A_damaged_echo_is_a_mismatch_that_says_how_much_matched()
    {
        var echo = new CcTalkEchoSkipper();
        echo.Expect(Poll);
        var damaged = (byte[])Poll.Clone();
        damaged[3] ^= 0x01;

        Assert.Equal(CcTalkEchoResult.Mismatch, echo.Skip(damaged, out var consumed));
        Assert.Equal(3, consumed);
        Assert.Equal(3, echo.MatchedLength);
    }

    [Fact]
    public void Nothing_expected_means_idle()
    {
        var echo = new CcTalkEchoSkipper();
        Assert.Equal(CcTalkEchoResult.Idle, echo.Skip(Poll, out var consumed));
        Assert.Equal(0, consumed);

        echo.Expect(Poll);
        echo.Clear();
        Assert.Equal(CcTalkEchoResult.Idle, echo.Skip(Poll, out _));
    }
}
