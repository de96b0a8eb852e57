using SevaKiosk.Protocol.CcTalk;

namespace SevaKiosk.Protocol.Tests.CcTalk;

/// <summary>Every verified ccTalk frame from the fact sheet (§1.2, §4): the writer must produce exactly these bytes and
/// the reader must take them back to the same addresses, header and data.</summary>
public class CcTalkVectorTests
{
    public static TheoryData<string, CcTalkChecksumMode, byte, byte, byte, string> Frames => new()
    {
        // Simple checksum: address poll of device 2 from host 1 (public code) and a simple poll to a validator at 40.
        { "SIMPLE_POLL to 2", CcTalkChecksumMode.Simple8, 2, 1, 254, "02 00 01 FE FF" },
        { "SIMPLE_POLL to 40", CcTalkChecksumMode.Simple8, 40, 1, 254, "28 00 01 FE D9" },

        // CRC-16/XMODEM, low byte in the SRC slot, high byte last.
        { "SIMPLE_POLL to 40 (CRC 0x21B6)", CcTalkChecksumMode.Crc16, 40, 1, 254, "28 00 B6 FE 21" },
        { "RESET_DEVICE to 40 (4G: CRC 0x3F46)", CcTalkChecksumMode.Crc16, 40, 1, 1, "28 00 46 01 3F" },
        { "ACK to host 1 (4G: CRC 0x3730)", CcTalkChecksumMode.Crc16, 1, 40, 0, "01 00 30 00 37" },
    };

    [Theory]
    [MemberData(nameof(Frames))]
    public void Writer_produces_the_verified_bytes(string name, CcTalkChecksumMode mode, byte destination, byte source, byte header, string wire)
    {
        Assert.NotNull(name);
        Assert.Equal(Hex.Parse(wire), CcTalkFrameWriter.ToArray(mode, destination, source, header));
    }

    [Theory]
    [MemberData(nameof(Frames))]
    public void Reader_decodes_the_verified_bytes(string name, CcTalkChecksumMode mode, byte destination, byte source, byte header, string wire)
    {
        Assert.NotNull(name);
        var reader = new CcTalkFrameReader(mode);
        var bytes = Hex.Parse(wire);

        Assert.Equal(CcTalkReadResult.Frame, reader.Read(bytes, out var consumed));
        Assert.Equal(bytes.Length, consumed);
        Assert.Equal(destination, reader.Destination);
        Assert.Equal(header, reader.Header);
        Assert.True(reader.Data.IsEmpty);
        Assert.Equal(mode == CcTalkChecksumMode.Simple8 ? source : null, reader.Source);
    }

    [Fact]
    public void Crc_vectors_from_4G_are_the_crc_over_dest_len_and_header()
    {
        // [28,00,(crc),01,(crc)] → 0x3F46 and [01,00,(crc),00,(crc)] → 0x3730, as in 4G CcTalkCrc16Tests.
        Assert.Equal(0x3F46, SevaKiosk.Protocol.Checksums.Crc16Xmodem.Compute([0x28, 0x00, 0x01]));
        Assert.Equal(0x3730, SevaKiosk.Protocol.Checksums.Crc16Xmodem.Compute([0x01, 0x00, 0x00]));
    }

    [Fact]
    public void A_reply_with_data_round_trips_in_both_modes()
    {
        byte[] events = [0x03, 0x06, 0x00, 0x06, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00];
        foreach (var mode in new[] { CcTalkChecksumMode.Simple8, CcTalkChecksumMode.Crc16 })
        {
            var wire = CcTalkFrameWriter.ToArray(mode, 1, 40, CcTalkHeader.Ack, events);
            Assert.Equal(events.Length + 5, wire.Length);
            Assert.Equal(11, wire[1]);

            var reader = new CcTalkFrameReader(mode);
            Assert.Equal(CcTalkReadResult.Frame, reader.Read(wire, out _));
            Assert.Equal(events, reader.Data.ToArray());
        }
    }

    [Fact]
    public void Simple_checksum_makes_every_frame_sum_to_zero()
    {
        var wire = CcTalkFrameWriter.ToArray(CcTalkChecksumMode.Simple8, 40, 1, CcTalkHeader.ModifyInhibitStatus, [0xFF, 0x00]);
        Assert.Equal(0, wire.Sum(b => b) % 256);
    }
}
