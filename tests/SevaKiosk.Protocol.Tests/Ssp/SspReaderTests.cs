using FsCheck;
using FsCheck.Fluent;
using SevaKiosk.Protocol.Ssp;

namespace SevaKiosk.Protocol.Tests.Ssp;

public class SspReaderTests
{
    [Fact]
    public void Garbage_before_a_packet_is_reported_then_the_packet()
    {
        var reader = new SspPacketReader();
        var input = Hex.Parse("00 55 AA 7F 80 01 F0 23 80");

        Assert.Equal(SspReadResult.Garbage, reader.Read(input, out var consumed));
        Assert.Equal(3, consumed);
        Assert.Equal(0, reader.ResultOffset);
        Assert.Equal(3, reader.ResultLength);
        Assert.Equal(SspReadResult.Packet, reader.Read(input.AsSpan(consumed), out _));
        Assert.Equal(3, reader.ResultOffset);
    }

    [Fact]
    public void Lone_stx_inside_a_packet_restarts_reception()
    {
        // A packet cut off after its LEN byte, then a complete OK reply starting with a lone STX.
        var reader = new SspPacketReader();
        var input = Hex.Parse("7F 80 05 F0 00 7F 80 01 F0 23 80");
        var results = new List<(SspReadResult, long, int)>();
        var offset = 0;
        while (offset < input.Length)
        {
            var r = reader.Read(input.AsSpan(offset), out var consumed);
            offset += consumed;
            if (r != SspReadResult.NeedMoreData)
            {
                results.Add((r, reader.ResultOffset, reader.ResultLength));
            }
        }

        Assert.Equal([(SspReadResult.Garbage, 0L, 5), (SspReadResult.Packet, 5L, 6)], results);
        Assert.Equal([0xF0], reader.Data.ToArray());
    }

    [Fact]
    public void Corrupted_crc_is_a_crc_error_and_the_next_packet_still_decodes()
    {
        var reader = new SspPacketReader();
        var input = Hex.Parse("7F 80 01 F0 23 81 7F 80 01 F0 23 80");

        Assert.Equal(SspReadResult.CrcError, reader.Read(input, out var consumed));
        Assert.Equal(0x8023, reader.ComputedCrc);
        Assert.Equal(SspReadResult.Packet, reader.Read(input.AsSpan(consumed), out _));
    }

    [Fact]
    public void Byte_at_a_time_feeding_gives_the_same_packet()
    {
        var reader = new SspPacketReader();
        var input = Hex.Parse("7F 80 03 02 7F 7F 00 2E 26");
        SspReadResult last = SspReadResult.NeedMoreData;
        foreach (var b in input)
        {
            last = reader.Read([b], out _);
        }

        Assert.Equal(SspReadResult.Packet, last);
        Assert.Equal([0x02, 0x7F, 0x00], reader.Data.ToArray());
    }

    [Fact]
    public void Flush_reports_an_unfinished_packet_as_garbage()
    {
        var reader = new SspPacketReader();
        Assert.Equal(SspReadResult.NeedMoreData, reader.Read(Hex.Parse("7F 80 05 F0"), out _));
        Assert.Equal(SspReadResult.Garbage, reader.Flush());
        Assert.Equal(4, reader.ResultLength);
    }

    [Fact]
    public void Encode_decode_round_trip_holds_for_any_data_and_address()
    {
        Prop.ForAll(
            Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>()).Where(a => a.Length is > 0 and <= 255).ToArbitrary(),
            ArbMap.Default.GeneratorFor<bool>().ToArbitrary(),
            Gen.Choose(0, SspConstants.MaxSlaveId).ToArbitrary(),
            (data, seq, id) =>
            {
                var seqId = SspConstants.SeqId(seq, (byte)id);
                var wire = SspPacketWriter.ToArray(seqId, data);
                var reader = new SspPacketReader();
                var result = reader.Read(wire, out var consumed);
                return result == SspReadResult.Packet && consumed == wire.Length && reader.SeqId == seqId
                    && reader.Data.SequenceEqual(data);
            }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Random_bytes_never_throw_and_the_next_valid_packet_is_found()
    {
        var valid = Hex.Parse("7F 80 04 F0 EE 01 EB B9 48");
        Prop.ForAll(
            Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>()).ToArbitrary(),
            noise =>
            {
                var reader = new SspPacketReader();
                var stream = noise.Concat(valid).Concat(valid).ToArray();
                var offset = 0;
                var packets = new List<byte[]>();
                while (offset < stream.Length)
                {
                    var r = reader.Read(stream.AsSpan(offset), out var consumed);
                    offset += consumed;
                    if (r == SspReadResult.Packet)
                    {
                        packets.Add(reader.Data.ToArray());
                    }
                }

                // Noise may swallow the first copy (it can look like the start of a long packet), never the second.
                return packets.Count >= 1 && packets[^1].SequenceEqual(new byte[] { 0xF0, 0xEE, 0x01, 0xEB });
            }).QuickCheckThrowOnFailure();
    }
}
