using System.Globalization;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SevaKiosk.Protocol.Mqtt;

namespace SevaKiosk.Mqtt.Testing;

/// <summary>
/// A real Mosquitto (Debian package) for one test: a generated config on free loopback ports, a password file made with
/// mosquitto_passwd, an ACL that confines each machine to its own topics (generated from
/// <see cref="MachineTopics.Permissions"/>), optionally a TLS listener with certificates from <see cref="TestCertificates"/>.
/// No persistence, so <see cref="RestartAsync"/> loses every session and retained message. Killed on dispose.
/// </summary>
public sealed class MosquittoBroker : IAsyncDisposable
{
    public const string BackendUser = "backend";
    public const string BackendPassword = "backend-secret";

    private readonly DirectoryInfo _directory;
    private readonly string _configPath;
    private readonly StringBuilder _log = new();
    private Process? _process;

    private MosquittoBroker(DirectoryInfo directory, string configPath, int port, int? tlsPort, int? certificatePort)
    {
        _directory = directory;
        _configPath = configPath;
        Port = port;
        TlsPort = tlsPort;
        CertificatePort = certificatePort;
    }

    public int Port { get; }

    public int? TlsPort { get; }

    /// <summary>TLS listener that requires a client certificate and takes its CN as the username.</summary>
    public int? CertificatePort { get; }

    public string CertificateUrl => $"mqtts://127.0.0.1:{CertificatePort}";

    public string Url => $"mqtt://127.0.0.1:{Port}";

    public string TlsUrl => $"mqtts://127.0.0.1:{TlsPort}";

    /// <summary>What the broker printed (for failure messages).</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Password of a machine user: the machine id reversed plus a suffix (never a real secret).</summary>
    public static string PasswordOf(string machineId) => "pw-" + machineId;

    /// <param name="machines">Machine ids that get a user (username = machine id).</param>
    /// <param name="passwordFileLines">Ready-made <c>user:$7$...</c> lines appended to the password file (machines provisioned by kioskctl).</param>
    public static async Task<MosquittoBroker> StartAsync(IEnumerable<string> machines, TestCertificates? tls = null, IEnumerable<string>? passwordFileLines = null)
    {
        var directory = Directory.CreateTempSubdirectory("sevakiosk-mosquitto-");
        var users = machines.Select(m => (User: m, Password: PasswordOf(m))).Append((BackendUser, BackendPassword)).ToList();
        var passwordFile = Path.Combine(directory.FullName, "passwd");

        // One mosquitto_passwd run hashes the whole plain-text file (-U), however many machines there are.
        await File.WriteAllLinesAsync(passwordFile, users.Select(u => string.Join(':', u.Item1, u.Item2)));
        await RunToolAsync("mosquitto_passwd", "-U", passwordFile);

        if (passwordFileLines is not null)
        {
            await File.AppendAllLinesAsync(passwordFile, passwordFileLines);
        }

        var acl = new StringBuilder();
        acl.AppendLine(CultureInfo.InvariantCulture, $"user {BackendUser}").AppendLine("topic readwrite kiosk/v1/#").AppendLine();
        foreach (var permission in new MachineTopics("PLACEHOLDER").Permissions)
        {
            var access = (permission.Publish, permission.Subscribe) switch
            {
                (true, true) => "readwrite",
                (true, false) => "write",
                _ => "read",
            };
            acl.AppendLine(CultureInfo.InvariantCulture, $"pattern {access} {permission.Topic.Replace("PLACEHOLDER", "%u", StringComparison.Ordinal)}");
        }

        var aclFile = Path.Combine(directory.FullName, "acl");
        await File.WriteAllTextAsync(aclFile, acl.ToString());

        var port = FreePort();
        int? tlsPort = tls is null ? null : FreePort();
        int? certificatePort = tls is null ? null : FreePort();
        var config = new StringBuilder()
            .AppendLine("per_listener_settings false")
            .AppendLine("allow_anonymous false")
            .AppendLine(CultureInfo.InvariantCulture, $"password_file {passwordFile}")
            .AppendLine(CultureInfo.InvariantCulture, $"acl_file {aclFile}")
            .AppendLine("persistence false")
            .AppendLine("set_tcp_nodelay true")
            .AppendLine("max_queued_messages 200000")
            .AppendLine("log_dest stdout")
            .AppendLine("log_type error")
            .AppendLine("log_type warning")
            .AppendLine("log_type notice")
            .AppendLine("log_type information")
            .AppendLine(CultureInfo.InvariantCulture, $"user {Environment.UserName}")
            .AppendLine(CultureInfo.InvariantCulture, $"listener {port} 127.0.0.1");
        if (tls is not null)
        {
            config.AppendLine(CultureInfo.InvariantCulture, $"listener {tlsPort} 127.0.0.1")
                .AppendLine(CultureInfo.InvariantCulture, $"cafile {tls.CaCertificatePath}")
                .AppendLine(CultureInfo.InvariantCulture, $"certfile {tls.ServerCertificatePath}")
                .AppendLine(CultureInfo.InvariantCulture, $"keyfile {tls.ServerKeyPath}")
                .AppendLine(CultureInfo.InvariantCulture, $"listener {certificatePort} 127.0.0.1")
                .AppendLine(CultureInfo.InvariantCulture, $"cafile {tls.CaCertificatePath}")
                .AppendLine(CultureInfo.InvariantCulture, $"certfile {tls.ServerCertificatePath}")
                .AppendLine(CultureInfo.InvariantCulture, $"keyfile {tls.ServerKeyPath}")
                .AppendLine("require_certificate true")
                .AppendLine("use_identity_as_username true");
        }

        var configPath = Path.Combine(directory.FullName, "mosquitto.conf");
        await File.WriteAllTextAsync(configPath, config.ToString());
        var broker = new MosquittoBroker(directory, configPath, port, tlsPort, certificatePort);
        await broker.StartProcessAsync();
        return broker;
    }

    /// <summary>Kills the broker (every client's connection drops at once).</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>Starts it again on the same ports: without persistence it has forgotten all sessions and retained messages.</summary>
    public Task RestartAsync() => StartProcessAsync();

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the temp folder is the OS's to clean.
        }
    }

    private async Task StartProcessAsync()
    {
        var info = new ProcessStartInfo("mosquitto") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(_configPath);
        var process = Process.Start(info) ?? throw new InvalidOperationException("mosquitto did not start (is the Debian package installed?)");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"mosquitto exited with {process.ExitCode}: {Log}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(20);
            }
        }

        throw new TimeoutException("mosquitto did not open its port: " + Log);
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunToolAsync(string tool, params string[] arguments)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} failed ({process.ExitCode}): {error}");
        }
    }
}
