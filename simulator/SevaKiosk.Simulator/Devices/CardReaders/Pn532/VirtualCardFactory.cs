using System.Globalization;
using System.Text;
using System.Text.Json;
using SevaKiosk.Simulator.Control;
using SevaKiosk.Simulator.Devices.CardReaders.Pn532.Cards;

namespace SevaKiosk.Simulator.Devices.CardReaders.Pn532;

/// <summary>
/// Builds a virtual card from the <c>tap</c> control command, for example
/// <c>{"uid":"04A224B1C35E80","type":"ultralight","ndef":"family=RJ-1234567890;card=...;name=..."}</c>.
/// </summary>
/// <remarks>
/// Fields: <c>uid</c> (hex, 4 or 7 bytes), <c>type</c> (<c>ultralight</c> | <c>mifare-classic</c>), <c>ndef</c> (one
/// text, or an array of texts, each one NDEF Text record), and for MIFARE Classic <c>blocks</c> (block number → 32 hex
/// digits, or <c>text:...</c> for UTF-8 zero-padded to 16 bytes) and <c>keys</c> (sector → <c>{"keyA":hex,"keyB":hex}</c>).
/// </remarks>
public static class VirtualCardFactory
{
    public static VirtualCard Create(JsonElement tap)
    {
        if (tap.ValueKind != JsonValueKind.Object)
        {
            throw new SimulatorControlException("\"tap\" must be an object such as {\"uid\":\"04A224B1C35E80\",\"type\":\"ultralight\"}.");
        }

        var uid = ParseHex(RequiredString(tap, "uid"), "uid");
        var type = tap.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "ultralight";
        var texts = ReadTexts(tap);
        try
        {
            return type.ToLowerInvariant() switch
            {
                "ultralight" or "ntag213" or "ntag" => CreateUltralight(uid, texts),
                "mifare-classic" or "mifare-classic-1k" or "classic" or "mifare" => CreateClassic(uid, texts, tap),
                _ => throw new SimulatorControlException($"Unknown card type \"{type}\"; use \"ultralight\" or \"mifare-classic\"."),
            };
        }
        catch (ArgumentException ex)
        {
            // The message without ArgumentException's " (Parameter 'x')" suffix: it is shown to whoever typed the command.
            var message = ex.ParamName is null ? ex.Message : ex.Message.Replace($" (Parameter '{ex.ParamName}')", string.Empty, StringComparison.Ordinal);
            throw new SimulatorControlException(message, ex);
        }
    }

    private static Ntag213Card CreateUltralight(byte[] uid, List<string> texts)
    {
        var card = new Ntag213Card(uid);
        if (texts.Count > 0)
        {
            card.WriteUserData(NdefTextMessage.Tlv(NdefTextMessage.Encode(texts)));
        }

        return card;
    }

    private static MifareClassic1KCard CreateClassic(byte[] uid, List<string> texts, JsonElement tap)
    {
        var card = new MifareClassic1KCard(uid);
        if (texts.Count > 0)
        {
            card.FormatNdef(NdefTextMessage.Tlv(NdefTextMessage.Encode(texts)), MifareClassic1KCard.TransportKey);
        }

        if (tap.TryGetProperty("blocks", out var blocks))
        {
            foreach (var block in blocks.EnumerateObject())
            {
                if (!int.TryParse(block.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                {
                    throw new SimulatorControlException($"Block \"{block.Name}\" is not a block number.");
                }

                var value = block.Value.GetString() ?? string.Empty;
                var data = value.StartsWith("text:", StringComparison.Ordinal)
                    ? Encoding.UTF8.GetBytes(value[5..])
                    : ParseHex(value, $"blocks.{block.Name}");
                card.SetBlock(number, data);
            }
        }

        if (tap.TryGetProperty("keys", out var keys))
        {
            foreach (var sector in keys.EnumerateObject())
            {
                if (!int.TryParse(sector.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number >= MifareClassic1KCard.SectorCount)
                {
                    throw new SimulatorControlException($"Sector \"{sector.Name}\" is not a sector of a MIFARE Classic 1K.");
                }

                var trailer = card.Block(MifareClassic1KCard.TrailerBlock(number)).ToArray();
                var keyA = sector.Value.TryGetProperty("keyA", out var a) ? ParseHex(a.GetString() ?? string.Empty, "keyA") : MifareClassic1KCard.TransportKey;
                var keyB = sector.Value.TryGetProperty("keyB", out var b) ? ParseHex(b.GetString() ?? string.Empty, "keyB") : MifareClassic1KCard.TransportKey;
                card.SetSectorTrailer(number, keyA, trailer.AsSpan(6, 3), trailer[9], keyB);
            }
        }

        return card;
    }

    private static List<string> ReadTexts(JsonElement tap)
    {
        if (!tap.TryGetProperty("ndef", out var ndef) || ndef.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        return ndef.ValueKind switch
        {
            JsonValueKind.String => [ndef.GetString()!],
            JsonValueKind.Array => ndef.EnumerateArray().Select(e => e.GetString() ?? string.Empty).ToList(),
            _ => throw new SimulatorControlException("\"ndef\" must be a text or an array of texts."),
        };
    }

    private static string RequiredString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new SimulatorControlException($"\"tap\" needs \"{name}\".");

    private static byte[] ParseHex(string text, string field)
    {
        try
        {
            return Convert.FromHexString(text.Replace(" ", string.Empty, StringComparison.Ordinal).Replace(":", string.Empty, StringComparison.Ordinal));
        }
        catch (FormatException)
        {
            throw new SimulatorControlException($"\"{field}\" is not hexadecimal: {text}");
        }
    }
}
