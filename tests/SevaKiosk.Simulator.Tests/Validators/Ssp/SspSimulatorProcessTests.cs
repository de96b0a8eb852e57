using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using SevaKiosk.Hal.Links;
using SevaKiosk.Protocol.Ssp;

namespace SevaKiosk.Simulator.Tests.Validators.Ssp;

/// <summary>The real <c>sevakiosk-sim</c> process on a real pseudo-terminal, opened by path like a serial port.</summary>
public class SspSimulatorProcessTests
{
    [Fact]
    public async Task Sevakiosk_sim_serves_ssp_on_a_pty_and_a_note_inserted_through_stdin_shows_up_on_the_wire()
    {
        await using var sim = SimulatorProcess.Start("device", "validator", "--protocol", "ssp", "--pty");
        var first = await sim.NextLineAsync();
        Assert.Equal("validator", (string)first["device"]!);
        var port = (string)first["port"]!;
        Assert.StartsWith("/dev/pts/", port, StringComparison.Ordinal);

        await using var link = await new SerialPortLinkFactory(port, SerialSettings.Ssp).OpenAsync(CancellationToken.None);
        using var host = new SspTestHost(link);
        Assert.Equal("7F8001F02380", Convert.ToHexString((await host.SyncAsync()).Wire));
        Assert.True((await host.SendAsync(SspCommands.SetInhibits([1, 2, 3, 4, 5, 6]))).IsOk);
        Assert.True((await host.SendAsync(SspCommand.Enable)).IsOk);
        Assert.Contains("SLAVE_RESET", await host.PollAsync());

        await sim.WriteLineAsync("""{"insert":100}""");
        var reply = await sim.NextLineAsync(line => line.ContainsKey("ok"));
        Assert.True((bool)reply["taken"]!);

        var seen = new List<string>();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!seen.Contains("READ(4)") && DateTime.UtcNow < deadline)
        {
            seen.AddRange(await host.PollAsync());
            await Task.Delay(100);
        }

        // READ(0) ("reading") lasts only while the note is read; a poll that comes late on a loaded machine sees only
        // the escrow report, which is what carries the channel.
        Assert.Contains("READ(4)", seen);
        Assert.DoesNotContain(seen, e => e.StartsWith("READ(", StringComparison.Ordinal) && e is not ("READ(0)" or "READ(4)"));
        Assert.Equal("note-escrowed", (string)(await sim.NextLineAsync(line => line.ContainsKey("event")))["event"]!);
    }

    /// <summary>Runs the built <c>sevakiosk-sim</c> with <c>dotnet</c> and reads its JSON lines.</summary>
    private sealed class SimulatorProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly BlockingCollection<string> _lines = [];

        private SimulatorProcess(Process process)
        {
            _process = process;
            _process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null)
                {
                    _lines.CompleteAdding();
                }
                else if (!_lines.IsAddingCompleted)
                {
                    _lines.Add(e.Data);
                }
            };
            _process.BeginOutputReadLine();
        }

        public static SimulatorProcess Start(params string[] args)
        {
            var info = new ProcessStartInfo("dotnet")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            info.ArgumentList.Add(FindSimulatorDll());
            foreach (var arg in args)
            {
                info.ArgumentList.Add(arg);
            }

            return new SimulatorProcess(Process.Start(info)!);
        }

        public async Task WriteLineAsync(string line)
        {
            await _process.StandardInput.WriteLineAsync(line);
            await _process.StandardInput.FlushAsync();
        }

        public Task<JsonObject> NextLineAsync(Func<JsonObject, bool>? match = null) => Task.Run(() =>
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (true)
            {
                var line = JsonNode.Parse(_lines.Take(timeout.Token))!.AsObject();
                if (match is null || match(line))
                {
                    return line;
                }
            }
        });

        public async ValueTask DisposeAsync()
        {
            // Closing stdin ends the session cleanly; kill only if it does not.
            _process.StandardInput.Close();
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(exit.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.Dispose();
            _lines.Dispose();
        }

        /// <summary>The CLI's build output, same configuration as this test assembly (the test project builds it first).</summary>
        private static string FindSimulatorDll()
        {
            var testDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var framework = testDir.Name;
            var configuration = testDir.Parent!.Name;
            var root = testDir;
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "SevaKiosk.slnx")))
            {
                root = root.Parent;
            }

            Assert.NotNull(root);
            var dll = Path.Combine(root.FullName, "simulator", "SevaKiosk.Simulator.Cli", "bin", configuration, framework, "sevakiosk-sim.dll");
            Assert.True(File.Exists(dll), $"{dll} is missing: build simulator/SevaKiosk.Simulator.Cli.");
            return dll;
        }
    }
}
