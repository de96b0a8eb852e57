using System.Globalization;

namespace SevaKiosk.Tools.Trace;

/// <param name="File">Path, or <c>-</c> for standard input.</param>
public sealed record TraceDecodeRequest(string Protocol, string File, bool Binary, bool Json, string? Key = null);

/// <summary>
/// <c>kioskctl trace decode</c>: reads the capture, runs the protocol's decoder and prints every record. Exit code 0
/// whenever the capture could be read (garbage and bad frames are findings, not failures), 2 when it could not or the
/// protocol has no decoder.
/// </summary>
public static class TraceDecodeRunner
{
    public static async Task<int> RunAsync(TraceDecodeRequest request, TextReader stdin, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(stdin);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ITraceDecoder decoder;
        IReadOnlyList<TraceChunk> chunks;
        var warnings = new List<TraceWarning>();
        try
        {
            decoder = TraceDecoders.Create(request.Protocol, new TraceDecoderOptions(request.Key));
            chunks = await ReadAsync(request, stdin, warnings, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TraceDecoderException or IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"kioskctl trace decode: {ex.Message}").ConfigureAwait(false);
            return 2;
        }

        foreach (var warning in warnings)
        {
            await error.WriteLineAsync($"{request.File}:{warning.Line}: {warning.Message}").ConfigureAwait(false);
        }

        int frames = 0, crcErrors = 0, garbage = 0;
        foreach (var record in decoder.Decode(chunks))
        {
            cancellationToken.ThrowIfCancellationRequested();
            _ = record.Kind switch
            {
                TraceRecordKind.Frame => frames++,
                TraceRecordKind.CrcError => crcErrors++,
                _ => garbage++,
            };
            await output.WriteLineAsync(request.Json ? TraceWriter.ToJsonLine(record) : TraceWriter.ToText(record)).ConfigureAwait(false);
        }

        if (!request.Json)
        {
            await output.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"{frames} frame(s), {crcErrors} CRC error(s), {garbage} garbage run(s), {chunks.Sum(c => c.Bytes.Length)} byte(s)")).ConfigureAwait(false);
        }

        return 0;
    }

    private static async Task<IReadOnlyList<TraceChunk>> ReadAsync(TraceDecodeRequest request, TextReader stdin, List<TraceWarning> warnings, CancellationToken cancellationToken)
    {
        var fromStdin = request.File == "-";
        if (request.Binary)
        {
            if (fromStdin)
            {
                using var buffer = new MemoryStream();
                await Console.OpenStandardInput().CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
                return TraceInput.FromBinary(buffer.ToArray());
            }

            return TraceInput.FromBinary(await File.ReadAllBytesAsync(request.File, cancellationToken).ConfigureAwait(false));
        }

        if (fromStdin)
        {
            return TraceInput.ParseHex(stdin, warnings);
        }

        using var reader = new StreamReader(request.File);
        return TraceInput.ParseHex(reader, warnings);
    }
}
