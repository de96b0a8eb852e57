using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace SevaKiosk.Crash.Tests.Infrastructure;

/// <summary>
/// One of the real executables built beside the tests (<c>sevakiosk.dll</c>, <c>sevakiosk-sim.dll</c>) run as a child
/// process, with every stdout and stderr line kept so a test can wait for a line and print the lot when it fails.
/// Killed (with its children) on dispose, so nothing outlives the test.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];
    private readonly Lock _gate = new();
    private readonly Task _pumps;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(Process process, string name)
    {
        _process = process;
        Name = name;
        _pumps = Task.WhenAll(PumpAsync(process.StandardOutput, _stdout), PumpAsync(process.StandardError, _stderr));
        Exited = process.WaitForExitAsync();
    }

    /// <summary>Completes when the process has ended (killed or not).</summary>
    public Task Exited { get; }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <param name="dll">File name of the program beside the tests, for example <c>sevakiosk.dll</c>.</param>
    /// <param name="environment">Variables to set; a null value removes one inherited from the test run.</param>
    public static ChildProcess Start(string dll, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var dotnet = Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, dll));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // Fault injection is opted into per process, never inherited from whoever runs the tests.
        info.Environment.Remove("SEVAFAULT_TRACE_COMMITS");
        info.Environment.Remove("SEVAFAULT_KILL_AFTER_COMMIT");
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                info.Environment.Remove(key);
            }
            else
            {
                info.Environment[key] = value;
            }
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"{dll} did not start");
        return new ChildProcess(process, Path.GetFileNameWithoutExtension(dll) + " " + string.Join(' ', arguments.Take(3)));
    }

    public int StdoutCount
    {
        get
        {
            lock (_gate)
            {
                return _stdout.Count;
            }
        }
    }

    public IReadOnlyList<string> Stdout => Snapshot(_stdout);

    public IReadOnlyList<string> Stderr => Snapshot(_stderr);

    /// <summary>Waits for a stdout line (from line index <paramref name="from"/> on) that matches.</summary>
    public Task<string> WaitForStdoutAsync(Func<string, bool> match, TimeSpan timeout, int from = 0, CancellationToken cancellationToken = default) =>
        WaitForAsync(_stdout, match, timeout, from, "stdout", cancellationToken);

    public Task<string> WaitForStderrAsync(Func<string, bool> match, TimeSpan timeout, int from = 0, CancellationToken cancellationToken = default) =>
        WaitForAsync(_stderr, match, timeout, from, "stderr", cancellationToken);

    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line).ConfigureAwait(false);
        await _process.StandardInput.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>Waits for the process to end and for its output to be read to the last line.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            await _pumps.WaitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} did not exit within {timeout}.\n{Transcript()}");
        }

        return _process.ExitCode;
    }

    /// <summary>SIGTERM: the orderly stop systemd would ask for (the host disposes the runtime, the journal closes last).</summary>
    public async Task TerminateAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false })!;
        await kill.WaitForExitAsync().ConfigureAwait(false);
    }

    /// <summary>Everything the process printed, for a failure message.</summary>
    public string Transcript(int lastLines = 200)
    {
        var stdout = Stdout;
        var stderr = Stderr;
        return $"--- {Name} stdout ---\n{string.Join('\n', stdout.TakeLast(lastLines))}\n--- {Name} stderr ---\n{string.Join('\n', stderr.TakeLast(lastLines))}";
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync().ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        await _pumps.ConfigureAwait(false);
        _process.Dispose();
    }

    private async Task<string> WaitForAsync(List<string> lines, Func<string, bool> match, TimeSpan timeout, int from, string stream, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        var next = from;
        while (true)
        {
            // Read before the scan: output that ended before it cannot hold a line the scan missed.
            var ended = _pumps.IsCompleted;
            Task changed;
            lock (_gate)
            {
                for (; next < lines.Count; next++)
                {
                    if (match(lines[next]))
                    {
                        return lines[next];
                    }
                }

                changed = _changed.Task;
            }

            if (ended)
            {
                throw new InvalidOperationException($"{Name} ended (exit {(_process.HasExited ? _process.ExitCode : -1)}) without the awaited {stream} line.\n{Transcript()}");
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"{Name}: no matching {stream} line within {timeout}.\n{Transcript()}");
            }

            cancellationToken.ThrowIfCancellationRequested();
            await Task.WhenAny(changed, Task.Delay(left, cancellationToken)).ConfigureAwait(false);
        }
    }

    private async Task PumpAsync(StreamReader reader, List<string> lines)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            lock (_gate)
            {
                lines.Add(line);
                Pulse();
            }
        }

        lock (_gate)
        {
            Pulse();
        }
    }

    private void Pulse()
    {
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }

    private List<string> Snapshot(List<string> lines)
    {
        lock (_gate)
        {
            return [.. lines];
        }
    }
}
