using SevaKiosk.Protocol.Ssp;

namespace SevaKiosk.Protocol.Tests.Ssp;

public class SspEncryptionTests
{
    [Fact]
    public void Kybarg_vector_decrypts_to_the_documented_plaintext()
    {
        // Key 67452301674523019565000000000000 = fixed key 0x0123456701234567 (LE) + negotiated 0x6595 (LE).
        using var cipher = new SspCipher(SspCipher.DefaultFixedKey, 0x6595);
        var reader = new SspPacketReader();
        Assert.Equal(SspReadResult.Packet, reader.Read(Hex.Parse("7F 00 11 7E 70 2F FE 1D 41 19 44 AD DA D1 DF D6 77 F5 33 CC 63 1D"), out _));
        var plain = new byte[32];

        var status = cipher.TryDecrypt(reader.Data, plain, out var length, out var count);

        Assert.Equal(SspDecryptStatus.Ok, status);
        Assert.Equal(1u, count);
        Assert.Equal("F0004A78B4", Hex.Format(plain.AsSpan(0, length)));
    }

    [Fact]
    public void Wrong_key_is_an_inner_crc_error()
    {
        using var cipher = new SspCipher(SspCipher.DefaultFixedKey, 0x6596);
        var data = Hex.Parse("7E 70 2F FE 1D 41 19 44 AD DA D1 DF D6 77 F5 33 CC");
        Assert.Equal(SspDecryptStatus.CrcError, cipher.TryDecrypt(data, new byte[32], out _, out _));
    }

    [Fact]
    public void Plain_reply_is_not_encrypted() =>
        Assert.Equal(SspDecryptStatus.NotEncrypted, new SspCipher(1, 2).TryDecrypt([0xF0], new byte[8], out _, out _));

    [Theory]
    [InlineData(1)]
    [InlineData(9)]
    [InlineData(10)]
    [InlineData(100)]
    public void Encrypt_then_decrypt_round_trips_with_block_padding(int length)
    {
        using var cipher = new SspCipher(SspCipher.DefaultFixedKey, 123456789);
        var plain = Enumerable.Range(0, length).Select(i => (byte)i).ToArray();
        var wire = new byte[SspCipher.EncryptedLength(length)];

        var n = cipher.Encrypt(41, plain, wire);

        Assert.Equal(wire.Length, n);
        Assert.Equal(0, (n - 1) % 16);
        Assert.Equal(SspDecryptStatus.Ok, cipher.TryDecrypt(wire, new byte[256], out var back, out var count));
        Assert.Equal(length, back);
        Assert.Equal(41u, count);
    }

    [Fact]
    public void Key_exchange_gives_both_sides_the_same_key()
    {
        var (generator, modulus) = SspKeyExchange.ChooseParameters();
        Assert.True(generator > modulus);
        Assert.True(SspKeyExchange.IsPrime(generator) && SspKeyExchange.IsPrime(modulus));
        var hostSecret = SspKeyExchange.RandomSecret();
        var slaveSecret = SspKeyExchange.RandomSecret();

        var hostInter = SspKeyExchange.InterKey(generator, hostSecret, modulus);
        var slaveInter = SspKeyExchange.InterKey(generator, slaveSecret, modulus);

        Assert.Equal(
            SspKeyExchange.SharedKey(slaveInter, hostSecret, modulus),
            SspKeyExchange.SharedKey(hostInter, slaveSecret, modulus));
    }

    [Theory]
    [InlineData(982451653UL, true)]
    [InlineData(1287821UL, true)]
    [InlineData(1287823UL, false)]
    [InlineData(18446744073709551557UL, true)]
    [InlineData(3215031751UL, false)]
    public void Miller_rabin_is_exact(ulong n, bool prime) => Assert.Equal(prime, SspKeyExchange.IsPrime(n));
}
