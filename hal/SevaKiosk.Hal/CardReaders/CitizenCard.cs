namespace SevaKiosk.Hal.CardReaders;

/// <summary>
/// What the kiosk reads from a citizen's card: the family (Jan Aadhaar style) id and/or the card id, and the holder's
/// name. Produced only from a complete read.
/// </summary>
public sealed record CitizenCard(string Uid, CardType Type, string? FamilyId, string? CardId, string? HolderName, string Source)
{
    /// <summary>True when the card identifies a family or a card and names its holder.</summary>
    public bool IsComplete => (FamilyId is not null || CardId is not null) && HolderName is not null;
}

/// <summary>
/// Parses the citizen fields from card text: one or more texts (NDEF Text records, or MIFARE blocks decoded as UTF-8),
/// each holding <c>key=value</c> (or <c>key: value</c>) pairs separated by <c>;</c> or new lines. Keys are
/// case-insensitive: <c>family</c>/<c>family_id</c>/<c>familyid</c>, <c>card</c>/<c>card_id</c>/<c>cardid</c>,
/// <c>name</c>/<c>holder</c>/<c>holder_name</c>. Unknown keys are ignored.
/// </summary>
public static class CitizenCardText
{
    public static (string? FamilyId, string? CardId, string? HolderName) Parse(IEnumerable<string> texts)
    {
        string? family = null, card = null, name = null;
        foreach (var text in texts)
        {
            foreach (var field in text.Split([';', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var separator = field.IndexOfAny(['=', ':']);
                if (separator <= 0)
                {
                    continue;
                }

                var key = field[..separator].Trim().Replace("_", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
                var value = field[(separator + 1)..].Trim().TrimEnd('\0');
                if (value.Length == 0)
                {
                    continue;
                }

                switch (key)
                {
                    case "FAMILY" or "FAMILYID":
                        family ??= value;
                        break;
                    case "CARD" or "CARDID":
                        card ??= value;
                        break;
                    case "NAME" or "HOLDER" or "HOLDERNAME":
                        name ??= value;
                        break;
                }
            }
        }

        return (family, card, name);
    }
}
