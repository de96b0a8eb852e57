using SevaKiosk.Protocol.Ssp;

namespace SevaKiosk.Protocol.Tests.Ssp;

/// <summary>Every verified SSP packet from the fact sheet (GA138 manual examples and KYB tests): the writer must
/// produce exactly these bytes, and the reader must take them back to the same SEQ/ID and data.</summary>
public class SspVectorTests
{
    public static TheoryData<string, string> Packets => new()
    {
        // Commands, sequence flag 1, address 0.
        { "SYNC", "7F 80 01 11 65 82" },
        { "RESET", "7F 80 01 01 06 02" },
        { "HOST_PROTOCOL_VERSION v8", "7F 80 02 06 08 03 94" },
        { "HOST_PROTOCOL_VERSION v9", "7F 80 02 06 09 06 14" },
        { "SETUP_REQUEST", "7F 80 01 05 1D 82" },
        { "SET_INHIBITS ch1-3", "7F 80 03 02 07 00 2B B6" },
        { "SET_INHIBITS all 16", "7F 80 03 02 FF FF 25 A4" },
        { "ENABLE", "7F 80 01 0A 3F 82" },
        { "DISABLE", "7F 80 01 09 35 82" },
        { "POLL", "7F 80 01 07 12 02" },
        { "REJECT", "7F 80 01 08 30 02" },
        { "HOLD", "7F 80 01 18 53 82" },
        { "LAST_REJECT_CODE", "7F 80 01 17 71 82" },
        { "GET_SERIAL_NUMBER", "7F 80 01 0C 2B 82" },
        { "GET_FIRMWARE_VERSION", "7F 80 01 20 C0 02" },
        { "GET_DATASET_VERSION", "7F 80 01 21 C5 82" },
        { "CONFIGURE_BEZEL", "7F 80 06 54 FF 00 00 01 00 FB C9" },
        { "POLL_WITH_ACK", "7F 80 01 56 F7 83" },
        { "EVENT_ACK", "7F 80 01 57 F2 03" },
        { "GET_COUNTERS", "7F 80 01 58 D0 03" },
        { "RESET_COUNTERS", "7F 80 01 59 D5 83" },
        { "SET_GENERATOR 982451653", "7F 80 09 4A C5 05 8F 3A 00 00 00 00 B2 73" },
        { "SET_MODULUS 1287821", "7F 80 09 4B 8D A6 13 00 00 00 00 00 6C F6" },
        { "REQUEST_KEY_EXCHANGE", "7F 80 09 4C 79 C8 9C E2 DE 06 00 00 9D 52" },
        { "SET_BAUD_RATE", "7F 80 03 4D 01 00 E4 27" },
        { "GET_BUILD_REVISION", "7F 80 01 4F A2 03" },
        { "SET_FIXED_ENCRYPTION_KEY", "7F 80 09 60 67 45 23 01 67 45 23 01 BF 6F" },
        { "RESET_FIXED_ENCRYPTION_KEY", "7F 80 01 61 46 03" },

        // Commands, sequence flag 0.
        { "POLL seq0", "7F 00 01 07 11 88" },
        { "ENABLE seq0", "7F 00 01 0A 3C 08" },
        { "DISABLE seq0", "7F 00 01 09 36 08" },
        { "HOLD seq0", "7F 00 01 18 50 08" },
        { "REJECT seq0", "7F 00 01 08 33 88" },
        { "SETUP_REQUEST seq0", "7F 00 01 05 1E 08" },
        { "HOST_PROTOCOL_VERSION v6 seq0", "7F 00 02 06 06 1B 94" },

        // Replies.
        { "OK", "7F 80 01 F0 23 80" },
        { "FAIL", "7F 80 01 F8 10 00" },
        { "COMMAND_CANNOT_BE_PROCESSED", "7F 80 01 F5 3D 80" },
        { "LAST_REJECT_CODE reply", "7F 80 02 F0 08 0C 20" },
        { "GET_SERIAL_NUMBER reply", "7F 80 05 F0 00 1C 96 2C D4 97" },
        { "REQUEST_KEY_EXCHANGE reply", "7F 80 09 F0 23 68 1B FA E5 3C 27 DB 80 8A" },
        { "KYB reply", "7F 80 09 F0 27 3B 00 00 00 00 00 00 C7 EA" },
        { "SETUP_REQUEST reply GBP", "7F 80 17 F0 00 30 31 30 30 47 42 50 00 00 01 03 05 0A 14 02 02 02 40 00 00 05 61 81" },

        // Poll replies.
        { "SLAVE_RESET", "7F 80 02 F0 F1 1A 22" },
        { "READ 0", "7F 80 03 F0 EF 00 CF CA" },
        { "READ 3", "7F 80 03 F0 EF 03 C5 CA" },
        { "NOTE_CREDIT 4", "7F 80 03 F0 EE 04 D7 CC" },
        { "REJECTING", "7F 80 02 F0 ED 51 A2" },
        { "REJECTED", "7F 80 02 F0 EC 54 22" },
        { "STACKING", "7F 80 02 F0 CC 97 A2" },
        { "STACKED", "7F 80 02 F0 EB 45 A2" },
        { "UNSAFE_NOTE_JAM", "7F 80 02 F0 E9 4A 22" },
        { "DISABLED", "7F 80 02 F0 E8 4F A2" },
        { "FRAUD_ATTEMPT 2", "7F 80 03 F0 E6 02 C0 7C" },
        { "STACKER_FULL", "7F 80 02 F0 E7 6D A2" },
        { "NOTE_CLEARED_FROM_FRONT", "7F 80 03 F0 E1 00 CC 6E" },
        { "NOTE_CLEARED_INTO_CASHBOX", "7F 80 03 F0 E2 02 C3 E4" },
        { "NOTE_PATH_OPEN", "7F 80 02 F0 E0 7C 22" },
        { "CHANNEL_DISABLE", "7F 80 02 F0 B5 82 23" },
        { "INITIALISING", "7F 80 02 F0 B6 88 23" },
        { "reset + disabled", "7F 80 03 F0 F1 E8 BF 8C" },
        { "credit 1 + stacked", "7F 80 04 F0 EE 01 EB B9 48" },
        { "stacking + credit 1", "7F 80 04 F0 CC EE 01 62 AA" },

        // Stuffing (derived with the verified CRC).
        { "SET_INHIBITS 7F 00 stuffed", "7F 80 03 02 7F 7F 00 2E 26" },
        { "0x6A with stuffed CRC", "7F 80 01 6A 7F 7F 83" },

        // Encrypted reply (KYB vector); the outer CRC checks.
        { "eSSP reply", "7F 00 11 7E 70 2F FE 1D 41 19 44 AD DA D1 DF D6 77 F5 33 CC 63 1D" },
    };

    [Theory]
    [MemberData(nameof(Packets))]
    public void Reader_accepts_the_vector(string name, string hex)
    {
        var wire = Hex.Parse(hex);
        var reader = new SspPacketReader();

        var result = reader.Read(wire, out var consumed);

        Assert.True(result == SspReadResult.Packet, $"{name}: {result}");
        Assert.Equal(wire.Length, consumed);
        Assert.Equal(wire[1], reader.SeqId);
        Assert.Equal(0, reader.ResultOffset);
        Assert.Equal(wire.Length, reader.ResultLength);
    }

    [Theory]
    [MemberData(nameof(Packets))]
    public void Writer_reproduces_the_vector_byte_for_byte(string name, string hex)
    {
        var wire = Hex.Parse(hex);
        var reader = new SspPacketReader();
        Assert.Equal(SspReadResult.Packet, reader.Read(wire, out _));

        var written = SspPacketWriter.ToArray(reader.SeqId, reader.Data);

        Assert.True(wire.AsSpan().SequenceEqual(written), $"{name}: wrote {Hex.Format(written)}");
    }

    [Fact]
    public void Builders_produce_the_manual_packets()
    {
        Assert.Equal("7F80030207002BB6", Hex.Format(SspPacketWriter.ToArray(0x80, SspCommands.SetInhibits([1, 2, 3]))));
        Assert.Equal("7F800206080394", Hex.Format(SspPacketWriter.ToArray(0x80, SspCommands.HostProtocolVersion(8))));
        Assert.Equal(
            "7F80094AC5058F3A00000000B273",
            Hex.Format(SspPacketWriter.ToArray(0x80, SspCommands.WithU64(SspCommand.SetGenerator, 982451653))));
        Assert.Equal(
            "7F80094B8DA61300000000006CF6",
            Hex.Format(SspPacketWriter.ToArray(0x80, SspCommands.WithU64(SspCommand.SetModulus, 1287821))));
        Assert.Equal(
            "7F8009606745230167452301BF6F",
            Hex.Format(SspPacketWriter.ToArray(0x80, SspCommands.SetFixedEncryptionKey(SspCipher.DefaultFixedKey))));
        Assert.Equal("7F80034D0100E427", Hex.Format(SspPacketWriter.ToArray(0x80, SspCommands.SetBaudRate(1, false))));
        Assert.Equal("7F800654FF00000100FBC9", Hex.Format(SspPacketWriter.ToArray(0x80, SspCommands.ConfigureBezel(0xFF, 0, 0, true, bezelType: 0))));
    }

    [Fact]
    public void Sequence_and_slave_id_are_split_from_the_seq_id_byte()
    {
        Assert.Equal(0x80, SspConstants.SeqId(true, 0));
        Assert.Equal(0x10, SspConstants.SeqId(false, 0x10));
        Assert.True(SspConstants.SequenceFlagOf(0x90));
        Assert.Equal(0x10, SspConstants.SlaveIdOf(0x90));
    }
}
