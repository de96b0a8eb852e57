namespace SevaKiosk.Protocol.Id003;

/// <summary>
/// One slot of the CURRENCY ASSIGN table: <c>[escrow code][country code][base][exponent]</c>, value = base × 10^exponent
/// in whole currency units. A slot with base 0 is unassigned.
/// </summary>
public readonly record struct Id003Denomination(byte EscrowCode, byte CountryCode, byte Base, byte Exponent)
{
    /// <summary>Largest exponent whose value still fits a <see cref="long"/> for every base.</summary>
    public const int MaxExponent = 16;

    public bool IsAssigned => Base != 0;

    /// <summary>Face value in whole currency units (rupees for INR).</summary>
    public long Value
    {
        get
        {
            long value = Base;
            for (var i = 0; i < Exponent; i++)
            {
                value *= 10;
            }

            return value;
        }
    }

    /// <summary>ISO 4217 currency, or null when the country code is not in <see cref="Id003CountryCodes"/>.</summary>
    public string? Currency => Id003CountryCodes.Currency(CountryCode);

    /// <summary>The slot for <paramref name="value"/> with the smallest base (for example 500 = 5 × 10^2).</summary>
    public static Id003Denomination For(byte escrowCode, byte countryCode, long value)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
        byte exponent = 0;
        while (value % 10 == 0)
        {
            value /= 10;
            exponent++;
        }

        return value <= 255
            ? new Id003Denomination(escrowCode, countryCode, (byte)value, exponent)
            : throw new ArgumentOutOfRangeException(nameof(value), value, "Not expressible as base (1..255) × 10^exponent.");
    }

    public override string ToString() => IsAssigned
        ? $"0x{EscrowCode:X2} = {Value} {Currency ?? $"country 0x{CountryCode:X2}"}"
        : $"0x{EscrowCode:X2} unassigned";
}

/// <summary>Decoder and encoder of the CURRENCY ASSIGN REQUEST (0x8A) reply.</summary>
public static class Id003CurrencyAssignment
{
    public const int SlotLength = 4;

    /// <summary>Every slot of the reply, assigned or not, in wire order.</summary>
    /// <exception cref="Id003DecodeException">The length is not a multiple of four, or an exponent is out of range.</exception>
    public static IReadOnlyList<Id003Denomination> Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length % SlotLength != 0)
        {
            throw new Id003DecodeException($"CURRENCY_ASSIGN data is {data.Length} bytes, not a multiple of {SlotLength}.");
        }

        var slots = new Id003Denomination[data.Length / SlotLength];
        for (var i = 0; i < slots.Length; i++)
        {
            var s = data.Slice(i * SlotLength, SlotLength);
            var slot = new Id003Denomination(s[0], s[1], s[2], s[3]);
            if (slot.IsAssigned && slot.Exponent > Id003Denomination.MaxExponent)
            {
                throw new Id003DecodeException($"CURRENCY_ASSIGN slot {slot.EscrowCode:X2} has exponent {slot.Exponent}; at most {Id003Denomination.MaxExponent} is plausible.");
            }

            slots[i] = slot;
        }

        return slots;
    }

    /// <summary>Reply data for a table (used by the simulator).</summary>
    public static byte[] Encode(IEnumerable<Id003Denomination> slots)
    {
        var list = slots.ToList();
        if (list.Count * SlotLength > Id003Constants.MaxDataLength)
        {
            throw new ArgumentException($"At most {Id003Constants.MaxDataLength / SlotLength} slots fit in one frame.", nameof(slots));
        }

        var data = new byte[list.Count * SlotLength];
        for (var i = 0; i < list.Count; i++)
        {
            var slot = list[i];
            data[i * SlotLength] = slot.EscrowCode;
            data[(i * SlotLength) + 1] = slot.CountryCode;
            data[(i * SlotLength) + 2] = slot.Base;
            data[(i * SlotLength) + 3] = slot.Exponent;
        }

        return data;
    }
}
