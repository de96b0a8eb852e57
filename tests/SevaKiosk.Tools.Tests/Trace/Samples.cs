using SevaKiosk.Tools.Trace;

namespace SevaKiosk.Tools.Tests.Trace;

/// <summary>The sample captures under Trace/Samples (copied next to the test assembly).</summary>
internal static class Samples
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Trace", "Samples", name);

    public static IReadOnlyList<TraceRecord> Decode(string name, string? key = null) => DecodeAs("ssp", name, key);

    /// <summary>Decodes a sample capture (hex text, or raw bytes for <c>.bin</c>) with <paramref name="protocol"/>'s decoder.</summary>
    public static IReadOnlyList<TraceRecord> DecodeAs(string protocol, string name, string? key = null)
    {
        var chunks = name.EndsWith(".bin", StringComparison.Ordinal)
            ? TraceInput.FromBinary(File.ReadAllBytes(Path(name)))
            : ParseHex(File.ReadAllText(Path(name)));
        return [.. TraceDecoders.Create(protocol, new TraceDecoderOptions(key)).Decode(chunks)];
    }

    public static IReadOnlyList<TraceRecord> DecodeText(string text, string? key = null) => DecodeTextAs("ssp", text, key);

    public static IReadOnlyList<TraceRecord> DecodeTextAs(string protocol, string text, string? key = null) =>
        [.. TraceDecoders.Create(protocol, new TraceDecoderOptions(key)).Decode(ParseHex(text))];

    public static IReadOnlyList<TraceChunk> ParseHex(string text)
    {
        var warnings = new List<TraceWarning>();
        var chunks = TraceInput.ParseHex(new StringReader(text), warnings);
        Assert.Empty(warnings);
        return chunks;
    }
}
