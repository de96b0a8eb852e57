using SevaKiosk.Tools.Trace.CcTalk;
using SevaKiosk.Tools.Trace.Id003;
using SevaKiosk.Tools.Trace.Ssp;

namespace SevaKiosk.Tools.Trace;

/// <summary>
/// Turns captured bytes into frames for one protocol. Decoders are lenient by contract: garbage and bad frames become
/// records, never exceptions, and decoding always continues with the next frame.
/// </summary>
public interface ITraceDecoder
{
    /// <summary>Protocol name as given to <c>--protocol</c>.</summary>
    string Protocol { get; }

    /// <summary>Decodes <paramref name="chunks"/> (in capture order) and yields records as frames complete.</summary>
    IEnumerable<TraceRecord> Decode(IEnumerable<TraceChunk> chunks);
}

/// <summary>Options a decoder may use.</summary>
/// <param name="Key">Protocol-specific key material (SSP: the 16-byte AES key as 32 hex digits).</param>
public sealed record TraceDecoderOptions(string? Key = null);

/// <summary>A protocol that has no decoder in this build, or options it cannot use.</summary>
public sealed class TraceDecoderException : Exception
{
    public TraceDecoderException()
    {
    }

    public TraceDecoderException(string message)
        : base(message)
    {
    }

    public TraceDecoderException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The decoders by protocol name.</summary>
public static class TraceDecoders
{
    public static IReadOnlyList<string> Protocols { get; } = ["ssp", "id003", "cctalk"];

    /// <exception cref="TraceDecoderException">The protocol is unknown, or the options are malformed.</exception>
    public static ITraceDecoder Create(string protocol, TraceDecoderOptions options) => protocol.ToLowerInvariant() switch
    {
        "ssp" => new SspTraceDecoder(options),
        "id003" => new Id003TraceDecoder(options),
        "cctalk" => new CcTalkTraceDecoder(),
        _ => throw new TraceDecoderException($"Unknown protocol '{protocol}'. Known: {string.Join(", ", Protocols)}."),
    };
}
