using System.Net;
using System.Net.Sockets;

namespace SevaKiosk.Mqtt.Tests.Infrastructure;

/// <summary>
/// A loopback TCP forwarder that can go silent without closing anything: the half-open link a 2G modem leaves behind,
/// which only a watchdog or a publish deadline can detect. Connections opened after <see cref="FreezeCurrent"/> work.
/// </summary>
public sealed class FreezableProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _sockets = [];
    private readonly List<FreezeFlag> _links = [];
    private Task _accepting = Task.CompletedTask;

    public FreezableProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public string Url => $"mqtt://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>Stops forwarding bytes on every current connection (they stay open); new connections are unaffected.</summary>
    public void FreezeCurrent()
    {
        lock (_sockets)
        {
            foreach (var link in _links)
            {
                link.Frozen = true;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_sockets)
        {
            foreach (var socket in _sockets)
            {
                socket.Dispose();
            }
        }

        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            var upstream = new TcpClient();
            await upstream.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            var flag = new FreezeFlag();
            lock (_sockets)
            {
                _sockets.Add(client);
                _sockets.Add(upstream);
                _links.Add(flag);
            }

            _ = PumpAsync(client.GetStream(), upstream.GetStream(), flag);
            _ = PumpAsync(upstream.GetStream(), client.GetStream(), flag);
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, FreezeFlag flag)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    to.Socket.Shutdown(SocketShutdown.Send);
                    return;
                }

                if (!flag.Frozen)
                {
                    await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection ended.
        }
    }

    private sealed class FreezeFlag
    {
        public volatile bool Frozen;
    }
}
