using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SevaKiosk.Protocol.Id003;

/// <summary>
/// The VERSION REQUEST (0x88) reply: ASCII such as <c>i(USA)100-SS ID003-05V280-42 01AUG17 964D</c> = model,
/// protocol and firmware version, date, ROM CRC. Units differ in spacing and field order, so every field is optional
/// and <see cref="Raw"/> always holds the whole text for logs and commissioning records.
/// </summary>
public sealed partial record Id003VersionInfo(string Raw, string? Model, string? Protocol, string? Firmware, DateOnly? Date, ushort? RomCrc)
{
    /// <summary>Decodes the reply data leniently: fields that are missing or malformed stay null; never throws.</summary>
    public static Id003VersionInfo Parse(ReadOnlySpan<byte> data)
    {
        var raw = Id003Ascii.Decode(data);
        var tokens = raw.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string? model = null, protocol = null, firmware = null;
        DateOnly? date = null;
        ushort? crc = null;
        for (var i = 0; i < tokens.Length; i++)
        {
            var token = tokens[i];
            var p = ProtocolToken().Match(token);
            if (protocol is null && p.Success)
            {
                protocol = p.Groups["protocol"].Value;
                firmware = p.Groups["firmware"].Success && p.Groups["firmware"].Length > 0 ? p.Groups["firmware"].Value : null;
            }
            else if (date is null && DateOnly.TryParseExact(token, "ddMMMyy", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            {
                date = d;
            }
            else if (i == tokens.Length - 1 && i > 0 && CrcToken().IsMatch(token))
            {
                crc = ushort.Parse(token, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            }
            else if (i == 0)
            {
                model = token;
            }
        }

        return new Id003VersionInfo(raw, model, protocol, firmware, date, crc);
    }

    /// <summary>Reply data for a version string (used by the simulator).</summary>
    public static byte[] Encode(string text) => Id003Ascii.Encode(text, "version");

    // "ID003-05V280-42": a protocol name with its revision, optionally followed directly by the firmware version.
    [GeneratedRegex(@"^(?<protocol>[A-Z]{2}-?\d{3}(-\d+)?)(?<firmware>V.*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex ProtocolToken();

    [GeneratedRegex("^[0-9A-Fa-f]{4}$", RegexOptions.CultureInvariant)]
    private static partial Regex CrcToken();
}

/// <summary>The BOOT VERSION REQUEST (0x89) reply: a few ASCII characters such as <c>B05 </c>.</summary>
public static class Id003BootVersion
{
    /// <summary>The boot version text without trailing blanks; never throws.</summary>
    public static string Parse(ReadOnlySpan<byte> data) => Id003Ascii.Decode(data);

    /// <summary>Reply data for a boot version (used by the simulator).</summary>
    public static byte[] Encode(string text) => Id003Ascii.Encode(text, "boot version");
}

/// <summary>ASCII helpers for the text replies.</summary>
internal static class Id003Ascii
{
    /// <summary>Printable ASCII kept, anything else shown as '?', trailing NULs and blanks removed.</summary>
    public static string Decode(ReadOnlySpan<byte> data)
    {
        var sb = new StringBuilder(data.Length);
        foreach (var b in data)
        {
            sb.Append(b is >= 0x20 and <= 0x7E ? (char)b : b == 0 ? ' ' : '?');
        }

        return sb.ToString().Trim();
    }

    public static byte[] Encode(string text, string what)
    {
        if (text.Length > Id003Constants.MaxDataLength || text.Any(c => c is < ' ' or > '~'))
        {
            throw new ArgumentException($"A {what} is at most {Id003Constants.MaxDataLength} printable ASCII characters.", nameof(text));
        }

        return Encoding.ASCII.GetBytes(text);
    }
}
