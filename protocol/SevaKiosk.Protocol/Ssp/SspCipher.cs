using System.Buffers.Binary;
using System.Security.Cryptography;
using SevaKiosk.Protocol.Checksums;

namespace SevaKiosk.Protocol.Ssp;

/// <summary>Outcome of <see cref="SspCipher.TryDecrypt"/>.</summary>
public enum SspDecryptStatus
{
    Ok,

    /// <summary>The data does not start with STEX (0x7E): the reply was sent in the clear.</summary>
    NotEncrypted,

    /// <summary>The ciphertext is not a whole number of AES blocks, or eLENGTH points outside the block.</summary>
    BadLength,

    /// <summary>The inner CRC does not match: wrong key, or corrupted in a way the outer CRC missed.</summary>
    CrcError,
}

/// <summary>
/// eSSP packet encryption (GA138 "Encryption"): DATA = STEX | AES-128-ECB( eLENGTH | eCOUNT(u32 LE) | eDATA | ePACKING |
/// eCRC(CRC-16/CMS over the rest, LE) ). The AES key is the fixed key (u64 LE) followed by the negotiated key (u64 LE).
/// The counter is the caller's business: each side owns its own counter rule, this class only applies a given count.
/// </summary>
public sealed class SspCipher : IDisposable
{
    /// <summary>ITL's factory default fixed key; machine makers should change it at commissioning.</summary>
    public const ulong DefaultFixedKey = 0x0123456701234567;

    private const int BlockSize = 16;
    private const int Overhead = 1 + 4 + 2;
    private readonly Aes _aes;

    public SspCipher(ulong fixedKey, ulong negotiatedKey)
    {
        Span<byte> key = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(key[..8], fixedKey);
        BinaryPrimitives.WriteUInt64LittleEndian(key[8..], negotiatedKey);
        _aes = Aes.Create();
        _aes.Key = key.ToArray();
    }

    /// <summary>Largest eDATA that still fits an SSP packet (LEN 255 = STEX + 15 blocks).</summary>
    public const int MaxPlainLength = (((SspConstants.MaxDataLength - 1) / BlockSize) * BlockSize) - Overhead;

    /// <summary>Encrypted DATA length (STEX included) for <paramref name="plainLength"/> bytes of eDATA.</summary>
    public static int EncryptedLength(int plainLength) => 1 + RoundUp(Overhead + plainLength);

    /// <summary>Writes STEX + ciphertext for <paramref name="plain"/> with counter <paramref name="count"/>.</summary>
    public int Encrypt(uint count, ReadOnlySpan<byte> plain, Span<byte> destination)
    {
        if (plain.Length > MaxPlainLength)
        {
            throw new ArgumentException($"eSSP data is limited to {MaxPlainLength} bytes.", nameof(plain));
        }

        var blockLength = RoundUp(Overhead + plain.Length);
        Span<byte> block = stackalloc byte[blockLength];
        block[0] = (byte)plain.Length;
        BinaryPrimitives.WriteUInt32LittleEndian(block.Slice(1, 4), count);
        plain.CopyTo(block[5..]);
        RandomNumberGenerator.Fill(block.Slice(5 + plain.Length, blockLength - Overhead - plain.Length));
        var crc = Crc16Cms.Compute(block[..^2]);
        BinaryPrimitives.WriteUInt16LittleEndian(block[^2..], crc);

        destination[0] = SspConstants.Stex;
        _aes.EncryptEcb(block, destination.Slice(1, blockLength), PaddingMode.None);
        return 1 + blockLength;
    }

    /// <summary>
    /// Decrypts packet DATA (starting with STEX) into <paramref name="plain"/> and returns the count it carried.
    /// </summary>
    public SspDecryptStatus TryDecrypt(ReadOnlySpan<byte> data, Span<byte> plain, out int plainLength, out uint count)
    {
        plainLength = 0;
        count = 0;
        if (data.IsEmpty || data[0] != SspConstants.Stex)
        {
            return SspDecryptStatus.NotEncrypted;
        }

        var cipher = data[1..];
        if (cipher.Length == 0 || cipher.Length % BlockSize != 0)
        {
            return SspDecryptStatus.BadLength;
        }

        Span<byte> block = stackalloc byte[cipher.Length];
        _aes.DecryptEcb(cipher, block, PaddingMode.None);
        var crc = BinaryPrimitives.ReadUInt16LittleEndian(block[^2..]);
        if (Crc16Cms.Compute(block[..^2]) != crc)
        {
            return SspDecryptStatus.CrcError;
        }

        int length = block[0];
        if (Overhead + length > block.Length || length > plain.Length)
        {
            return SspDecryptStatus.BadLength;
        }

        count = BinaryPrimitives.ReadUInt32LittleEndian(block.Slice(1, 4));
        block.Slice(5, length).CopyTo(plain);
        plainLength = length;
        return SspDecryptStatus.Ok;
    }

    public void Dispose() => _aes.Dispose();

    private static int RoundUp(int length) => (length + BlockSize - 1) / BlockSize * BlockSize;
}
