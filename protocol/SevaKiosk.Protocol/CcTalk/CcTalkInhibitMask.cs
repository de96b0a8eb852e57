namespace SevaKiosk.Protocol.CcTalk;

/// <summary>What a set bit in an inhibit mask (headers 230/231) means.</summary>
public enum CcTalkInhibitPolarity
{
    /// <summary>Bit = 1 enables the bill type. What C4J and dk.CctalkLib assume; UNCONFIRMED against the specification.</summary>
    OneEnables,

    /// <summary>Bit = 1 inhibits the bill type, for a device that turns out to work the other way round.</summary>
    OneInhibits,
}

/// <summary>
/// The individual inhibit pattern of headers 231 (modify) and 230 (request): two bytes, bit 0 of the first byte is
/// bill type 1, bit 7 of the second is bill type 16.
/// </summary>
public readonly record struct CcTalkInhibitMask(ushort EnabledBits)
{
    /// <summary>Bill types 1..16 fit in the standard two-byte mask.</summary>
    public const int MaxBillType = 16;

    public static CcTalkInhibitMask AllInhibited => new(0);

    public static CcTalkInhibitMask FromEnabled(IEnumerable<int> billTypes)
    {
        ArgumentNullException.ThrowIfNull(billTypes);
        ushort bits = 0;
        foreach (var type in billTypes)
        {
            if (type is < 1 or > MaxBillType)
            {
                throw new ArgumentOutOfRangeException(nameof(billTypes), type, $"ccTalk bill types in a 2-byte mask are 1..{MaxBillType}.");
            }

            bits |= (ushort)(1 << (type - 1));
        }

        return new CcTalkInhibitMask(bits);
    }

    public bool IsEnabled(int billType) => billType is >= 1 and <= MaxBillType && (EnabledBits & (1 << (billType - 1))) != 0;

    public IReadOnlyList<int> EnabledTypes()
    {
        var types = new List<int>();
        for (var type = 1; type <= MaxBillType; type++)
        {
            if (IsEnabled(type))
            {
                types.Add(type);
            }
        }

        return types;
    }

    /// <summary>The two data bytes of MODIFY INHIBIT STATUS (or of the reply to REQUEST INHIBIT STATUS).</summary>
    public void WriteTo(Span<byte> destination, CcTalkInhibitPolarity polarity = CcTalkInhibitPolarity.OneEnables)
    {
        var bits = polarity == CcTalkInhibitPolarity.OneEnables ? EnabledBits : (ushort)~EnabledBits;
        destination[0] = (byte)bits;
        destination[1] = (byte)(bits >> 8);
    }

    public byte[] ToBytes(CcTalkInhibitPolarity polarity = CcTalkInhibitPolarity.OneEnables)
    {
        var bytes = new byte[2];
        WriteTo(bytes, polarity);
        return bytes;
    }

    /// <summary>Parses a mask. Some devices send a longer mask; bytes past the second are ignored (bill types above 16).</summary>
    /// <returns>False when fewer than two bytes were sent.</returns>
    public static bool TryParse(ReadOnlySpan<byte> data, CcTalkInhibitPolarity polarity, out CcTalkInhibitMask mask)
    {
        if (data.Length < 2)
        {
            mask = default;
            return false;
        }

        var bits = (ushort)(data[0] | (data[1] << 8));
        mask = new CcTalkInhibitMask(polarity == CcTalkInhibitPolarity.OneEnables ? bits : (ushort)~bits);
        return true;
    }

    public override string ToString() => $"enabled [{string.Join(",", EnabledTypes())}]";
}
