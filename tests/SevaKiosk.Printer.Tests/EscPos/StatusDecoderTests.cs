using SevaKiosk.Protocol.EscPos;

namespace SevaKiosk.Printer.Tests.EscPos;

/// <summary>The status values and bit meanings of fact sheet §A.2.</summary>
public class StatusDecoderTests
{
    [Theory]
    [InlineData(0x12, false, false)]
    [InlineData(0x16, true, false)]
    [InlineData(0x1A, false, true)]
    public void DLE_EOT_1_printer_status(byte value, bool drawerHigh, bool offline)
    {
        Assert.True(RealTimeStatus.IsReply(value));
        var status = PrinterStatusFlags.Decode(value);

        Assert.Equal(drawerHigh, status.DrawerPinHigh);
        Assert.Equal(offline, status.Offline);
        Assert.Equal(value, status.Encode());
    }

    [Theory]
    [InlineData(0x12, false, false)]
    [InlineData(0x1E, true, false)]
    [InlineData(0x72, false, true)]
    [InlineData(0x7E, true, true)]
    public void DLE_EOT_4_roll_paper(byte value, bool nearEnd, bool end)
    {
        var paper = RollPaperFlags.Decode(value);

        Assert.Equal(new RollPaperFlags(nearEnd, end), paper);
        Assert.Equal(value, paper.Encode());
    }

    [Fact]
    public void DLE_EOT_2_and_3_bits()
    {
        Assert.Equal(new OfflineCauseFlags(CoverOpen: true, false, PaperEndStop: true, ErrorOccurred: true), OfflineCauseFlags.Decode(0x76));
        Assert.Equal(new ErrorCauseFlags(false, AutoCutterError: true, false, AutoRecoverableError: true), ErrorCauseFlags.Decode(0x5A));
    }

    [Fact]
    public void No_status_reply_can_equal_XON_or_XOFF()
    {
        for (var b = 0; b < 256; b++)
        {
            if (RealTimeStatus.IsReply((byte)b) || AutomaticStatus.IsFirstByte((byte)b) || AutomaticStatus.IsFollowingByte((byte)b))
            {
                Assert.NotEqual(EscPosControl.Xon, (byte)b);
                Assert.NotEqual(EscPosControl.Xoff, (byte)b);
            }
        }
    }

    [Fact]
    public void ASB_frame_round_trips_and_decodes_the_documented_bits()
    {
        var status = new AutomaticStatus(false, Offline: true, CoverOpen: true, false, false, false, false, AutoCutterError: true, false, false, PaperNearEnd: true, PaperEnd: false);
        var frame = status.Encode();

        Assert.Equal(Hex.Parse("38 08 03 00"), frame);
        Assert.Equal(status, AutomaticStatus.Decode(frame));
    }

    [Fact]
    public void Reply_reader_separates_flow_control_status_ASB_and_queued_replies()
    {
        var reader = new EscPosReplyReader();
        var kinds = new List<EscPosReplyKind>();
        AutomaticStatus? asb = null;
        // XOFF, ASB byte 1, a DLE EOT reply in the middle of the frame, XON inside the frame, ASB 2..4, GS r reply.
        foreach (var b in Hex.Parse("13 18 12 00 11 0C 00 03"))
        {
            var reply = reader.Read(b);
            if (reply.Kind != EscPosReplyKind.None)
            {
                kinds.Add(reply.Kind);
            }

            if (reply.Kind == EscPosReplyKind.AutomaticStatus)
            {
                asb = reply.Status;
            }
        }

        Assert.Equal(
            [EscPosReplyKind.Xoff, EscPosReplyKind.RealTimeStatus, EscPosReplyKind.Xon, EscPosReplyKind.AutomaticStatus, EscPosReplyKind.QueuedReply],
            kinds);
        Assert.True(asb!.Value.Offline);
        Assert.True(asb.Value.PaperEnd);
    }

    [Fact]
    public void Scanner_finds_DLE_EOT_anywhere_in_a_stream_like_the_printer_does()
    {
        var scanner = new RealTimeCommandScanner();
        var found = new List<RealTimeCommand>();
        foreach (var b in Hex.Parse("1D 76 30 00 03 00 01 00 10 04 04 10 10 05 02 10 04 09"))
        {
            var command = scanner.Scan(b);
            if (command.Kind != RealTimeCommandKind.None)
            {
                found.Add(command);
            }
        }

        Assert.Equal([new RealTimeCommand(RealTimeCommandKind.TransmitStatus, 4), new RealTimeCommand(RealTimeCommandKind.Recover, 2)], found);
    }
}
