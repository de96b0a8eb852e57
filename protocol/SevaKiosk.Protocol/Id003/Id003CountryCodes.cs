namespace SevaKiosk.Protocol.Id003;

/// <summary>
/// Country codes of the CURRENCY ASSIGN reply. Only codes that public drivers agree on are trusted; the others are
/// single-source and a commissioning engineer confirms them with a 0x8A dump from the real unit.
/// </summary>
public static class Id003CountryCodes
{
    /// <summary>Indian rupee. UNCONFIRMED: one public driver (TerminalClient) only; verify on an INR-dataset unit.</summary>
    public const byte Inr = 0x63;

    private static readonly Dictionary<byte, string> Currencies = new()
    {
        // Two independent drivers agree (TerminalClient in hex, Aristocrat in decimal).
        [0x01] = "USD",
        [0x08] = "CAD",
        [0x16] = "CHF",
        [0x27] = "RUB",
        [0x2D] = "CNY",
        [0x30] = "HUF",
        [0x51] = "KZT",
        [0xE0] = "EUR",

        // UNCONFIRMED: TerminalClient only.
        [Inr] = "INR",
        [0x5C] = "UAH",
        [0x78] = "IRR",
        [0x7E] = "MDL",
        [0x86] = "UZS",
    };

    /// <summary>ISO 4217 code for a country code, or null when unknown (configure it instead of guessing).</summary>
    public static string? Currency(byte countryCode) => Currencies.GetValueOrDefault(countryCode);

    /// <summary>True when the mapping comes from a single public source and needs a hardware capture.</summary>
    public static bool IsUnconfirmed(byte countryCode) => countryCode is Inr or 0x5C or 0x78 or 0x7E or 0x86;

    /// <summary>Country code for an ISO 4217 currency, or null when the table has none.</summary>
    public static byte? ForCurrency(string currency)
    {
        foreach (var (code, iso) in Currencies)
        {
            if (string.Equals(iso, currency, StringComparison.OrdinalIgnoreCase))
            {
                return code;
            }
        }

        return null;
    }
}
