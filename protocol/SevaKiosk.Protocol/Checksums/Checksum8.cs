namespace SevaKiosk.Protocol.Checksums;

/// <summary>8-bit additive checksums: ccTalk's two's-complement "simple checksum" and MDB's plain sum.</summary>
public static class Checksum8
{
    /// <summary>The byte that makes the sum of <paramref name="data"/> plus itself zero modulo 256 (ccTalk).</summary>
    public static byte TwosComplement(ReadOnlySpan<byte> data) => (byte)(0x100 - Sum(data));

    /// <summary>Sum of all bytes modulo 256 (MDB).</summary>
    public static byte Sum(ReadOnlySpan<byte> data)
    {
        byte sum = 0;
        foreach (var b in data)
        {
            sum += b;
        }

        return sum;
    }
}
