using System.Globalization;
using System.Text.Json.Nodes;

namespace SevaKiosk.Crash.Tests.Infrastructure;

/// <summary>
/// <c>sevakiosk-sim device validator --protocol ssp --pty</c> as its own process: the validator keeps its note path,
/// timers and counters while the firmware dies and restarts, as a real one on its own power supply would. Short
/// mechanical timings keep a session to about a second of note handling.
/// </summary>
internal sealed class ValidatorProcess : IAsyncDisposable
{
    public const string Channels = "10,20,50,100,200,500,2000";

    /// <summary>About a tenth of the NV200-like defaults; the 10 s escrow timeout stays as GA138 has it.</summary>
    public const string Timings = "reading=60,credit=40,stacking=100,rejecting=60,boot=100";

    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(30);
    private readonly ChildProcess _process;
    private readonly SemaphoreSlim _commands = new(1, 1);

    private ValidatorProcess(ChildProcess process, string port)
    {
        _process = process;
        Port = port;
    }

    /// <summary>The pty the firmware opens as its validator port.</summary>
    public string Port { get; }

    public static async Task<ValidatorProcess> StartAsync()
    {
        var process = ChildProcess.Start("sevakiosk-sim.dll", ["device", "validator", "--protocol", "ssp", "--pty", "--channels", Channels, "--timings", Timings]);
        try
        {
            var first = await process.WaitForStdoutAsync(line => line.Contains("\"port\"", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
            return new ValidatorProcess(process, (string)JsonNode.Parse(first)!["port"]!);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>Offers a note at the bezel; false when the device would not take it now (disabled, busy ...).</summary>
    public async Task<bool> InsertAsync(long value)
    {
        var reply = await CommandAsync($$"""{"insert":{{value.ToString(CultureInfo.InvariantCulture)}}}""");
        return (bool)reply["taken"]!;
    }

    /// <summary>The device's own view: note in the path, counters, notes in the cash box.</summary>
    public async Task<JsonObject> StatusAsync() => (await CommandAsync("""{"status":true}"""))["status"]!.AsObject();

    /// <summary>Stdout line index to look for events after.</summary>
    public int Mark => _process.StdoutCount;

    /// <summary>Device events (<c>note-stacked</c>, <c>note-returned</c> ...) printed so far, in order.</summary>
    public IReadOnlyList<JsonObject> Events(params string[] names) =>
        [.. _process.Stdout.Select(Parse).OfType<JsonObject>().Where(e => e["event"] is { } name && names.Contains((string)name!))];

    /// <summary>Waits for the note offered after <paramref name="mark"/> to leave the path: stacked, handed back or refused.</summary>
    public Task WaitSettledAsync(int mark, TimeSpan timeout, CancellationToken cancellationToken) => _process.WaitForStdoutAsync(
        line => Parse(line)?["event"] is { } e && (string)e! is "note-stacked" or "note-returned" or "note-rejected" or "fraud-attempt",
        timeout,
        mark,
        cancellationToken);

    public string Transcript() => _process.Transcript(60);

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        _commands.Dispose();
    }

    /// <summary>One control line and its reply (replies carry "ok", events never do; one command at a time).</summary>
    private async Task<JsonObject> CommandAsync(string line)
    {
        await _commands.WaitAsync();
        try
        {
            var mark = _process.StdoutCount;
            await _process.WriteLineAsync(line);
            var reply = Parse(await _process.WaitForStdoutAsync(l => Parse(l) is { } json && json.ContainsKey("ok") && !json.ContainsKey("event"), ReplyTimeout, mark))!;
            return (bool)reply["ok"]! ? reply : throw new InvalidOperationException($"The validator simulator refused {line}: {reply.ToJsonString()}");
        }
        finally
        {
            _commands.Release();
        }
    }

    private static JsonObject? Parse(string line)
    {
        try
        {
            return JsonNode.Parse(line) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
