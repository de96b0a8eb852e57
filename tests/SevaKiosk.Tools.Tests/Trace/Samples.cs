using SevaKiosk.Tools.Trace;

namespace SevaKiosk.Tools.Tests.Trace;

/// <summary>The sample captures under Trace/Samples (copied next to the test assembly).</summary>
internal static class Samples
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Trace", "Samples", name);

    /// <summary>Decodes a sample; the protocol is the file name's prefix (<c>ssp-...</c>, <c>id003-...</c>, <c>cctalk-...</c>).</summary>
    public static IReadOnlyList<TraceRecord> Decode(string name, string? key = null)
    {
        var chunks = name.EndsWith(".bin", StringComparison.Ordinal)
            ? TraceInput.FromBinary(File.ReadAllBytes(Path(name)))
            : ParseHex(File.ReadAllText(Path(name)));
        return [.. TraceDecoders.Create(name[..name.IndexOf('-', StringComparison.Ordinal)], new TraceDecoderOptions(key)).Decode(chunks)];
    }

    public static IReadOnlyList<TraceRecord> DecodeText(string text, string? key = null, string protocol = "ssp") =>
        [.. TraceDecoders.Create(protocol, new TraceDecoderOptions(key)).Decode(ParseHex(text))];

    public static IReadOnlyList<TraceChunk> ParseHex(string text)
    {
        var warnings = new List<TraceWarning>();
        var chunks = TraceInput.ParseHex(new StringReader(text), warnings);
        Assert.Empty(warnings);
        return chunks;
    }
}
