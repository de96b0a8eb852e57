using SevaKiosk.Protocol.CcTalk;

namespace SevaKiosk.Protocol.Tests.CcTalk;

public class CcTalkDataTests
{
    [Fact]
    public void Inhibit_mask_puts_bill_type_one_in_bit_zero_of_the_first_byte()
    {
        var mask = CcTalkInhibitMask.FromEnabled([1, 2, 3, 9, 16]);
        Assert.Equal([0x07, 0x81], mask.ToBytes());
        Assert.Equal([0xF8, 0x7E], mask.ToBytes(CcTalkInhibitPolarity.OneInhibits));

        Assert.True(CcTalkInhibitMask.TryParse([0x07, 0x81], CcTalkInhibitPolarity.OneEnables, out var back));
        Assert.Equal([1, 2, 3, 9, 16], back.EnabledTypes());
        Assert.True(CcTalkInhibitMask.TryParse([0xF8, 0x7E], CcTalkInhibitPolarity.OneInhibits, out var inverted));
        Assert.Equal(mask, inverted);
        Assert.False(CcTalkInhibitMask.TryParse([0x07], CcTalkInhibitPolarity.OneEnables, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => CcTalkInhibitMask.FromEnabled([17]));
    }

    [Fact]
    public void Master_inhibit_bit_zero_one_means_normal_operation()
    {
        Assert.Equal(1, CcTalkMasterInhibit.Encode(true));
        Assert.Equal(0, CcTalkMasterInhibit.Encode(false));
        Assert.True(CcTalkMasterInhibit.TryParse([0x01], out var running) && running);
        Assert.True(CcTalkMasterInhibit.TryParse([0xFE], out var inhibited) && !inhibited);
        Assert.False(CcTalkMasterInhibit.TryParse([], out _));
    }

    [Fact]
    public void Operating_mode_bit_zero_is_stacker_and_bit_one_is_escrow()
    {
        Assert.Equal(0x03, (byte)(CcTalkBillOperatingMode.UseStacker | CcTalkBillOperatingMode.UseEscrow));
        Assert.Equal(0x02, (byte)CcTalkBillOperatingMode.UseEscrow);
    }

    [Theory]
    [InlineData("", true, CcTalkRouteResult.Accepted)]
    [InlineData("FE", true, CcTalkRouteResult.EscrowEmpty)]
    [InlineData("FF", true, CcTalkRouteResult.FailedToRoute)]
    [InlineData("07", false, (CcTalkRouteResult)7)]
    [InlineData("FE FE", false, CcTalkRouteResult.EscrowEmpty)]
    public void Route_bill_reply_is_ack_or_an_error_byte(string hex, bool known, CcTalkRouteResult result)
    {
        Assert.Equal(known, CcTalkRouteBill.TryParseReply(Hex.Parse(hex), out var parsed));
        Assert.Equal(result, parsed);
    }

    [Theory]
    [InlineData("IN0500A", "IN", 500, "A")]
    [InlineData("IN2000B", "IN", 2000, "B")]
    [InlineData("CH5000A", "CH", 5000, "A")]
    [InlineData("EU0005A\0\0", "EU", 5, "A")]
    [InlineData("in0010a ", "IN", 10, "a")]
    [InlineData("INR500", "INR", 500, "")]
    public void Bill_id_is_parsed_leniently(string text, string country, int value, string issue)
    {
        Assert.True(CcTalkBillId.TryParse(System.Text.Encoding.ASCII.GetBytes(text), out var id));
        Assert.Equal(new CcTalkBillId(country, value, issue), id);
    }

    [Theory]
    [InlineData("CH5A", true)]
    [InlineData(".......", true)]
    [InlineData("CHxxxxA", false)]
    [InlineData("5000A", false)]
    [InlineData("", false)]
    public void Unprogrammed_and_malformed_bill_ids(string text, bool parsed)
    {
        Assert.Equal(parsed, CcTalkBillId.TryParse(System.Text.Encoding.ASCII.GetBytes(text), out var id));
        if (text == ".......")
        {
            Assert.Null(id);
        }
    }

    [Fact]
    public void Bill_id_encodes_in_the_standard_form()
    {
        Assert.Equal("IN0500A"u8.ToArray(), CcTalkBillId.Encode("IN", 500));
        Assert.Equal("IN0500A", new CcTalkBillId("IN", 500, "A").Text);
        Assert.Throws<ArgumentException>(() => CcTalkBillId.Encode("INR", 500));
        Assert.Throws<ArgumentOutOfRangeException>(() => CcTalkBillId.Encode("IN", 10000));
    }

    [Fact]
    public void Scaling_factor_turns_value_codes_into_money()
    {
        Assert.True(CcTalkScalingFactor.TryParse([0x64, 0x00, 0x02], out var euro));
        Assert.Equal(1.00m, euro.ValueOf(1));
        Assert.True(CcTalkScalingFactor.TryParse([0x01, 0x00, 0x00], out var rupee));
        Assert.Equal(500m, rupee.ValueOf(500));
        Assert.True(CcTalkScalingFactor.TryParse([0x00, 0x00, 0x00], out var none));
        Assert.False(none.IsSupported);
        Assert.False(CcTalkScalingFactor.TryParse([0x01, 0x00], out _));
        Assert.Equal([0x2C, 0x01, 0x00], new CcTalkScalingFactor(300, 0).ToBytes());
        Assert.Equal("IN"u8.ToArray(), CcTalkScalingFactor.Request("IN"));
    }

    [Fact]
    public void Buffered_events_reply_is_counter_then_pairs_newest_first()
    {
        // Counter 3: newest is a credit of bill type 6, before it an escrow of type 6, then a status 0/10.
        byte[] reply = [0x03, 0x06, 0x00, 0x06, 0x01, 0x00, 0x0A, 0x00, 0x00, 0x00, 0x00];
        Span<CcTalkBillEvent> events = stackalloc CcTalkBillEvent[5];
        Assert.True(CcTalkBufferedEvents.TryParse(reply, events, out var counter, out var count));
        Assert.Equal(3, counter);
        Assert.Equal(5, count);
        Assert.Equal(CcTalkBillEventKind.Credit, events[0].Kind);
        Assert.Equal(6, events[0].BillType);
        Assert.Equal(CcTalkBillEventKind.Escrow, events[1].Kind);
        Assert.Equal(CcTalkBillEventKind.Status, events[2].Kind);
        Assert.Equal(CcTalkBillEventCode.StackerOk, events[2].StatusCode);

        var written = new byte[11];
        Assert.Equal(11, CcTalkBufferedEvents.Write(3, events[..3], written));
        Assert.Equal(reply, written);

        Assert.False(CcTalkBufferedEvents.TryParse([0x03, 0x06], events, out _, out _));
        Assert.False(CcTalkBufferedEvents.TryParse([], events, out _, out _));
    }

    [Theory]
    [InlineData(0, CcTalkEventClass.Status, "MASTER_INHIBIT_ACTIVE")]
    [InlineData(1, CcTalkEventClass.Status, "BILL_RETURNED_FROM_ESCROW")]
    [InlineData(2, CcTalkEventClass.Reject, "INVALID_BILL_VALIDATION_FAIL")]
    [InlineData(3, CcTalkEventClass.Reject, "INVALID_BILL_TRANSPORT_PROBLEM")]
    [InlineData(6, CcTalkEventClass.Fatal, "BILL_JAMMED_IN_TRANSPORT_UNSAFE_MODE")]
    [InlineData(8, CcTalkEventClass.Fraud, "BILL_PULLED_BACKWARDS")]
    [InlineData(14, CcTalkEventClass.Status, "STACKER_FULL")]
    [InlineData(16, CcTalkEventClass.Fatal, "BILL_JAMMED_IN_TRANSPORT_SAFE_MODE")]
    [InlineData(17, CcTalkEventClass.Fraud, "OPTO_FRAUD_DETECTED")]
    [InlineData(18, CcTalkEventClass.Fraud, "STRING_FRAUD_DETECTED")]
    [InlineData(19, CcTalkEventClass.Fatal, "ANTI_STRING_MECHANISM_FAULTY")]
    [InlineData(21, CcTalkEventClass.Status, "UNKNOWN_BILL_TYPE_STACKED")]
    [InlineData(22, CcTalkEventClass.Unknown, "UNKNOWN_STATUS_22")]
    public void Status_codes_have_a_class_and_a_name(byte code, CcTalkEventClass cls, string name)
    {
        var ev = new CcTalkBillEvent(0, code);
        Assert.Equal(cls, ev.Class);
        Assert.Equal(name, ev.Name);
    }

    [Fact]
    public void A_bill_event_with_b_other_than_zero_or_one_is_undefined_never_money()
    {
        var ev = new CcTalkBillEvent(3, 7);
        Assert.Equal(CcTalkBillEventKind.Undefined, ev.Kind);
        Assert.Equal(CcTalkEventClass.Unknown, ev.Class);
    }

    [Fact]
    public void Identification_replies()
    {
        Assert.Equal("Bill Validator", CcTalkReply.Ascii("Bill Validator\0"u8));
        Assert.Equal("A?B", CcTalkReply.Ascii([0x41, 0x07, 0x42]));
        Assert.True(CcTalkReply.TryParseSerialNumber([0x40, 0xE2, 0x01], out var serial));
        Assert.Equal(123456u, serial);
        Assert.Equal([0x40, 0xE2, 0x01], CcTalkReply.SerialNumber(123456));
        Assert.Equal(CcTalkReplyKind.Nak, CcTalkReply.Classify(5));
        Assert.Equal(CcTalkReplyKind.Busy, CcTalkReply.Classify(6));
        Assert.Equal(CcTalkReplyKind.Unexpected, CcTalkReply.Classify(254));
        Assert.Equal("READ_BUFFERED_BILL_EVENTS", CcTalkHeaderNames.Of(CcTalkHeader.ReadBufferedBillEvents));
        Assert.Equal("UNKNOWN_7", CcTalkHeaderNames.Of(7));
    }
}
