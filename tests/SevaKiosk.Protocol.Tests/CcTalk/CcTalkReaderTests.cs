using FsCheck;
using FsCheck.Fluent;
using SevaKiosk.Protocol.CcTalk;

namespace SevaKiosk.Protocol.Tests.CcTalk;

public class CcTalkReaderTests
{
    private static readonly byte[] PollTo40 = Hex.Parse("28 00 01 FE D9");
    private static readonly byte[] AckTo1 = Hex.Parse("01 00 28 00 D7");

    [Fact]
    public void Garbage_before_a_frame_is_reported_then_the_frame()
    {
        var reader = new CcTalkFrameReader(CcTalkChecksumMode.Simple8);
        var results = ReadAll(reader, [.. Hex.Parse("FF FF"), .. AckTo1]);

        Assert.Contains((CcTalkReadResult.Frame, 2L, 5), results);
        Assert.Equal(CcTalkReadResult.Garbage, results[^2].Result);
        Assert.Equal(0, results[^2].Offset);
    }

    [Fact]
    public void A_frame_found_behind_garbage_is_returned_by_the_next_read_even_with_no_new_input()
    {
        var reader = new CcTalkFrameReader(CcTalkChecksumMode.Simple8, destination: 1);
        byte[] line = [0x55, 0x66, .. AckTo1];

        Assert.Equal(CcTalkReadResult.Garbage, reader.Read(line, out var consumed));
        Assert.Equal(line.Length, consumed);
        Assert.Equal(CcTalkReadResult.Frame, reader.Read([], out _));
        Assert.Equal(2, reader.ResultOffset);
        Assert.Equal(CcTalkReadResult.NeedMoreData, reader.Read([], out _));
    }

    [Fact]
    public void A_damaged_frame_is_a_checksum_error_and_the_next_frame_still_decodes()
    {
        var reader = new CcTalkFrameReader(CcTalkChecksumMode.Simple8);
        var damaged = (byte[])AckTo1.Clone();
        damaged[4] ^= 0x10;

        byte[] line = [.. damaged, .. AckTo1];
        Assert.Equal(CcTalkReadResult.ChecksumError, reader.Read(line, out var consumed));
        Assert.Equal(0xD7, reader.ComputedChecksum);
        Assert.Equal(0xC7, reader.ReceivedChecksum);
        Assert.Equal(5, reader.ResultLength);

        var rest = ReadAll(reader, line[consumed..]);
        Assert.Equal((CcTalkReadResult.Frame, 5L, 5), rest[^1]);
    }

    [Fact]
    public void Noise_with_a_long_length_byte_does_not_hide_the_frame_after_a_flush()
    {
        // 0x77 0xC8 looks like the start of a frame with 200 data bytes; the real reply follows.
        var reader = new CcTalkFrameReader(CcTalkChecksumMode.Simple8);
        Assert.Equal(CcTalkReadResult.NeedMoreData, reader.Read([0x77, 0xC8, .. AckTo1], out _));
        Assert.True(reader.HasPendingBytes);

        Assert.Equal(CcTalkReadResult.Garbage, reader.Flush());
        Assert.Equal((0L, 2), (reader.ResultOffset, reader.ResultLength));
        Assert.Equal(CcTalkReadResult.Frame, reader.Flush());
        Assert.Equal(2, reader.ResultOffset);
        Assert.Equal(CcTalkReadResult.NeedMoreData, reader.Flush());
        Assert.False(reader.HasPendingBytes);
    }

    [Fact]
    public void A_destination_filter_skips_frames_for_other_addresses_and_noise_at_once()
    {
        var reader = new CcTalkFrameReader(CcTalkChecksumMode.Simple8, destination: 1);
        var results = ReadAll(reader, [0x77, 0xC8, .. PollTo40, .. AckTo1]);

        Assert.Equal([(CcTalkReadResult.Garbage, 0L, 7), (CcTalkReadResult.Frame, 7L, 5)], results);
    }

    [Fact]
    public void Byte_at_a_time_feeding_gives_the_same_frame()
    {
        var reader = new CcTalkFrameReader(CcTalkChecksumMode.Crc16);
        var wire = CcTalkFrameWriter.ToArray(CcTalkChecksumMode.Crc16, 1, 40, CcTalkHeader.Ack, "IN0500A"u8);
        var last = CcTalkReadResult.NeedMoreData;
        foreach (var b in wire)
        {
            last = reader.Read([b], out _);
        }

        Assert.Equal(CcTalkReadResult.Frame, last);
        Assert.Equal("IN0500A"u8.ToArray(), reader.Data.ToArray());
        Assert.Null(reader.Source);
    }

    [Fact]
    public void Flush_reports_an_unfinished_frame_as_garbage()
    {
        var reader = new CcTalkFrameReader(CcTalkChecksumMode.Simple8);
        Assert.Equal(CcTalkReadResult.NeedMoreData, reader.Read(Hex.Parse("01 0B 28 00 03"), out _));
        Assert.Equal(CcTalkReadResult.Garbage, reader.Flush());
        Assert.Equal(5, reader.ResultLength);
        Assert.Equal(CcTalkReadResult.NeedMoreData, reader.Flush());
    }

    [Fact]
    public void Reset_forgets_a_partial_frame_so_the_next_exchange_starts_clean()
    {
        var reader = new CcTalkFrameReader(CcTalkChecksumMode.Simple8);
        reader.Read(Hex.Parse("01 0B 28"), out _);
        reader.Reset();

        Assert.Equal(CcTalkReadResult.Frame, reader.Read(AckTo1, out _));
        Assert.Equal(3, reader.ResultOffset);
    }

    [Fact]
    public void A_frame_split_across_a_buffer_compaction_decodes()
    {
        // Two long frames back to back force the reader to move its buffer once.
        var data = Enumerable.Range(0, 255).Select(i => (byte)i).ToArray();
        var one = CcTalkFrameWriter.ToArray(CcTalkChecksumMode.Crc16, 1, 40, CcTalkHeader.Ack, data);
        var reader = new CcTalkFrameReader(CcTalkChecksumMode.Crc16);
        var results = ReadAll(reader, [0x01, .. one, .. one], chunk: 7);

        Assert.Equal(2, results.Count(r => r.Result == CcTalkReadResult.Frame));
    }

    [Fact]
    public void Encode_decode_round_trip_holds_for_any_frame_in_both_modes()
    {
        Prop.ForAll(
            Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>()).Where(a => a.Length <= 255).ToArbitrary(),
            Gen.Elements(CcTalkChecksumMode.Simple8, CcTalkChecksumMode.Crc16).ToArbitrary(),
            ArbMap.Default.GeneratorFor<(byte, byte, byte)>().ToArbitrary(),
            (data, mode, address) =>
            {
                var (destination, source, header) = address;
                var wire = CcTalkFrameWriter.ToArray(mode, destination, source, header, data);
                var reader = new CcTalkFrameReader(mode);
                var result = reader.Read(wire, out var consumed);
                return result == CcTalkReadResult.Frame && consumed == wire.Length && reader.Destination == destination
                    && reader.Header == header && reader.Data.SequenceEqual(data)
                    && (mode == CcTalkChecksumMode.Crc16 || reader.Source == source);
            }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Random_bytes_never_throw_and_the_next_reply_to_the_host_is_found()
    {
        // The host knows its own address; with that filter noise can hide a reply only by a 1-in-65536 accident.
        Prop.ForAll(
            Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>()).ToArbitrary(),
            Gen.Elements(CcTalkChecksumMode.Simple8, CcTalkChecksumMode.Crc16).ToArbitrary(),
            (noise, mode) =>
            {
                var reply = CcTalkFrameWriter.ToArray(mode, 1, 40, CcTalkHeader.Ack, [0x01]);
                var reader = new CcTalkFrameReader(mode, destination: 1);
                var frames = ReadAll(reader, [.. noise, .. reply, .. reply]).Where(r => r.Result == CcTalkReadResult.Frame).ToList();
                return frames.Count >= 1 && frames[^1].Offset == noise.Length + reply.Length;
            }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Random_bytes_never_throw_and_crc_frames_are_found_without_a_filter()
    {
        Prop.ForAll(
            Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>()).ToArbitrary(),
            noise =>
            {
                var reader = new CcTalkFrameReader(CcTalkChecksumMode.Crc16);
                var poll = CcTalkFrameWriter.ToArray(CcTalkChecksumMode.Crc16, 40, 1, CcTalkHeader.SimplePoll);
                var frames = ReadAll(reader, [.. noise, .. poll, .. poll]).Where(r => r.Result == CcTalkReadResult.Frame).ToList();
                return frames.Count >= 1 && frames[^1].Offset == noise.Length + poll.Length;
            }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Random_bytes_in_simple_mode_without_a_filter_never_throw_and_every_result_lies_inside_the_stream()
    {
        Prop.ForAll(
            Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>()).ToArbitrary(),
            Gen.Choose(1, 16).ToArbitrary(),
            (noise, chunk) =>
            {
                var reader = new CcTalkFrameReader(CcTalkChecksumMode.Simple8);
                var results = ReadAll(reader, noise, chunk);
                return results.All(r => r.Offset >= 0 && r.Length > 0 && r.Offset + r.Length <= noise.Length) && !reader.HasPendingBytes;
            }).QuickCheckThrowOnFailure();
    }

    /// <summary>Feeds <paramref name="stream"/> in chunks, then flushes; returns every result with its offset and length.</summary>
    internal static List<(CcTalkReadResult Result, long Offset, int Length)> ReadAll(CcTalkFrameReader reader, byte[] stream, int chunk = int.MaxValue)
    {
        var results = new List<(CcTalkReadResult, long, int)>();
        var offset = 0;
        while (offset < stream.Length)
        {
            var end = (int)Math.Min(stream.Length, (long)offset + chunk);
            CcTalkReadResult r;
            do
            {
                // A result can come with the whole chunk consumed and another one still held: read until it needs more.
                r = reader.Read(stream.AsSpan(offset, end - offset), out var consumed);
                offset += consumed;
                if (r != CcTalkReadResult.NeedMoreData)
                {
                    results.Add((r, reader.ResultOffset, reader.ResultLength));
                }
            }
            while (r != CcTalkReadResult.NeedMoreData);
        }

        CcTalkReadResult flushed;
        while ((flushed = reader.Flush()) != CcTalkReadResult.NeedMoreData)
        {
            results.Add((flushed, reader.ResultOffset, reader.ResultLength));
        }

        return results;
    }
}
