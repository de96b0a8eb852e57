namespace SevaKiosk.Protocol.Checksums;

/// <summary>
/// CRC-16/CMS (poly 0x8005, init 0xFFFF, not reflected, no final XOR). ITL calls it "CCITT_A" and uses it for
/// SSP/eSSP packets and the eSSP inner block. Check value over ASCII "123456789" is 0xAEE7.
/// </summary>
public static class Crc16Cms
{
    public const ushort Initial = 0xFFFF;

    private static readonly ushort[] Table = BuildTable();

    public static ushort Compute(ReadOnlySpan<byte> data) => Update(Initial, data);

    public static ushort Update(ushort crc, ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            crc = (ushort)((crc << 8) ^ Table[((crc >> 8) ^ b) & 0xFF]);
        }

        return crc;
    }

    private static ushort[] BuildTable()
    {
        var table = new ushort[256];
        for (var i = 0; i < 256; i++)
        {
            var crc = (ushort)(i << 8);
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 0x8000) != 0 ? (ushort)((crc << 1) ^ 0x8005) : (ushort)(crc << 1);
            }

            table[i] = crc;
        }

        return table;
    }
}
