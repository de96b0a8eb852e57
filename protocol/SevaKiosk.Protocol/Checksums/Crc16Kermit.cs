namespace SevaKiosk.Protocol.Checksums;

/// <summary>
/// CRC-16/KERMIT (CCITT polynomial, reflected: 0x8408, init 0x0000, no final XOR), used by JCM ID-003 and CashCode
/// CCNET, sent low byte first. Check value over ASCII "123456789" is 0x2189. Running it over a whole frame including its
/// two little-endian CRC bytes yields 0x0000.
/// </summary>
public static class Crc16Kermit
{
    private static readonly ushort[] Table = BuildTable();

    public static ushort Compute(ReadOnlySpan<byte> data) => Update(0, data);

    public static ushort Update(ushort crc, ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            crc = (ushort)((crc >> 8) ^ Table[(crc ^ b) & 0xFF]);
        }

        return crc;
    }

    private static ushort[] BuildTable()
    {
        var table = new ushort[256];
        for (var i = 0; i < 256; i++)
        {
            var crc = (ushort)i;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (ushort)((crc >> 1) ^ 0x8408) : (ushort)(crc >> 1);
            }

            table[i] = crc;
        }

        return table;
    }
}
