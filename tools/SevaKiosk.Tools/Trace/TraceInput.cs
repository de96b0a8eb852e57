using System.Globalization;

namespace SevaKiosk.Tools.Trace;

/// <summary>Who sent a stretch of bytes, when the capture says so (or the decoder can tell).</summary>
public enum TraceDirection
{
    Unknown,

    /// <summary>Host (kiosk) to device: <c>&gt;</c> in a hex trace.</summary>
    Host,

    /// <summary>Device to host: <c>&lt;</c> in a hex trace.</summary>
    Device,
}

/// <summary>Consecutive captured bytes in one direction.</summary>
/// <param name="Offset">Byte offset of the first byte in the whole capture (bytes, not text characters).</param>
/// <param name="Line">Line of a hex trace the bytes came from; 0 for binary input.</param>
public sealed record TraceChunk(long Offset, int Line, TraceDirection Direction, byte[] Bytes);

/// <summary>A problem with the input text itself (not with the protocol), reported and skipped.</summary>
public sealed record TraceWarning(int Line, string Message);

/// <summary>
/// Reads captures, protocol-neutral. Hex text: bytes as hex pairs separated by white space (<c>7F 80 01</c>; a token
/// may also be a run such as <c>7F8001</c> or carry <c>0x</c>), <c>#</c> starts a comment, and a line may start with
/// <c>&gt;</c> (host to device) or <c>&lt;</c> (device to host); a line without a prefix continues the previous line's
/// direction. Binary: the raw bytes, direction unknown.
/// </summary>
public static class TraceInput
{
    public static IReadOnlyList<TraceChunk> ParseHex(TextReader reader, ICollection<TraceWarning> warnings)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(warnings);
        var chunks = new List<TraceChunk>();
        var direction = TraceDirection.Unknown;
        long offset = 0;
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var text = line.AsSpan();
            var comment = text.IndexOf('#');
            text = (comment >= 0 ? text[..comment] : text).Trim();
            if (text.IsEmpty)
            {
                continue;
            }

            if (text[0] is '>' or '<')
            {
                direction = text[0] == '>' ? TraceDirection.Host : TraceDirection.Device;
                text = text[1..];
            }

            var bytes = ParseTokens(text.ToString(), lineNumber, warnings);
            if (bytes.Length > 0)
            {
                chunks.Add(new TraceChunk(offset, lineNumber, direction, bytes));
                offset += bytes.Length;
            }
        }

        return chunks;
    }

    public static IReadOnlyList<TraceChunk> FromBinary(byte[] bytes) =>
        bytes.Length == 0 ? [] : [new TraceChunk(0, 0, TraceDirection.Unknown, bytes)];

    private static byte[] ParseTokens(string text, int line, ICollection<TraceWarning> warnings)
    {
        var bytes = new List<byte>();
        foreach (var raw in text.Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries))
        {
            var token = raw.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? raw[2..] : raw;
            if (token.Length == 0 || token.Length % 2 != 0 || !IsHex(token))
            {
                warnings.Add(new TraceWarning(line, $"'{raw}' is not a hex byte (two hex digits per byte); skipped."));
                continue;
            }

            for (var i = 0; i < token.Length; i += 2)
            {
                bytes.Add(byte.Parse(token.AsSpan(i, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
            }
        }

        return [.. bytes];
    }

    private static bool IsHex(string token)
    {
        foreach (var c in token)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
