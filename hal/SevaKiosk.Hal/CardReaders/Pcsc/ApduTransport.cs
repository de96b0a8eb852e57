namespace SevaKiosk.Hal.CardReaders.Pcsc;

/// <summary>A response APDU: data and the status word.</summary>
public sealed record ApduResponse(byte[] Data, byte Sw1, byte Sw2)
{
    public ushort StatusWord => (ushort)((Sw1 << 8) | Sw2);

    public bool IsSuccess => Sw1 == 0x90 && Sw2 == 0x00;

    public override string ToString() => $"{Convert.ToHexString(Data)} SW={StatusWord:X4}";
}

/// <summary>
/// ISO 7816-4 exchange on top of a raw transmit: follows <c>61 xx</c> with GET RESPONSE (<c>00 C0 00 00 xx</c>) until
/// the card has nothing more, concatenating the data, and answers <c>6C xx</c> by sending the same command again with
/// Le = xx. Both happen on T=0 cards, where the reader does not do it for the host.
/// </summary>
public static class ApduTransport
{
    private const int MaxChainedResponses = 64;

    public static ApduResponse Exchange(Func<byte[], byte[]> transmit, byte[] command)
    {
        var raw = transmit(command);
        Require(raw);
        if (raw[^2] == 0x6C)
        {
            // Wrong Le: repeat the same command with the length the card asked for.
            byte[] corrected = command.Length == 4 ? [.. command, raw[^1]] : [.. command[..^1], raw[^1]];
            raw = transmit(corrected);
            Require(raw);
        }

        var data = new List<byte>(raw[..^2]);
        var responses = 0;
        while (raw[^2] == 0x61)
        {
            if (++responses > MaxChainedResponses)
            {
                throw new InvalidDataException($"The card kept answering 61xx after {MaxChainedResponses} GET RESPONSE commands.");
            }

            raw = transmit([(byte)(command[0] & 0x03), 0xC0, 0x00, 0x00, raw[^1]]);
            Require(raw);
            data.AddRange(raw[..^2]);
        }

        return new ApduResponse([.. data], raw[^2], raw[^1]);
    }

    private static void Require(byte[] raw)
    {
        if (raw.Length < 2)
        {
            throw new InvalidDataException($"The card answered {raw.Length} byte(s); a response APDU ends with SW1 SW2.");
        }
    }
}
