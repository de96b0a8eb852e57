using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace SevaKiosk.Simulator.Devices.CardReaders.SmartCards;

/// <summary>
/// Connects a virtual card to the vpcd driver inside pcscd (vpcd listens, the card connects: that is "insert"). When
/// pcscd runs in a private network namespace (as the tests run it, so that its listener is invisible to the rest of the
/// machine), the socket is created on a short-lived thread that first joins that namespace: Linux network namespaces
/// are per thread, and a socket keeps its namespace after the thread has gone.
/// </summary>
public static partial class VpcdConnection
{
    /// <summary>vpcd's default port (0x8C7B).</summary>
    public const int DefaultPort = 35963;

    private const int CloneNewNet = 0x40000000;

    /// <param name="time">Clock for the retry pauses and the deadline (vpcd may not listen yet right after pcscd starts).</param>
    public static Task<Socket> ConnectAsync(int port, string? networkNamespacePath = null, TimeSpan? timeout = null, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var completion = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                if (networkNamespacePath is not null)
                {
                    using var ns = File.OpenHandle(networkNamespacePath);
                    if (setns((int)ns.DangerousGetHandle(), CloneNewNet) != 0)
                    {
                        throw new IOException($"setns {networkNamespacePath} failed (errno {Marshal.GetLastPInvokeError()}); joining a network namespace needs CAP_SYS_ADMIN.");
                    }
                }

                completion.TrySetResult(ConnectWithRetry(port, timeout ?? TimeSpan.FromSeconds(5), time));
            }
            catch (Exception ex)
            {
                completion.TrySetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = "vpcd-connect",
        };
        thread.Start();
        return completion.Task;
    }

    private static Socket ConnectWithRetry(int port, TimeSpan timeout, TimeProvider time)
    {
        var started = time.GetTimestamp();
        while (true)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
                return socket;
            }
            catch (SocketException) when (time.GetElapsedTime(started) < timeout)
            {
                socket.Dispose();
                Task.Delay(TimeSpan.FromMilliseconds(50), time).Wait();
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setns(int fd, int nstype);
}
