using FsCheck;
using FsCheck.Fluent;
using SevaKiosk.Tools.Trace;

namespace SevaKiosk.Tools.Tests.Trace;

public class CcTalkTraceDecoderTests
{
    [Fact]
    public void Session_names_every_frame_marks_echoes_and_pairs_replies()
    {
        var records = Samples.Decode("cctalk-session.txt");

        Assert.Equal(45, records.Count);
        Assert.All(records, r => Assert.Equal(TraceRecordKind.Frame, r.Kind));
        Assert.All(records, r => Assert.Null(r.Error));
        var sent = records.Where(r => r.Direction == TraceDirection.Host && !r.Echo).ToList();
        Assert.Equal(
            ["SIMPLE_POLL", "REQUEST_MANUFACTURER_ID", "REQUEST_EQUIPMENT_CATEGORY_ID", "REQUEST_SERIAL_NUMBER", "REQUEST_BILL_ID",
             "REQUEST_COUNTRY_SCALING_FACTOR", "MODIFY_INHIBIT_STATUS", "MODIFY_BILL_OPERATING_MODE", "MODIFY_MASTER_INHIBIT_STATUS",
             "READ_BUFFERED_BILL_EVENTS", "READ_BUFFERED_BILL_EVENTS", "READ_BUFFERED_BILL_EVENTS", "ROUTE_BILL", "READ_BUFFERED_BILL_EVENTS", "READ_BUFFERED_BILL_EVENTS"],
            sent.Select(r => r.Name));
        Assert.Equal(sent.Select(r => TraceWriter.Hex(r.Bytes)), records.Where(r => r.Echo).Select(r => TraceWriter.Hex(r.Bytes)));
        Assert.DoesNotContain(records, r => r.Retransmit);

        var replies = records.Where(r => r.Direction == TraceDirection.Device).ToList();
        Assert.All(replies, r => Assert.Equal("ACK", r.Name));
        Assert.Equal(sent.Select(r => r.Name), replies.Select(r => r.ReplyTo));
        Assert.All(records, r => Assert.Equal(40, r.Address));
        Assert.Equal("\"Bill Validator\"", replies[2].Detail);
        Assert.Equal("serial 1234567", replies[3].Detail);
        Assert.Equal("bill type 6: IN0500A", replies[4].Detail);
        Assert.Equal("enabled [1,2,3,4,5,6] (if bit = 1 enables)", sent[6].Detail);
        Assert.Equal("STACK", sent[12].Detail);
        Assert.Equal(
            ["", "BILL_ESCROW(6)", "BILL_ESCROW(6)", "BILL_CREDIT(6), BILL_ESCROW(6)", "BILL_CREDIT(6), BILL_ESCROW(6)"],
            replies.Where(r => r.ReplyTo == "READ_BUFFERED_BILL_EVENTS").Select(r => string.Join(", ", r.Events!)));
        Assert.Equal("counter 2: 1 new event(s) (counter 1 → 2)", replies[^2].Detail);
        Assert.Equal(20, records[4].Offset);
        Assert.Equal(7, records[4].Line);
    }

    [Fact]
    public void A_capture_of_the_wire_itself_decodes_the_same_without_prefixes_or_echoes()
    {
        var prefixed = Samples.Decode("cctalk-session.txt").Where(r => !r.Echo);
        var wire = Samples.Decode("cctalk-wire.bin");

        Assert.Equal(prefixed.Select(Summary), wire.Select(Summary));
        Assert.All(wire, r => Assert.Null(r.Line));
    }

    [Fact]
    public void Damaged_replies_noise_retransmissions_and_a_cut_frame_are_reported_and_skipped()
    {
        // Rescanning this capture after the damaged reply finds 45 bytes from offset 25 that sum to 0 by chance: a
        // "frame" to address 186, which would swallow the real frames behind it if it were believed.
        var records = Samples.Decode("cctalk-noisy.txt");

        Assert.Equal(
            ["frame > READ_BUFFERED_BILL_EVENTS", "frame > READ_BUFFERED_BILL_EVENTS echo", "crc-error < ACK", "frame > READ_BUFFERED_BILL_EVENTS retransmit",
             "frame > READ_BUFFERED_BILL_EVENTS echo", "frame < ACK", "frame > ROUTE_BILL", "frame > ROUTE_BILL echo", "garbage < GARBAGE", "frame < ACK",
             "frame > READ_BUFFERED_BILL_EVENTS", "frame > READ_BUFFERED_BILL_EVENTS echo", "garbage < GARBAGE"],
            records.Select(r => $"{TraceWriter.Kind(r.Kind)} {(r.Direction == TraceDirection.Host ? '>' : '<')} {r.Name}{(r.Echo ? " echo" : "")}{(r.Retransmit ? " retransmit" : "")}"));
        Assert.Contains("checksum received 0xBA, computed 0xB6", records[2].Error, StringComparison.Ordinal);
        Assert.Equal(["INVALID_BILL_VALIDATION_FAIL", "BILL_CREDIT(6)", "BILL_ESCROW(6)"], records[5].Events!.Select(e => e.ToString()));
        Assert.Equal("FF 13", TraceWriter.Hex(records[8].Bytes));
        Assert.Equal("ESCROW_EMPTY", records[9].Detail);
        Assert.Equal("01 0B 28 00 03 00 02", TraceWriter.Hex(records[^1].Bytes));
        Assert.DoesNotContain(records, r => r.Address == 186);
    }

    [Fact]
    public void Crc_mode_is_recognised_from_the_capture_itself()
    {
        var records = Samples.Decode("cctalk-crc.txt");

        Assert.Equal(12, records.Count);
        Assert.All(records, r => Assert.Equal(TraceRecordKind.Frame, r.Kind));
        Assert.Equal("RESET_DEVICE", records[2].Name);
        Assert.Equal("EXTEND_ESCROW_TIMEOUT", records[6].Detail);
        Assert.Equal(["BILL_RETURNED_FROM_ESCROW", "BILL_ESCROW(3)"], records[^1].Events!.Select(e => e.ToString()));
        Assert.Equal(40, records[^1].Address);
    }

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public Property Random_bytes_never_throw_and_every_byte_is_shown(byte[] noise)
    {
        var records = TraceDecoders.Create("cctalk", new TraceDecoderOptions()).Decode(TraceInput.FromBinary(noise)).ToList();

        var covered = new bool[noise.Length];
        foreach (var r in records)
        {
            for (var i = 0; i < r.Bytes.Length; i++)
            {
                covered[r.Offset + i] = true;
            }
        }

        var ordered = records.Select(r => r.Offset).SequenceEqual(records.Select(r => r.Offset).Order());
        return (ordered && covered.All(c => c)).ToProperty();
    }

    private static string Summary(TraceRecord r) =>
        $"{r.Direction} {r.Kind} {r.Name} {r.ReplyTo} {r.Sequence} {string.Join(",", r.Events ?? [])} {r.Detail} {TraceWriter.Hex(r.Bytes)}";
}
