namespace SevaKiosk.Protocol.Id003;

/// <summary>
/// The two-byte denomination bitmasks of SET ENABLE/DISABLE (0xC0) and SET SECURITY (0xC1). Bit index = escrow code −
/// <see cref="FirstEscrowCode"/>, bit <c>i</c> in byte <c>i / 8</c> at position <c>i % 8</c> (as TerminalClient builds
/// it). For 0xC0 two public drivers agree that a set bit disables the denomination (<c>00 00</c> = all enabled), one
/// comment claims the opposite: <see cref="SetBitDisables"/> keeps the polarity configurable until a hardware capture
/// settles it.
/// </summary>
/// <param name="FirstEscrowCode">Escrow code of bit 0 (0x61 on every table seen so far).</param>
/// <param name="SetBitDisables">True (the default) when a 1 bit disables the denomination.</param>
public sealed record Id003DenominationMask(byte FirstEscrowCode = Id003DenominationMask.DefaultFirstEscrowCode, bool SetBitDisables = true)
{
    public const byte DefaultFirstEscrowCode = 0x61;

    /// <summary>Mask data length in bytes.</summary>
    public const int Length = 2;

    /// <summary>The usual layout: bit 0 = escrow code 0x61, a set bit disables.</summary>
    public static Id003DenominationMask Default { get; } = new();

    /// <summary>Bit index of an escrow code.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The code is below <see cref="FirstEscrowCode"/> or past bit 15.</exception>
    public int BitIndex(byte escrowCode)
    {
        var index = escrowCode - FirstEscrowCode;
        return index is >= 0 and < 8 * Length
            ? index
            : throw new ArgumentOutOfRangeException(nameof(escrowCode), escrowCode, $"Escrow code 0x{escrowCode:X2} has no bit in a mask starting at 0x{FirstEscrowCode:X2}.");
    }

    /// <summary>
    /// SET ENABLE/DISABLE data for the given denominations. Codes not listed keep a clear bit: enabled with the default
    /// polarity, disabled with the inverted one, so list every assigned code.
    /// </summary>
    public byte[] EncodeEnabled(IEnumerable<(byte EscrowCode, bool Enabled)> denominations)
    {
        var data = new byte[Length];
        foreach (var (code, enabled) in denominations)
        {
            if (enabled != SetBitDisables)
            {
                SetBit(data, BitIndex(code));
            }
        }

        return data;
    }

    /// <summary>True when <paramref name="mask"/> (0xC0 data) enables the escrow code.</summary>
    public bool IsEnabled(ReadOnlySpan<byte> mask, byte escrowCode) => IsBitSet(mask, escrowCode) != SetBitDisables;

    /// <summary>True when the escrow code's bit is set (for 0xC1 SET SECURITY a set bit means high security).</summary>
    public bool IsBitSet(ReadOnlySpan<byte> mask, byte escrowCode)
    {
        if (mask.Length < Length)
        {
            throw new ArgumentException($"A denomination mask is {Length} bytes, got {mask.Length}.", nameof(mask));
        }

        var index = BitIndex(escrowCode);
        return (mask[index / 8] & (1 << (index % 8))) != 0;
    }

    /// <summary>Mask data with the given codes' bits set (for example SET SECURITY's high-security list).</summary>
    public byte[] EncodeBits(IEnumerable<byte> escrowCodes)
    {
        var data = new byte[Length];
        foreach (var code in escrowCodes)
        {
            SetBit(data, BitIndex(code));
        }

        return data;
    }

    private static void SetBit(Span<byte> data, int index) => data[index / 8] |= (byte)(1 << (index % 8));
}
