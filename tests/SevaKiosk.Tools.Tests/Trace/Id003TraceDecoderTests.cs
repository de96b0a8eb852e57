using FsCheck;
using FsCheck.Fluent;
using SevaKiosk.Protocol.Id003;
using SevaKiosk.Tools.Trace;

namespace SevaKiosk.Tools.Tests.Trace;

public class Id003TraceDecoderTests
{
    [Fact]
    public void Session_names_each_frame_by_its_direction_and_pairs_every_reply_with_its_command()
    {
        var records = Samples.Decode("id003-session.txt");

        Assert.Equal(47, records.Count);
        Assert.All(records, r => Assert.Equal(TraceRecordKind.Frame, r.Kind));
        Assert.All(records, r => Assert.Null(r.Error));
        var host = records.Where(r => r.Direction == TraceDirection.Host).Select(r => r.Name).ToList();
        Assert.Equal(
            ["STATUS_REQUEST", "RESET", "STATUS_REQUEST", "VERSION_REQUEST", "BOOT_VERSION_REQUEST", "CURRENCY_ASSIGN_REQUEST",
             "SET_ENABLE_DISABLE", "SET_SECURITY", "SET_COMMUNICATION_MODE", "SET_DIRECTION", "SET_INHIBIT", "STATUS_REQUEST", "SET_INHIBIT"],
            host.Take(13));
        Assert.Equal(
            ["POWER_UP", "ACK", "INITIALIZE", "VERSION", "BOOT_VERSION", "CURRENCY_ASSIGN"],
            records.Where(r => r.Direction == TraceDirection.Device).Select(r => r.Name).Take(6));

        // The same five bytes, FC 05 11 27 56, named by the side that sent them.
        var idle = records.First(r => r.Name == "ENABLE_IDLING");
        Assert.Equal(TraceDirection.Device, idle.Direction);
        Assert.Equal("STATUS_REQUEST", idle.ReplyTo);
        Assert.Equal(TraceWriter.Hex(Id003FrameWriter.ToArray(Id003Command.StatusRequest)), TraceWriter.Hex(idle.Bytes));

        var escrow = records.Single(r => r.Name == "ESCROW");
        Assert.Equal("0x66 = 500 INR", escrow.Detail);
        Assert.Equal("ESCROW(102)", Assert.Single(escrow.Events!).ToString());
        Assert.Equal("STACK_1", records[records.ToList().IndexOf(escrow) + 1].Name);
        Assert.Equal("STACK_1", records.Single(r => r.Name == "ACK" && r.Direction == TraceDirection.Device && r.Offset > escrow.Offset).ReplyTo);

        // The host's ACK after VEND VALID is never answered: the next frame is the host's again.
        var vendValid = records.Single(r => r.Name == "VEND_VALID");
        var index = records.ToList().IndexOf(vendValid);
        Assert.Equal((TraceDirection.Host, "ACK"), (records[index + 1].Direction, records[index + 1].Name));
        Assert.Equal((TraceDirection.Host, "STATUS_REQUEST"), (records[index + 2].Direction, records[index + 2].Name));
        Assert.Equal("STACKED", records[index + 3].Name);

        Assert.Equal("0x71 INSERTION_ERROR", records[^1].Detail);
        Assert.Equal("\"i(IND)100-SS ID003-05V100-00 01JAN25 5A5A\"", records.Single(r => r.Name == "VERSION").Detail);
        Assert.StartsWith("0x61 = 10 INR, 0x62 = 20 INR", records.Single(r => r.Name == "CURRENCY_ASSIGN").Detail, StringComparison.Ordinal);
        Assert.All(records.Where(r => r.Name.EndsWith("_ECHO", StringComparison.Ordinal)), r => Assert.Equal("echo matches the setting", r.Detail));
        Assert.Equal("inhibit", records.First(r => r.Name == "SET_INHIBIT").Detail);
        Assert.Equal(5, records[1].Offset);
        Assert.Equal(3, records[1].Line);
    }

    [Fact]
    public void Without_prefixes_directions_come_from_request_response_pairing_and_match_the_prefixed_capture()
    {
        var prefixed = Samples.Decode("id003-session.txt");

        foreach (var name in new[] { "id003-unprefixed.txt", "id003-session.bin" })
        {
            var decoded = Samples.Decode(name);
            Assert.Equal(prefixed.Select(Summary), decoded.Select(Summary));
        }
    }

    [Fact]
    public void An_echoing_adapter_is_told_apart_from_the_units_replies()
    {
        var records = Samples.Decode("id003-echo.txt");

        Assert.Equal(
            ["STATUS_REQUEST", "ECHO", "ESCROW", "STACK_1", "ECHO", "ACK", "STATUS_REQUEST", "ECHO", "VEND_VALID", "ACK", "ECHO",
             "SET_INHIBIT", "ECHO", "SET_INHIBIT_ECHO", "STATUS_REQUEST", "ECHO", "ENABLE_IDLING"],
            records.Select(r => r.Name));
        Assert.All(records.Where(r => r.Name == "ECHO"), r => Assert.Equal(TraceDirection.Device, r.Direction));
        Assert.Equal(["STATUS_REQUEST", "STACK_1", "STATUS_REQUEST", "ACK", "SET_INHIBIT", "STATUS_REQUEST"], records.Where(r => r.Name == "ECHO").Select(r => r.ReplyTo));
        Assert.Equal("STACK_1", records[5].ReplyTo);
        Assert.Equal("echo matches the setting", records[13].Detail);
    }

    [Fact]
    public void Noise_garbled_replies_retransmissions_and_a_cut_off_end_are_reported_and_decoding_goes_on()
    {
        var records = Samples.Decode("id003-noisy.txt");

        Assert.Equal(
            ["STATUS_REQUEST", "GARBAGE", "ACCEPTING", "STATUS_REQUEST", "ESCROW", "STATUS_REQUEST", "ESCROW", "STATUS_REQUEST", "STATUS_REQUEST",
             "REJECTING", "SET_ENABLE_DISABLE", "SET_ENABLE_DISABLE_ECHO", "STATUS_REQUEST", "GARBAGE"],
            records.Select(r => r.Name));
        Assert.Equal(TraceRecordKind.Garbage, records[1].Kind);
        Assert.Equal(2, records[1].Bytes.Length);
        var garbled = records[4];
        Assert.Equal(TraceRecordKind.CrcError, garbled.Kind);
        Assert.Equal("STATUS_REQUEST", garbled.ReplyTo);
        Assert.Contains("CRC received", garbled.Error, StringComparison.Ordinal);
        Assert.True(records[5].Retransmit);
        Assert.Equal("0x66", records[6].Detail);
        Assert.False(records[7].Retransmit);
        Assert.True(records[8].Retransmit);
        Assert.Equal("0x7F TRUE_BILL_FEATURE_ERROR", records[9].Detail);
        Assert.Equal("bits set for 0x63 0x64 0x65 0x66 0x67 0x68 (disabled, if a set bit disables: UNCONFIRMED)", records[10].Detail);
        Assert.Equal("echo matches the setting", records[11].Detail);
        Assert.Equal((TraceRecordKind.Garbage, TraceDirection.Device, 4), (records[^1].Kind, records[^1].Direction, records[^1].Bytes.Length));
    }

    [Fact]
    public void A_setting_echoed_differently_and_a_refused_command_are_flagged()
    {
        var text = $"""
            > {Hex(Id003FrameWriter.ToArray(Id003Command.SetInhibit, [0x00]))}
            < {Hex(Id003FrameWriter.ToArray(Id003Command.SetInhibit, [0x01]))}
            > {Hex(Id003FrameWriter.ToArray(Id003Command.Stack1))}
            < {Hex(Id003FrameWriter.ToArray(Id003Status.InvalidCommand))}
            """;

        var records = Samples.DecodeText(text, protocol: "id003");

        Assert.Contains("echo differs from the setting sent", records[1].Error, StringComparison.Ordinal);
        Assert.Equal(("INVALID_COMMAND", "STACK_1"), (records[3].Name, records[3].ReplyTo));
    }

    [Fact]
    public void A_late_reply_crossing_a_retransmission_is_named_but_not_paired_with_it_with_or_without_prefixes()
    {
        // STACK-1 is not answered in time and goes again; an ESCROW meant for the poll before it arrives first.
        byte[][] frames =
        [
            Id003FrameWriter.ToArray(Id003Command.Stack1),
            Id003FrameWriter.ToArray(Id003Command.Stack1),
            Id003FrameWriter.ToArray(Id003Status.Escrow, [0x63]),
            Id003FrameWriter.ToArray(Id003Status.Ack),
        ];
        var prefixed = $"> {Hex(frames[0])}\n> {Hex(frames[1])}\n< {Hex(frames[2])}\n< {Hex(frames[3])}";
        var bare = string.Join(' ', frames.Select(Hex));

        foreach (var text in new[] { prefixed, bare })
        {
            var records = Samples.DecodeText(text, protocol: "id003");

            Assert.Equal(["STACK_1", "STACK_1", "ESCROW", "ACK"], records.Select(r => r.Name));
            Assert.True(records[1].Retransmit);
            Assert.Null(records[2].ReplyTo);
            Assert.Equal("cannot answer STACK_1: a late reply to an earlier command", records[2].Detail);
            Assert.Null(records[2].Error);
            Assert.Equal("STACK_1", records[3].ReplyTo);
        }
    }

    [Fact]
    public void A_key_is_refused_because_id003_is_not_encrypted()
    {
        var ex = Assert.Throws<TraceDecoderException>(() => TraceDecoders.Create("id003", new TraceDecoderOptions("00")));
        Assert.Contains("not encrypted", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Any_bytes_in_any_directions_decode_without_throwing_and_every_byte_is_reported_once()
    {
        var chunk = Gen.Elements(TraceDirection.Host, TraceDirection.Device, TraceDirection.Unknown)
            .SelectMany(d => Gen.OneOf(
                    Gen.Elements<byte[]>(
                        Id003FrameWriter.ToArray(Id003Command.StatusRequest),
                        Id003FrameWriter.ToArray(Id003Status.Escrow, [0x63]),
                        Id003FrameWriter.ToArray(Id003Command.SetInhibit, [0x01]),
                        Id003FrameWriter.ToArray(Id003Status.VendValid)),
                    Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf())
                .Select(bytes => (d, bytes)));
        Prop.ForAll(
            chunk.ListOf().ToArbitrary(),
            parts =>
            {
                long offset = 0;
                var chunks = new List<TraceChunk>();
                foreach (var (direction, bytes) in parts.Where(p => p.bytes.Length > 0))
                {
                    chunks.Add(new TraceChunk(offset, 1, direction, bytes));
                    offset += bytes.Length;
                }

                var records = TraceDecoders.Create("id003", new TraceDecoderOptions()).Decode(chunks).ToList();
                return records.Sum(r => (long)r.Bytes.Length) == offset
                    && records.Zip(records.Skip(1)).All(p => p.First.Offset < p.Second.Offset);
            }).QuickCheckThrowOnFailure();
    }

    private static string Hex(byte[] bytes) => TraceWriter.Hex(bytes);

    private static string Summary(TraceRecord r) => $"{r.Offset} {r.Direction} {r.Kind} {r.Name} {r.ReplyTo} {r.Detail} {r.Retransmit} {TraceWriter.Hex(r.Bytes)}";
}
