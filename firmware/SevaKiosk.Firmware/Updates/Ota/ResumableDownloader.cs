using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using SevaKiosk.Hal.Devices;

namespace SevaKiosk.Firmware.Updates.Ota;

/// <summary>
/// Fetches a bundle over HTTP into <c>DIR/&lt;sha256&gt;.part</c>, resuming an interrupted transfer with a
/// <c>Range: bytes=N-</c> request (the partial file survives restarts), and renames it to <c>&lt;sha256&gt;.bundle</c>
/// only when the whole file hashes to the expected SHA-256. A server that ignores the range (200) is followed from the
/// start; a wrong hash discards the file (which part is bad cannot be known). Network errors and stalls are retried
/// with backoff until the deadline; 4xx answers are final.
/// </summary>
public sealed class ResumableDownloader
{
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly UpdateOptions _options;
    private readonly ILogger _logger;

    public ResumableDownloader(HttpClient http, TimeProvider time, UpdateOptions options, ILogger logger)
    {
        _http = http;
        _time = time;
        _options = options;
        _logger = logger;
    }

    public static string PartialPath(string directory, string sha256) => Path.Combine(directory, sha256 + ".part");

    public static string CompletePath(string directory, string sha256) => Path.Combine(directory, sha256 + ".bundle");

    /// <summary>Returns the path of the complete, hash-checked bundle.</summary>
    /// <exception cref="DownloadFailedException">A final failure: wrong hash, an HTTP 4xx, or the deadline passed.</exception>
    public async Task<string> DownloadAsync(Uri url, string sha256, string directory, DateTimeOffset deadline, IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var complete = CompletePath(directory, sha256);
        if (File.Exists(complete))
        {
            if (await HashAsync(complete, cancellationToken).ConfigureAwait(false) == sha256)
            {
                return complete;
            }

            File.Delete(complete);
        }

        var part = PartialPath(directory, sha256);
        var backoff = new Backoff(_options.RetryMinDelay, _options.RetryMaxDelay);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_time.GetUtcNow() >= deadline)
            {
                throw new DownloadFailedException($"the download did not complete by {deadline:O}; {Length(part)} bytes kept");
            }

            try
            {
                if (await FetchAsync(url, part, progress, cancellationToken).ConfigureAwait(false))
                {
                    var actual = await HashAsync(part, cancellationToken).ConfigureAwait(false);
                    if (actual != sha256)
                    {
                        File.Delete(part);
                        throw new DownloadFailedException($"the downloaded file's SHA-256 is {actual}, the command says {sha256}");
                    }

                    File.Move(part, complete, overwrite: true);
                    return complete;
                }
            }
            catch (Exception ex) when (IsTransient(ex, cancellationToken))
            {
                _logger.LogWarning("Update download from {Url} interrupted at {Bytes} bytes: {Error}", url, Length(part), ex.Message);
            }

            await Task.Delay(backoff.Next(), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One request; true when the partial file now holds the whole body.</summary>
    private async Task<bool> FetchAsync(Uri url, string part, IProgress<DownloadProgress>? progress, CancellationToken ct)
    {
        var have = Length(part);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (have > 0)
        {
            request.Headers.Range = new RangeHeaderValue(have, null);
        }

        // The stall timer runs on the injected clock; linked with the caller's token for the request.
        using var stallTimer = new CancellationTokenSource(_options.StallTimeout, _time);
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(ct, stallTimer.Token);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stall.Token).ConfigureAwait(false);
        long offset;
        long? total;
        switch (response.StatusCode)
        {
            case HttpStatusCode.PartialContent when response.Content.Headers.ContentRange is { From: { } from } range && from == have:
                offset = have;
                total = range.Length;
                break;
            case HttpStatusCode.OK:
                // No range support (or no partial file): the body is the whole file.
                offset = 0;
                total = response.Content.Headers.ContentLength;
                break;
            case HttpStatusCode.RequestedRangeNotSatisfiable:
                // Nothing after `have`: complete when the server's length is exactly what we have, otherwise start over.
                if (response.Content.Headers.ContentRange?.Length == have)
                {
                    return true;
                }

                File.Delete(part);
                throw new HttpRequestException($"the server cannot serve bytes from {have}; starting over");
            case HttpStatusCode.PartialContent:
                File.Delete(part);
                throw new HttpRequestException($"the server answered a different range ({response.Content.Headers.ContentRange}); starting over");
            case >= HttpStatusCode.BadRequest and < HttpStatusCode.InternalServerError and not HttpStatusCode.RequestTimeout and not HttpStatusCode.TooManyRequests:
                throw new DownloadFailedException($"the server answered {(int)response.StatusCode} {response.ReasonPhrase} for {url}");
            default:
                throw new HttpRequestException($"the server answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }

        var body = await response.Content.ReadAsStreamAsync(stall.Token).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            var file = new FileStream(part, offset == 0 ? FileMode.Create : FileMode.Append, FileAccess.Write, FileShare.None, 1 << 16);
            await using (file.ConfigureAwait(false))
            {
                var buffer = new byte[1 << 16];
                var written = offset;
                int read;
                while ((read = await body.ReadAsync(buffer, stall.Token).ConfigureAwait(false)) > 0)
                {
                    await file.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
                    written += read;
                    stallTimer.CancelAfter(_options.StallTimeout);
                    progress?.Report(new DownloadProgress(written, total, offset));
                }

                await file.FlushAsync(ct).ConfigureAwait(false);
                return total is null || written == total;
            }
        }
    }

    private static bool IsTransient(Exception ex, CancellationToken ct) =>
        ex is HttpRequestException or IOException || (ex is OperationCanceledException && !ct.IsCancellationRequested);

    private static long Length(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;

    private static async Task<string> HashAsync(string path, CancellationToken ct)
    {
        var file = File.OpenRead(path);
        await using (file.ConfigureAwait(false))
        {
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, ct).ConfigureAwait(false));
        }
    }
}

/// <summary>Bytes on disk so far, the whole length when the server said it, and where this request resumed.</summary>
public readonly record struct DownloadProgress(long Bytes, long? Total, long ResumedFrom);

/// <summary>A download that will not succeed by trying again.</summary>
public sealed class DownloadFailedException : Exception
{
    public DownloadFailedException()
    {
    }

    public DownloadFailedException(string message)
        : base(message)
    {
    }

    public DownloadFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
