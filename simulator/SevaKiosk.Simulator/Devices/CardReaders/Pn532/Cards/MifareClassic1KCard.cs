namespace SevaKiosk.Simulator.Devices.CardReaders.Pn532.Cards;

/// <summary>
/// A MIFARE Classic 1K: 16 sectors of 4 blocks, the last block of each sector being its trailer (key A, access bits,
/// general-purpose byte, key B). Authentication (60/61) must name the sector's key and the UID's last four bytes; a
/// wrong key halts the card until it is selected again, as the real chip does. Read/write permissions follow the
/// access conditions (C1 C2 C3) of the MIFARE Classic data sheet; key A always reads back as zeros.
/// </summary>
public sealed class MifareClassic1KCard : VirtualCard
{
    public const int SectorCount = 16;
    public const int BlockCount = SectorCount * 4;

    /// <summary>Factory (transport) keys and access bits: key A = key B = FF..FF, access FF 07 80, GPB 69.</summary>
    public static readonly byte[] TransportKey = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];

    private readonly byte[] _blocks = new byte[BlockCount * 16];
    private int _authenticatedSector = -1;
    private bool _authenticatedWithKeyB;

    public MifareClassic1KCard(byte[] uid)
        : base(uid)
    {
        for (var sector = 0; sector < SectorCount; sector++)
        {
            SetSectorTrailer(sector, TransportKey, [0xFF, 0x07, 0x80], 0x69, TransportKey);
        }

        // Block 0: manufacturer block (UID, BCC for 4-byte UIDs, SAK, ATQA).
        uid.CopyTo(_blocks, 0);
        if (uid.Length == 4)
        {
            _blocks[4] = (byte)(uid[0] ^ uid[1] ^ uid[2] ^ uid[3]);
        }

        _blocks[5] = Sak;
        _blocks[6] = (byte)(Atqa & 0xFF);
        _blocks[7] = (byte)(Atqa >> 8);
    }

    public override ushort Atqa => Uid.Length == 4 ? (ushort)0x0004 : (ushort)0x0044;

    public override byte Sak => 0x08;

    public override string Kind => "mifare-classic";

    /// <summary>Number of successful block reads (for tests that pull the card away part-way through a read).</summary>
    public int BlocksRead { get; private set; }

    public static int TrailerBlock(int sector) => (sector * 4) + 3;

    /// <summary>Writes a sector trailer: key A, the three access-condition bytes, the general-purpose byte, key B.</summary>
    public void SetSectorTrailer(int sector, ReadOnlySpan<byte> keyA, ReadOnlySpan<byte> access, byte generalPurposeByte, ReadOnlySpan<byte> keyB)
    {
        if (keyA.Length != 6 || keyB.Length != 6 || access.Length != 3)
        {
            throw new ArgumentException("A sector trailer needs 6-byte keys and 3 access bytes.");
        }

        var trailer = _blocks.AsSpan(TrailerBlock(sector) * 16, 16);
        keyA.CopyTo(trailer);
        access.CopyTo(trailer[6..]);
        trailer[9] = generalPurposeByte;
        keyB.CopyTo(trailer[10..]);
    }

    /// <summary>Sets the data of a data block (not block 0, not a trailer).</summary>
    public void SetBlock(int block, ReadOnlySpan<byte> data)
    {
        if (block <= 0 || block >= BlockCount || block % 4 == 3)
        {
            throw new ArgumentOutOfRangeException(nameof(block), $"Block {block} is not a data block of a MIFARE Classic 1K.");
        }

        if (data.Length > 16)
        {
            throw new ArgumentException("A block holds 16 bytes.", nameof(data));
        }

        var target = _blocks.AsSpan(block * 16, 16);
        target.Clear();
        data.CopyTo(target);
    }

    public ReadOnlySpan<byte> Block(int block) => _blocks.AsSpan(block * 16, 16);

    public override void Select()
    {
        base.Select();
        _authenticatedSector = -1;
    }

    protected override (byte Status, byte[] Data) Process(ReadOnlySpan<byte> command)
    {
        switch (command[0])
        {
            case 0x60 or 0x61 when command.Length == 12:
                return Authenticate(command[0] == 0x61, command[1], command.Slice(2, 6), command.Slice(8, 4));
            case 0x30 when command.Length == 2:
                return Read(command[1]);
            case 0xA0 when command.Length == 18:
                return Write(command[1], command.Slice(2, 16));
            default:
                return (StatusTimeout, []);
        }
    }

    private (byte Status, byte[] Data) Authenticate(bool keyB, int block, ReadOnlySpan<byte> key, ReadOnlySpan<byte> uidTail)
    {
        if (block >= BlockCount)
        {
            return (StatusTimeout, []);
        }

        var sector = block / 4;
        var trailer = Block(TrailerBlock(sector));
        var expected = keyB ? trailer.Slice(10, 6) : trailer[..6];
        if (!uidTail.SequenceEqual(Uid.AsSpan(Uid.Length - 4)) || !key.SequenceEqual(expected))
        {
            _authenticatedSector = -1;
            Halt();
            return (StatusMifareAuthenticationError, []);
        }

        _authenticatedSector = sector;
        _authenticatedWithKeyB = keyB;
        return (StatusOk, []);
    }

    private (byte Status, byte[] Data) Read(int block)
    {
        if (block >= BlockCount || block / 4 != _authenticatedSector)
        {
            return (StatusTimeout, []);
        }

        var data = Block(block).ToArray();
        if (block % 4 == 3)
        {
            // Key A never reads back; key B only when the trailer's access conditions make it readable.
            data.AsSpan(0, 6).Clear();
            if (!TrailerKeyBReadable(data))
            {
                data.AsSpan(10, 6).Clear();
            }
        }
        else if (!DataBlockAllows(block, write: false))
        {
            return (StatusTimeout, []);
        }

        BlocksRead++;
        return (StatusOk, data);
    }

    private (byte Status, byte[] Data) Write(int block, ReadOnlySpan<byte> data)
    {
        if (block == 0 || block >= BlockCount || block / 4 != _authenticatedSector || block % 4 == 3 || !DataBlockAllows(block, write: true))
        {
            return (StatusTimeout, []);
        }

        data.CopyTo(_blocks.AsSpan(block * 16, 16));
        return (StatusOk, []);
    }

    private bool DataBlockAllows(int block, bool write)
    {
        var (c1, c2, c3) = AccessBits(Block(TrailerBlock(block / 4)), block % 4);
        var bits = (c1 << 2) | (c2 << 1) | c3;
        var withB = _authenticatedWithKeyB;
        return (bits, write) switch
        {
            (0b000, _) => true,
            (0b010 or 0b001, false) => true,
            (0b100 or 0b110, false) => true,
            (0b100 or 0b110, true) => withB,
            (0b011, _) => withB,
            (0b101, false) => withB,
            _ => false,
        };
    }

    private static bool TrailerKeyBReadable(ReadOnlySpan<byte> trailer)
    {
        var (c1, c2, c3) = AccessBits(trailer, 3);
        var bits = (c1 << 2) | (c2 << 1) | c3;
        return bits is 0b000 or 0b010 or 0b001;
    }

    /// <summary>Access bits of block group <paramref name="group"/>: C1 in byte 7 bits 4-7, C2 in byte 8 bits 0-3, C3 in byte 8 bits 4-7.</summary>
    private static (int C1, int C2, int C3) AccessBits(ReadOnlySpan<byte> trailer, int group) =>
        ((trailer[7] >> (4 + group)) & 1, (trailer[8] >> group) & 1, (trailer[8] >> (4 + group)) & 1);

    /// <summary>
    /// Formats the card for NDEF per the NFC Forum MIFARE Classic mapping: a MAD in sector 0 (key A A0A1A2A3A4A5,
    /// GPB C1) pointing every sector that the message needs at the NDEF application 0xE103, NDEF sectors with key A
    /// D3F7D3F7D3F7 and GPB 40, and the message TLV from sector 1 on.
    /// </summary>
    public void FormatNdef(ReadOnlySpan<byte> tlv, ReadOnlySpan<byte> keyB)
    {
        byte[] madKeyA = [0xA0, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5];
        byte[] ndefKeyA = [0xD3, 0xF7, 0xD3, 0xF7, 0xD3, 0xF7];
        var sectorsNeeded = (tlv.Length + 47) / 48;
        if (sectorsNeeded > SectorCount - 1)
        {
            throw new ArgumentException("The NDEF message does not fit a MIFARE Classic 1K.", nameof(tlv));
        }

        var mad = new byte[32];
        mad[1] = 0x01; // info byte: no card publisher sector
        for (var sector = 1; sector <= sectorsNeeded; sector++)
        {
            mad[sector * 2] = 0x03; // application 0xE103, little-endian in the directory
            mad[(sector * 2) + 1] = 0xE1;
        }

        mad[0] = MadCrc(mad.AsSpan(1));
        SetBlock(1, mad.AsSpan(0, 16));
        SetBlock(2, mad.AsSpan(16, 16));
        SetSectorTrailer(0, madKeyA, [0x78, 0x77, 0x88], 0xC1, keyB);

        for (var sector = 1; sector <= sectorsNeeded; sector++)
        {
            SetSectorTrailer(sector, ndefKeyA, [0x7F, 0x07, 0x88], 0x40, keyB);
            for (var group = 0; group < 3; group++)
            {
                var offset = ((sector - 1) * 48) + (group * 16);
                var chunk = offset < tlv.Length ? tlv[offset..Math.Min(tlv.Length, offset + 16)] : [];
                SetBlock((sector * 4) + group, chunk);
            }
        }
    }

    /// <summary>MAD CRC-8: polynomial x^8+x^4+x^3+x^2+1 (0x1D), preset 0xC7, MSB first (NXP AN10787).</summary>
    public static byte MadCrc(ReadOnlySpan<byte> data)
    {
        byte crc = 0xC7;
        foreach (var b in data)
        {
            crc ^= b;
            for (var i = 0; i < 8; i++)
            {
                crc = (crc & 0x80) != 0 ? (byte)((crc << 1) ^ 0x1D) : (byte)(crc << 1);
            }
        }

        return crc;
    }
}
