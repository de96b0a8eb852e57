using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SevaKiosk.Deploy.Tests.Infrastructure;

/// <summary>
/// A file server on a free loopback port (HttpListener) that honours <c>Range: bytes=N-</c> with 206, logs every
/// request's range, and can cut the connection after a number of body bytes, as a 2G link drops mid-download.
/// </summary>
internal sealed class BundleServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly Task _loop;
    private long _cutAfter = -1;

    public BundleServer()
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            BaseUrl = new Uri($"http://127.0.0.1:{port}/");
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add(BaseUrl.ToString());
            try
            {
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                // The port was taken between probing and binding: try another.
            }
        }

        _loop = Task.Run(ServeAsync);
    }

    public Uri BaseUrl { get; }

    /// <summary>Each request: path and its Range header ("" when none), in arrival order.</summary>
    public ConcurrentQueue<(string Path, string Range, int Status)> Requests { get; } = new();

    public Uri Serve(string name, byte[] content)
    {
        _files[name] = content;
        return new Uri(BaseUrl, name);
    }

    /// <summary>The next response is cut (connection aborted) after this many body bytes.</summary>
    public void CutNextResponseAfter(long bytes) => Interlocked.Exchange(ref _cutAfter, bytes);

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // Stopping.
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => Respond(context));
        }
    }

    private async Task Respond(HttpListenerContext context)
    {
        var response = context.Response;
        var path = context.Request.Url!.AbsolutePath.TrimStart('/');
        var range = context.Request.Headers["Range"] ?? string.Empty;
        try
        {
            if (!_files.TryGetValue(path, out var content))
            {
                Requests.Enqueue((path, range, 404));
                response.StatusCode = 404;
                response.Close();
                return;
            }

            long from = 0;
            if (range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
            {
                from = long.Parse(range[6..^1], CultureInfo.InvariantCulture);
                if (from >= content.Length)
                {
                    Requests.Enqueue((path, range, 416));
                    response.StatusCode = 416;
                    response.Headers["Content-Range"] = $"bytes */{content.Length}";
                    response.Close();
                    return;
                }

                response.StatusCode = 206;
                response.Headers["Content-Range"] = $"bytes {from}-{content.Length - 1}/{content.Length}";
            }

            Requests.Enqueue((path, range, response.StatusCode));
            response.ContentLength64 = content.Length - from;
            var cut = Interlocked.Exchange(ref _cutAfter, -1);
            if (cut >= 0)
            {
                await response.OutputStream.WriteAsync(content.AsMemory((int)from, (int)Math.Min(cut, content.Length - from)));
                await response.OutputStream.FlushAsync();
                response.Abort();
                return;
            }

            await response.OutputStream.WriteAsync(content.AsMemory((int)from));
            response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
        {
            response.Abort();
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
