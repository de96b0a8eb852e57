using SevaKiosk.Protocol.Id003;

namespace SevaKiosk.Protocol.Tests.Id003;

/// <summary>Decoders and encoders of ID-003 frame data: version, boot version, currency table, masks, names.</summary>
public class Id003DataTests
{
    [Fact]
    public void Version_reply_is_split_into_model_protocol_firmware_date_and_rom_crc()
    {
        var info = Id003VersionInfo.Parse("i(USA)100-SS ID003-05V280-42 01AUG17 964D"u8);
        Assert.Equal("i(USA)100-SS", info.Model);
        Assert.Equal("ID003-05", info.Protocol);
        Assert.Equal("V280-42", info.Firmware);
        Assert.Equal(new DateOnly(2017, 8, 1), info.Date);
        Assert.Equal((ushort)0x964D, info.RomCrc);
        Assert.Equal("i(USA)100-SS ID003-05V280-42 01AUG17 964D", info.Raw);
    }

    [Theory]
    [InlineData("", null, null, null)]
    [InlineData("UBA-10-SS", "UBA-10-SS", null, null)]
    [InlineData("  WBA-SS  ID003-03V123-00\0\0", "WBA-SS", "ID003-03", "V123-00")]
    [InlineData("EBA ID003", "EBA", "ID003", null)]
    public void Version_reply_parsing_is_lenient(string text, string? model, string? protocol, string? firmware)
    {
        var info = Id003VersionInfo.Parse(System.Text.Encoding.ASCII.GetBytes(text));
        Assert.Equal((model, protocol, firmware), (info.Model, info.Protocol, info.Firmware));
        Assert.Null(info.Date);
        Assert.Null(info.RomCrc);
    }

    [Fact]
    public void Version_reply_with_binary_garbage_does_not_throw()
    {
        var info = Id003VersionInfo.Parse([0xFF, 0x00, 0x41, 0x80]);
        Assert.Equal("? A?", info.Raw);
    }

    [Fact]
    public void Boot_version_keeps_its_text_without_trailing_blanks()
    {
        Assert.Equal("B05", Id003BootVersion.Parse("B05 "u8));
        Assert.Equal("B05 "u8.ToArray(), Id003BootVersion.Encode("B05 "));
    }

    [Fact]
    public void Currency_assignment_decodes_values_and_unassigned_slots()
    {
        var data = Hex.Parse("61 63 01 01  62 63 02 01  63 63 05 01  64 63 01 02  65 63 02 02  66 63 05 02  67 00 00 00");
        var slots = Id003CurrencyAssignment.Parse(data);

        Assert.Equal([10L, 20, 50, 100, 200, 500], slots.Where(s => s.IsAssigned).Select(s => s.Value));
        Assert.All(slots.Where(s => s.IsAssigned), s => Assert.Equal("INR", s.Currency));
        Assert.False(slots[^1].IsAssigned);
        Assert.Equal(Hex.Format(data), Hex.Format(Id003CurrencyAssignment.Encode(slots)));
    }

    [Fact]
    public void Currency_assignment_of_a_usd_table_matches_the_public_driver_mapping()
    {
        // HW's USD table: 61 = $1, 63 = $5, 64 = $10, 65 = $20, 66 = $50, 67 = $100.
        var data = Hex.Parse("61 01 01 00  62 00 00 00  63 01 05 00  64 01 01 01  65 01 02 01  66 01 05 01  67 01 01 02");
        var assigned = Id003CurrencyAssignment.Parse(data).Where(s => s.IsAssigned).ToList();
        Assert.Equal([(byte)0x61, 0x63, 0x64, 0x65, 0x66, 0x67], assigned.Select(s => s.EscrowCode));
        Assert.Equal([1L, 5, 10, 20, 50, 100], assigned.Select(s => s.Value));
        Assert.All(assigned, s => Assert.Equal("USD", s.Currency));
    }

    [Theory]
    [InlineData("61 63 01")]
    [InlineData("61 63 01 40")]
    public void Malformed_currency_assignment_is_a_decode_error(string hex) =>
        Assert.Throws<Id003DecodeException>(() => Id003CurrencyAssignment.Parse(Hex.Parse(hex)));

    [Theory]
    [InlineData(10, 1, 1)]
    [InlineData(500, 5, 2)]
    [InlineData(2000, 2, 3)]
    [InlineData(250, 25, 1)]
    [InlineData(7, 7, 0)]
    public void Denomination_for_a_value_uses_the_smallest_base(long value, byte expectedBase, byte exponent)
    {
        var slot = Id003Denomination.For(0x61, Id003CountryCodes.Inr, value);
        Assert.Equal((expectedBase, exponent, value), (slot.Base, slot.Exponent, slot.Value));
    }

    [Fact]
    public void Country_codes_agreed_by_two_drivers_are_confirmed_and_inr_is_not()
    {
        Assert.Equal("EUR", Id003CountryCodes.Currency(0xE0));
        Assert.False(Id003CountryCodes.IsUnconfirmed(0xE0));
        Assert.Equal("INR", Id003CountryCodes.Currency(0x63));
        Assert.True(Id003CountryCodes.IsUnconfirmed(0x63));
        Assert.Equal((byte)0x63, Id003CountryCodes.ForCurrency("inr"));
        Assert.Null(Id003CountryCodes.Currency(0x99));
    }

    [Fact]
    public void Denomination_mask_sets_bit_escrow_code_minus_first_and_a_set_bit_disables_by_default()
    {
        var mask = Id003DenominationMask.Default;
        Assert.Equal(0, mask.BitIndex(0x61));
        Assert.Equal(9, mask.BitIndex(0x6A));
        var data = mask.EncodeEnabled([(0x61, true), (0x62, false), (0x6A, false)]);
        Assert.Equal("0202", Hex.Format(data));
        Assert.True(mask.IsEnabled(data, 0x61));
        Assert.False(mask.IsEnabled(data, 0x62));
        Assert.False(mask.IsEnabled(data, 0x6A));
        Assert.Equal("0000", Hex.Format(mask.EncodeEnabled([(0x61, true), (0x66, true)])));
    }

    [Fact]
    public void Denomination_mask_polarity_and_first_code_are_configurable()
    {
        var inverted = new Id003DenominationMask(SetBitDisables: false);
        var data = inverted.EncodeEnabled([(0x61, true), (0x62, false), (0x63, true)]);
        Assert.Equal("0500", Hex.Format(data));
        Assert.True(inverted.IsEnabled(data, 0x63));
        Assert.False(inverted.IsEnabled(data, 0x62));

        var shifted = new Id003DenominationMask(FirstEscrowCode: 0x62);
        Assert.Equal(0, shifted.BitIndex(0x62));
        Assert.Throws<ArgumentOutOfRangeException>(() => shifted.BitIndex(0x61));
        Assert.Throws<ArgumentOutOfRangeException>(() => Id003DenominationMask.Default.BitIndex(0x71));
    }

    [Fact]
    public void Every_defined_status_and_command_has_a_name()
    {
        foreach (var status in Enum.GetValues<Id003Status>())
        {
            AssertNamed(Id003Names.Status((byte)status));
        }

        foreach (var command in Enum.GetValues<Id003Command>())
        {
            AssertNamed(Id003Names.Command((byte)command));

            // Every command comes back under its own byte (ACK, echo, reply, or the identical status) except
            // PROGRAM SIGNATURE, which is answered with 0xDE/0xDF.
            if (command != Id003Command.ProgramSignature)
            {
                AssertNamed(Id003Names.Status((byte)command));
            }
        }

        foreach (var code in Enum.GetValues<Id003RejectCode>())
        {
            AssertNamed(Id003RejectCodes.Name((byte)code));
        }

        foreach (var code in Enum.GetValues<Id003FailureCode>())
        {
            AssertNamed(Id003FailureCodes.Name((byte)code));
        }

        Assert.Equal("UNKNOWN_STATUS_0x99", Id003Names.Status(0x99));
        Assert.Equal("UNKNOWN_REJECT_0x70", Id003RejectCodes.Name(0x70));
    }

    private static void AssertNamed(string name) => Assert.False(name.StartsWith("UNKNOWN_", StringComparison.Ordinal), name);

    [Fact]
    public void Setting_commands_pair_with_their_requests_and_know_their_data_length()
    {
        Assert.Equal(Id003Command.RequestInhibit, Id003Commands.RequestFor(Id003Command.SetInhibit));
        Assert.Equal(Id003Command.SetBarInhibit, Id003Commands.SettingFor(Id003Command.RequestBarInhibit));
        Assert.Equal(2, Id003Commands.SettingDataLength(0xC0));
        Assert.Equal(1, Id003Commands.SettingDataLength(0xC3));
        Assert.Equal(-1, Id003Commands.SettingDataLength(0x11));
        Assert.True(Id003Commands.IsOperation(0x44));
        Assert.False(Id003Commands.IsOperation(0x50));
    }

    [Theory]
    [InlineData("")]
    [InlineData("62 00")]
    [InlineData("6F")]
    [InlineData("6F 31 0A")]
    public void Malformed_escrow_data_is_a_decode_error(string hex) =>
        Assert.Throws<Id003DecodeException>(() => Id003Escrow.Parse(Hex.Parse(hex)));
}
