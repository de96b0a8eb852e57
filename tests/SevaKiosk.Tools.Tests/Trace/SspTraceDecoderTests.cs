using FsCheck;
using FsCheck.Fluent;
using SevaKiosk.Tools.Trace;

namespace SevaKiosk.Tools.Tests.Trace;

public class SspTraceDecoderTests
{
    private const string KybargKey = "67452301674523019565000000000000";

    [Fact]
    public void Session_decodes_every_frame_with_names_directions_and_pairing()
    {
        var records = Samples.Decode("ssp-session.txt");

        Assert.Equal(28, records.Count);
        Assert.All(records, r => Assert.Equal(TraceRecordKind.Frame, r.Kind));
        Assert.All(records, r => Assert.Null(r.Error));
        Assert.Equal(
            ["SYNC", "HOST_PROTOCOL_VERSION", "SETUP_REQUEST", "GET_SERIAL_NUMBER", "SET_INHIBITS", "ENABLE", "POLL", "POLL", "POLL", "POLL", "POLL", "POLL", "LAST_REJECT_CODE", "GET_COUNTERS"],
            records.Where(r => r.Direction == TraceDirection.Host).Select(r => r.Name));
        var replies = records.Where(r => r.Direction == TraceDirection.Device).ToList();
        Assert.All(replies, r => Assert.Equal("OK", r.Name));
        Assert.Equal(records.Where(r => r.Direction == TraceDirection.Host).Select(r => r.Name), replies.Select(r => r.ReplyTo));
        Assert.Equal(
            ["SLAVE_RESET", "READ(0)", "READ(6)", "STACKING", "NOTE_CREDIT(6), STACKING", "STACKED"],
            replies.Where(r => r.ReplyTo == "POLL").Select(r => string.Join(", ", r.Events!)));
        Assert.Contains("6=500 INR", replies[2].Detail, StringComparison.Ordinal);
        Assert.Equal("serial 12345678", replies[3].Detail);
        Assert.Equal(25, records[4].Offset);
        Assert.Equal(6, records[4].Line);
    }

    [Fact]
    public void Without_prefixes_directions_are_inferred_and_the_result_matches_the_prefixed_capture()
    {
        var prefixed = Samples.Decode("ssp-session.txt");
        var unprefixed = Samples.Decode("ssp-unprefixed.txt");
        var binary = Samples.Decode("ssp-session.bin");

        foreach (var decoded in new[] { unprefixed, binary })
        {
            Assert.Equal(prefixed.Select(Summary), decoded.Select(Summary));
        }

        Assert.All(binary, r => Assert.Null(r.Line));
    }

    [Fact]
    public void Noise_crc_errors_cut_frames_and_a_truncated_end_are_reported_and_skipped()
    {
        var records = Samples.Decode("ssp-noisy.txt");

        Assert.Equal(
            ["frame POLL", "garbage GARBAGE", "crc-error OK", "frame POLL", "frame OK", "garbage GARBAGE", "frame HOLD", "frame COMMAND_CANNOT_BE_PROCESSED", "garbage GARBAGE", "frame OK", "garbage GARBAGE"],
            records.Select(r => $"{TraceWriter.Kind(r.Kind)} {r.Name}"));
        Assert.True(records[3].Retransmit);
        Assert.Equal(["READ(3)"], records[4].Events!.Select(e => e.ToString()));
        Assert.Contains("CRC received", records[2].Error, StringComparison.Ordinal);
        Assert.Equal("7F 80 02 06", TraceWriter.Hex(records[^1].Bytes));
    }

    [Fact]
    public void Encrypted_frames_are_named_encrypted_and_decrypted_with_the_key()
    {
        var sealedRecords = Samples.Decode("ssp-encrypted.txt");
        var opened = Samples.Decode("ssp-encrypted.txt", KybargKey);

        Assert.All(sealedRecords, r => Assert.Equal("ENCRYPTED", r.Name));
        Assert.All(sealedRecords, r => Assert.True(r.Encrypted));
        Assert.Equal(["POLL", "OK", "OK"], opened.Select(r => r.Name));
        Assert.Equal([0u, 1u, 1u], opened.Select(r => r.Count!.Value));
        Assert.Equal(["READ(2)"], opened[1].Events!.Select(e => e.ToString()));
        Assert.Equal("POLL", opened[1].ReplyTo);
    }

    [Fact]
    public void Wrong_key_is_reported_per_frame_and_never_fatal()
    {
        var records = Samples.Decode("ssp-encrypted.txt", "00000000000000000000000000000000");

        Assert.All(records, r => Assert.Contains("does not decrypt", r.Error, StringComparison.Ordinal));
        Assert.Throws<TraceDecoderException>(() => TraceDecoders.Create("ssp", new TraceDecoderOptions("1234")));
    }

    [Fact]
    public void Unknown_poll_event_is_a_decode_error_with_the_events_before_it_kept()
    {
        var records = Samples.DecodeText("""
            > 7F 80 01 07 12 02
            < 7F 80 04 F0 EB 99 00 8E 9A
            """);

        Assert.Equal(["STACKED"], records[1].Events!.Select(e => e.Name));
        Assert.Contains("unknown poll event 0x99", records[1].Error, StringComparison.Ordinal);
    }

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public Property Random_bytes_never_throw_and_every_byte_lands_in_exactly_one_record(byte[] noise, bool withFrame)
    {
        var input = withFrame ? [.. noise, 0x7F, 0x80, 0x01, 0x11, 0x65, 0x82] : noise;

        var records = TraceDecoders.Create("ssp", new TraceDecoderOptions()).Decode(TraceInput.FromBinary(input)).ToList();

        var contiguous = records.Select(r => r.Offset).SequenceEqual(records.Select((r, i) => records.Take(i).Sum(p => (long)p.Bytes.Length)));
        return (records.Sum(r => r.Bytes.Length) == input.Length && contiguous && (!withFrame || records[^1].Name == "SYNC")).ToProperty();
    }

    private static string Summary(TraceRecord r) =>
        $"{r.Offset} {r.Direction} {r.Kind} {r.Name} {r.ReplyTo} {string.Join(",", r.Events ?? [])} {r.Detail} {TraceWriter.Hex(r.Bytes)}";
}
