using FsCheck;
using FsCheck.Fluent;
using SevaKiosk.Protocol.Id003;

namespace SevaKiosk.Protocol.Tests.Id003;

public class Id003ReaderTests
{

    [Fact]
    public void Garbage_before_a_frame_is_reported_then_the_frame()
    {
        var items = Id003ReaderHarness.ReadAll(Hex.Parse("00 55 AA FC 05 11 27 56"));
        Assert.Equal(
            [new ReadItem(Id003ReadResult.Garbage, 0, 3, ""), new ReadItem(Id003ReadResult.Frame, 3, 5, "FC05112756")],
            items);
    }

    [Fact]
    public void Sync_inside_data_does_not_split_the_frame()
    {
        // SET BAR INHIBIT FC (accept notes and tickets) carries 0xFC as data; its echo is byte-identical.
        var items = Id003ReaderHarness.ReadAll(Hex.Parse("FC 06 C7 FC 87 8C FC 06 C7 FC 87 8C"));
        Assert.Equal(2, items.Count);
        Assert.All(items, i => Assert.Equal("FC06C7FC878C", i.Frame));
        Assert.Equal([0L, 6L], items.Select(i => i.Offset));
    }

    [Fact]
    public void Crc_error_between_two_good_frames_loses_neither()
    {
        var items = Id003ReaderHarness.ReadAll(Hex.Parse("FC 05 11 27 56  FC 06 13 63 A2 D9  FC 05 15 03 10"));
        Assert.Equal(
            [
                new ReadItem(Id003ReadResult.Frame, 0, 5, "FC05112756"),
                new ReadItem(Id003ReadResult.CrcError, 5, 6, ""),
                new ReadItem(Id003ReadResult.Frame, 11, 5, "FC05150310"),
            ],
            items);
    }

    [Fact]
    public void Frame_whose_lng_was_corrupted_upwards_does_not_swallow_the_next_frame()
    {
        // LNG 05 became 09: the candidate spans into the next frame, fails its CRC, and only its own bytes are dropped.
        var items = Id003ReaderHarness.ReadAll(Hex.Parse("FC 09 11 27 56 FC 05 11 27 56"), flush: false);
        Assert.Equal(
            [new ReadItem(Id003ReadResult.CrcError, 0, 5, ""), new ReadItem(Id003ReadResult.Frame, 5, 5, "FC05112756")],
            items);
    }

    [Fact]
    public void Frame_with_a_dropped_byte_is_reported_bad_and_the_next_frame_still_decodes()
    {
        // ESCROW lost its last CRC byte; its LNG then takes the next SYNC as its own last byte.
        var items = Id003ReaderHarness.ReadAll(Hex.Parse("FC 06 13 63 A2 FC 05 16 98 22"));
        Assert.Equal(
            [new ReadItem(Id003ReadResult.CrcError, 0, 5, ""), new ReadItem(Id003ReadResult.Frame, 5, 5, "FC05169822")],
            items);
    }

    [Fact]
    public void Huge_corrupted_lng_waits_then_flush_recovers_the_frames_it_buffered()
    {
        var reader = new Id003FrameReader();
        var stream = Hex.Parse("FC F0 11  FC 05 11 27 56");
        Assert.Equal(Id003ReadResult.NeedMoreData, reader.Read(stream, out var consumed));
        Assert.Equal(stream.Length, consumed);
        Assert.True(reader.HasPendingBytes);

        Assert.Equal(Id003ReadResult.Garbage, reader.Flush());
        Assert.Equal((0L, 3), (reader.ResultOffset, reader.ResultLength));
        Assert.Equal(Id003ReadResult.Frame, reader.Flush());
        Assert.Equal((3L, 5), (reader.ResultOffset, reader.ResultLength));
        Assert.Equal(Id003ReadResult.NeedMoreData, reader.Flush());
        Assert.False(reader.HasPendingBytes);
    }

    [Fact]
    public void Impossible_lng_drops_the_sync_as_garbage()
    {
        var items = Id003ReaderHarness.ReadAll(Hex.Parse("FC 04 FC 00 FC 05 1B 7D F9"));
        Assert.Equal(
            [new ReadItem(Id003ReadResult.Garbage, 0, 4, ""), new ReadItem(Id003ReadResult.Frame, 4, 5, "FC051B7DF9")],
            items);
    }

    [Fact]
    public void Byte_at_a_time_feeding_gives_the_same_results()
    {
        var stream = Hex.Parse("33 FC 06 C7 FC 87 8C FC 09 11 27 56 FC 05 11 27 56 FC 0C 13 6F 31 32 33 34 35 36 D4 69 EE");
        Assert.Equal(Id003ReaderHarness.ReadAll(stream), Id003ReaderHarness.ReadAll(stream, [1]));
    }

    [Fact]
    public void Reset_forgets_a_partial_frame()
    {
        var reader = new Id003FrameReader();
        Assert.Equal(Id003ReadResult.NeedMoreData, reader.Read(Hex.Parse("FC 06 13"), out _));
        reader.Reset();
        Assert.Equal(Id003ReadResult.Frame, reader.Read(Hex.Parse("FC 05 11 27 56"), out _));
        Assert.Equal(3, reader.ResultOffset);
    }

    [Fact]
    public void Poll_cycle_allocates_nothing_once_warm()
    {
        var reader = new Id003FrameReader();
        var command = new byte[Id003Constants.MaxFrameLength];
        var stream = Hex.Parse("00 FC 09 11 27 56 FC 06 13 66 0F 8F FC 05 15 03 10");
        void Cycle()
        {
            Id003FrameWriter.Write((byte)Id003Command.StatusRequest, default, command);
            var input = stream.AsSpan();
            Id003ReadResult result;
            do
            {
                result = reader.Read(input, out var consumed);
                input = input[consumed..];
            }
            while (result != Id003ReadResult.NeedMoreData);
        }

        Cycle();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            Cycle();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Encode_decode_round_trip_holds_for_any_code_and_data()
    {
        Prop.ForAll(
            ArbMap.Default.GeneratorFor<byte>().ToArbitrary(),
            Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>()).Where(a => a.Length <= Id003Constants.MaxDataLength).ToArbitrary(),
            (code, data) =>
            {
                var wire = Id003FrameWriter.ToArray(code, data);
                var reader = new Id003FrameReader();
                var result = reader.Read(wire, out var consumed);
                return result == Id003ReadResult.Frame && consumed == wire.Length && wire[1] == wire.Length
                    && reader.Code == code && reader.Data.SequenceEqual(data)
                    && Id003Frame.TryDecode(wire, out var c, out var d) && c == code && d.SequenceEqual(data);
            }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Random_bytes_never_throw_and_the_next_valid_frames_are_found()
    {
        var valid = Hex.Parse("FC 06 13 63 A2 D8");
        Prop.ForAll(
            Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>()).ToArbitrary(),
            Gen.ArrayOf(Gen.Choose(1, 9)).ToArbitrary(),
            (noise, chunks) =>
            {
                var stream = noise.Concat(valid).Concat(valid).ToArray();
                var items = Id003ReaderHarness.ReadAll(stream, chunks);
                AssertContiguous(items, stream.Length);

                // Both copies are found unless a SYNC in the noise happened to frame bytes with a matching CRC
                // (chance 1 in 65,536 per candidate): then that chance frame covers the copy's offset.
                return ExpectFrameAt(items, noise.Length, valid) && ExpectFrameAt(items, noise.Length + valid.Length, valid);
            }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Corrupted_or_shortened_frames_in_a_stream_never_lose_the_intact_ones()
    {
        var frames = new[]
        {
            "FC 05 11 27 56", "FC 06 13 63 A2 D8", "FC 06 C7 FC 87 8C", "FC 05 15 03 10", "FC 05 16 98 22",
            "FC 0C 13 6F 31 32 33 34 35 36 D4 69", "FC 06 17 71 51 8C", "FC 0D F0 20 D0 02 00 01 08 00 02 BA 42",
        }.Select(Hex.Parse).ToArray();

        Prop.ForAll(
            Gen.ArrayOf(Gen.Zip(Gen.Choose(0, frames.Length - 1), Gen.Choose(0, 3))).Where(a => a.Length > 0).ToArbitrary(),
            ArbMap.Default.GeneratorFor<int>().ToArbitrary(),
            Gen.ArrayOf(Gen.Choose(1, 13)).ToArbitrary(),
            (plan, salt, chunks) =>
            {
                // Damage: 0 none, 1 flip a byte, 2 drop a byte, 3 insert a stray SYNC.
                var stream = new List<byte>();
                var intact = new List<(int Offset, byte[] Frame)>();
                for (var i = 0; i < plan.Length; i++)
                {
                    var (pick, kind) = plan[i];
                    var frame = frames[pick].ToList();
                    var at = (int)((uint)(salt + (i * 7919)) % (uint)frame.Count);
                    switch (kind)
                    {
                        case 1: frame[at] ^= (byte)(1 << (i % 8)); break;
                        case 2: frame.RemoveAt(at); break;
                        case 3: frame.Insert(at, Id003Constants.Sync); break;
                        default: intact.Add((stream.Count, frames[pick])); break;
                    }

                    stream.AddRange(frame);
                }

                var items = Id003ReaderHarness.ReadAll(stream.ToArray(), chunks);
                AssertContiguous(items, stream.Count);
                return intact.All(f => ExpectFrameAt(items, f.Offset, f.Frame));
            }).QuickCheckThrowOnFailure();
    }

    private static bool ExpectFrameAt(List<ReadItem> items, int offset, byte[] frame)
    {
        if (items.Any(i => i.Result == Id003ReadResult.Frame && i.Offset == offset && i.Frame == Hex.Format(frame)))
        {
            return true;
        }

        // The only excuse: a different frame with a valid CRC (a chance match) covers this offset.
        return items.Any(i => i.Result == Id003ReadResult.Frame && i.Offset < offset && i.Offset + i.Length > offset);
    }

    /// <summary>Results cover the stream exactly once, in order, with no gaps and no overlaps.</summary>
    private static void AssertContiguous(List<ReadItem> items, int streamLength)
    {
        long next = 0;
        foreach (var item in items)
        {
            Assert.Equal(next, item.Offset);
            Assert.True(item.Length > 0);
            next += item.Length;
        }

        Assert.Equal(streamLength, next);
    }
}
