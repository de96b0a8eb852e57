using System.Text;
using SevaKiosk.Protocol.Checksums;

namespace SevaKiosk.Protocol.Tests.Checksums;

public class CrcCheckValueTests
{
    private static readonly byte[] Check = Encoding.ASCII.GetBytes("123456789");

    [Fact]
    public void Cms_check_value_is_AEE7() => Assert.Equal(0xAEE7, Crc16Cms.Compute(Check));

    [Fact]
    public void Kermit_check_value_is_2189() => Assert.Equal(0x2189, Crc16Kermit.Compute(Check));

    [Fact]
    public void Xmodem_check_value_is_31C3() => Assert.Equal(0x31C3, Crc16Xmodem.Compute(Check));

    [Theory]
    [InlineData("41", "84FC")]
    [InlineData("414243", "9B06")]
    [InlineData("41424344", "8C9A")]
    public void Cms_matches_kybarg_vectors_low_byte_first(string data, string wireCrc)
    {
        var crc = Crc16Cms.Compute(Hex.Parse(data));
        Assert.Equal(wireCrc, Hex.Format([(byte)crc, (byte)(crc >> 8)]));
    }

    [Fact]
    public void Kermit_over_frame_including_its_crc_is_zero() =>
        Assert.Equal(0, Crc16Kermit.Compute(Hex.Parse("FC 05 11 27 56")));

    [Fact]
    public void Cctalk_simple_checksum_makes_the_frame_sum_zero() =>
        Assert.Equal(0xFF, Checksum8.TwosComplement(Hex.Parse("02 00 01 FE")));

    [Fact]
    public void Mdb_checksum_is_the_plain_sum() => Assert.Equal(0x32, Checksum8.Sum(Hex.Parse("34 FF FF 00 00")));
}
