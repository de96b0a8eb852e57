namespace SevaKiosk.Simulator.Devices.CardReaders.Pn532.Cards;

/// <summary>
/// An NXP NTAG213 (MIFARE Ultralight family, NFC Forum Type 2 tag): 45 pages of 4 bytes, 144 bytes of user memory
/// (pages 4–39), formatted for NDEF (capability container E1 10 12 00 on page 3). Answers GET_VERSION, READ,
/// FAST_READ, WRITE, COMPATIBILITY_WRITE and READ_SIG as described in the NTAG213/215/216 data sheet; anything else is
/// a NAK, which the PN532 reports as a timeout.
/// </summary>
public sealed class Ntag213Card : VirtualCard
{
    public const int PageCount = 45;
    public const int FirstUserPage = 4;
    public const int LastUserPage = 39;

    // GET_VERSION answer of an NTAG213: header, vendor NXP, type NTAG, subtype 50 pF, major, minor, storage size 0x0F, protocol.
    private static readonly byte[] Version = [0x00, 0x04, 0x04, 0x02, 0x01, 0x00, 0x0F, 0x03];

    private readonly byte[] _memory = new byte[PageCount * 4];

    public Ntag213Card(byte[] uid)
        : base(uid.Length == 7 ? uid : throw new ArgumentException("An NTAG213 has a 7-byte UID.", nameof(uid)))
    {
        // Pages 0-2: UID with its two check bytes (BCC0 includes the cascade tag 0x88), internal byte, lock bytes.
        _memory[0] = uid[0];
        _memory[1] = uid[1];
        _memory[2] = uid[2];
        _memory[3] = (byte)(0x88 ^ uid[0] ^ uid[1] ^ uid[2]);
        uid.AsSpan(3, 4).CopyTo(_memory.AsSpan(4));
        _memory[8] = (byte)(uid[3] ^ uid[4] ^ uid[5] ^ uid[6]);
        _memory[9] = 0x48;

        // Page 3: capability container for NDEF version 1.0, 144 bytes of data area (0x12 * 8), read/write.
        _memory[12] = 0xE1;
        _memory[13] = 0x10;
        _memory[14] = 0x12;
        _memory[15] = 0x00;

        // Empty NDEF message TLV until someone writes user data.
        WriteUserData(NdefTextMessage.Tlv([0xD0, 0x00, 0x00]));

        // Configuration pages 41/42 defaults from the data sheet: AUTH0 = 0xFF (no password protection).
        _memory[41 * 4 + 3] = 0xFF;
    }

    public override ushort Atqa => 0x0044;

    public override byte Sak => 0x00;

    public override string Kind => "ultralight";

    /// <summary>Bytes read so far by the reader (for tests that pull the card away part-way through a read).</summary>
    public int PagesRead { get; private set; }

    /// <summary>Writes <paramref name="data"/> into user memory from page 4, zero-filling the rest.</summary>
    public void WriteUserData(ReadOnlySpan<byte> data)
    {
        var capacity = (LastUserPage - FirstUserPage + 1) * 4;
        if (data.Length > capacity)
        {
            throw new ArgumentException($"NTAG213 user memory holds {capacity} bytes; the data has {data.Length}.", nameof(data));
        }

        var user = _memory.AsSpan(FirstUserPage * 4, capacity);
        user.Clear();
        data.CopyTo(user);
    }

    public ReadOnlySpan<byte> Page(int page) => _memory.AsSpan(page * 4, 4);

    protected override (byte Status, byte[] Data) Process(ReadOnlySpan<byte> command)
    {
        switch (command[0])
        {
            case 0x60: // GET_VERSION
                return (StatusOk, [.. Version]);
            case 0x30 when command.Length >= 2: // READ: four pages; the address rolls over past the last page
                {
                    int start = command[1];
                    if (start >= PageCount)
                    {
                        return (StatusTimeout, []);
                    }

                    var answer = new byte[16];
                    for (var i = 0; i < 4; i++)
                    {
                        Page((start + i) % PageCount).CopyTo(answer.AsSpan(i * 4));
                    }

                    PagesRead += 4;
                    return (StatusOk, answer);
                }

            case 0x3A when command.Length >= 3: // FAST_READ start..end
                {
                    int start = command[1], end = command[2];
                    if (start > end || end >= PageCount)
                    {
                        return (StatusTimeout, []);
                    }

                    PagesRead += end - start + 1;
                    return (StatusOk, _memory.AsSpan(start * 4, (end - start + 1) * 4).ToArray());
                }

            case 0xA2 when command.Length >= 6: // WRITE one page
                return WritePage(command[1], command.Slice(2, 4));
            case 0xA0 when command.Length >= 18: // COMPATIBILITY_WRITE: 16 bytes sent, the first 4 are written
                return WritePage(command[1], command.Slice(2, 4));
            case 0x3C: // READ_SIG: an all-zero signature (no NXP originality key in a simulator)
                return (StatusOk, new byte[32]);
            default:
                return (StatusTimeout, []);
        }
    }

    private (byte Status, byte[] Data) WritePage(int page, ReadOnlySpan<byte> data)
    {
        // Pages 0-2 (UID, lock bytes) are not writable this way; CC and user memory and configuration are.
        if (page < 3 || page >= PageCount)
        {
            return (StatusTimeout, []);
        }

        data.CopyTo(_memory.AsSpan(page * 4, 4));
        return (StatusOk, []);
    }
}
