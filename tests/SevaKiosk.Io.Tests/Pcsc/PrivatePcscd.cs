using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using SevaKiosk.Hal.CardReaders.Pcsc;
using SevaKiosk.Simulator.Devices.CardReaders.SmartCards;

namespace SevaKiosk.Io.Tests.Pcsc;

/// <summary>
/// A real pcscd (pcsc-lite) with the vsmartcard vpcd driver, private to this test run. pcscd has no option for its
/// socket path (it is compiled in as /run/pcscd/pcscd.comm), so it runs in its own mount namespace with a temporary
/// directory bound over /run/pcscd, and in its own network namespace so that vpcd's listening port exists only there.
/// The client library is pointed at the socket with PCSCLITE_CSOCK_NAME; the simulated card joins the namespace to
/// connect. `timeout -s KILL` bounds the daemon's life even if this process dies, and unshare's --kill-child takes
/// pcscd down with it. Needs root (CI runs as root) and the Debian packages pcscd, vsmartcard-vpcd and iproute2.
/// </summary>
public sealed class PrivatePcscd : IAsyncLifetime
{
    private const string VpcdDriver = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"sevakiosk-pcscd-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
    private Process? _process;

    public string SocketPath => Path.Combine(_directory, "run", "pcscd.comm");

    public string NetworkNamespace { get; private set; } = string.Empty;

    /// <summary>vpcd's first slot, where <see cref="InsertAsync"/> puts cards.</summary>
    public const string ReaderName = "SevaKiosk Virtual PCD 00 00";

    public string Log => File.Exists(LogPath) ? File.ReadAllText(LogPath) : string.Empty;

    private string LogPath => Path.Combine(_directory, "pcscd.log");

    public async Task InitializeAsync()
    {
        foreach (var required in new[] { "/usr/sbin/pcscd", VpcdDriver, "/usr/bin/unshare" })
        {
            if (!File.Exists(required))
            {
                throw new InvalidOperationException($"{required} is missing: install the Debian packages in scripts/apt-packages.txt (pcscd, vsmartcard-vpcd).");
            }
        }

        var conf = Directory.CreateDirectory(Path.Combine(_directory, "reader.conf.d")).FullName;
        var run = Directory.CreateDirectory(Path.Combine(_directory, "run")).FullName;
        await File.WriteAllTextAsync(Path.Combine(conf, "vpcd"), string.Create(CultureInfo.InvariantCulture, $"""
            FRIENDLYNAME "SevaKiosk Virtual PCD"
            DEVICENAME   /dev/null:0x{VpcdConnection.DefaultPort:X4}
            LIBPATH      {VpcdDriver}
            CHANNELID    0x{VpcdConnection.DefaultPort:X4}

            """));

        var script = $"ip link set lo up && mount -t tmpfs tmpfs /run && mkdir -p /run/pcscd && mount --bind '{run}' /run/pcscd && exec /usr/sbin/pcscd --foreground --info -c '{conf}' > '{LogPath}' 2>&1";
        var start = new ProcessStartInfo("timeout") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "-s", "KILL", "3600", "unshare", "--mount", "--net", "--fork", "--kill-child=SIGKILL", "sh", "-c", script })
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("Could not start unshare/pcscd.");
        var pidFile = Path.Combine(run, "pcscd.pid");
        var deadline = Environment.TickCount64 + 10_000;
        while (!(File.Exists(SocketPath) && File.Exists(pidFile) && (await File.ReadAllTextAsync(pidFile)).Trim().Length > 0))
        {
            if (_process.HasExited || Environment.TickCount64 > deadline)
            {
                var stderr = await _process.StandardError.ReadToEndAsync();
                throw new InvalidOperationException($"Private pcscd did not start (exit {(_process.HasExited ? _process.ExitCode : -1)}): {stderr} {Log}");
            }

            await Task.Delay(50);
        }

        var pid = int.Parse((await File.ReadAllTextAsync(pidFile)).Trim(), CultureInfo.InvariantCulture);
        NetworkNamespace = $"/proc/{pid}/ns/net";
        PcscContext.UseSocket(SocketPath);
    }

    /// <summary>Inserts a card: connects it to vpcd (inside pcscd's network namespace) and serves it until removed.</summary>
    public async Task<InsertedCard> InsertAsync(SimulatedCitizenSmartCard card)
    {
        var socket = await VpcdConnection.ConnectAsync(VpcdConnection.DefaultPort, NetworkNamespace);
        return new InsertedCard(card, socket, ReaderName);
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A socket file left by a killed daemon is removed with the directory on the next run of tmp cleaning.
        }
    }

    /// <summary>A card in the virtual reader; disposing it pulls the card out.</summary>
    public sealed class InsertedCard : IAsyncDisposable
    {
        private readonly Socket _socket;
        private readonly NetworkStream _stream;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _serving;
        private readonly string _reader;

        internal InsertedCard(SimulatedCitizenSmartCard card, Socket socket, string reader)
        {
            _reader = reader;
            _socket = socket;
            _stream = new NetworkStream(socket, ownsSocket: true);
            _serving = Task.Run(() => card.RunAsync(_stream, _stop.Token));
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _socket.Shutdown(SocketShutdown.Both);
            await _stream.DisposeAsync();
            try
            {
                await _serving;
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
            {
            }

            _stop.Dispose();

            // vpcd notices a card that went away only at pcscd's next presence poll; wait for it, so that the next
            // test does not see this card still "present" and talk to a closed connection.
            using var context = PcscContext.Establish();
            var deadline = Environment.TickCount64 + 5000;
            var state = context.WaitForChange(_reader, null, TimeSpan.Zero);
            while (state is { Present: true } && Environment.TickCount64 < deadline)
            {
                state = context.WaitForChange(_reader, state, TimeSpan.FromMilliseconds(500)) ?? state;
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PcscCollection : ICollectionFixture<PrivatePcscd>
{
    public const string Name = "private pcscd";
}
