using System.Text.Json;
using System.Text.Json.Nodes;
using SevaKiosk.Simulator.Pty;

namespace SevaKiosk.Simulator.Control;

/// <summary>
/// Runs one simulated device on a new pseudo-terminal for <c>sevakiosk-sim device ...</c>: prints
/// <c>{"port":"/dev/pts/N",...}</c> first, then applies control commands read as JSON lines from
/// <paramref name="input"/> and prints device events as JSON lines, until the input closes or the token fires.
/// </summary>
public static class DeviceControlSession
{
    public static async Task<int> RunAsync(ISimulatedDevice device, TextReader input, TextWriter output, CancellationToken cancellationToken)
    {
        var writer = new JsonLineWriter(output);
        using var pty = PseudoTerminal.Open();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        var first = device.Describe();
        first.Insert(0, "port", pty.SlavePath);
        first.Insert(1, "device", device.Kind);
        writer.Write(first);

        device.EventOccurred += writer.Write;
        var serving = Task.Run(() => device.RunAsync(pty.Master, stop.Token), CancellationToken.None);
        try
        {
            await ApplyCommandsAsync(device, input, writer, stop.Token).ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await serving.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Normal shutdown.
            }

            device.EventOccurred -= writer.Write;
            await device.DisposeAsync().ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>Applies each JSON line; a bad line is answered with <c>{"error":...}</c> and never ends the session.</summary>
    public static async Task ApplyCommandsAsync(ISimulatedDevice device, TextReader input, JsonLineWriter writer, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var line = await input.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line is null)
            {
                return;
            }

            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            writer.Write(Apply(device, line));
        }
    }

    public static JsonObject Apply(ISimulatedDevice device, string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Error("a control command must be a JSON object", line);
            }

            var reply = device.Apply(document.RootElement) ?? [];
            if (!reply.ContainsKey("ok"))
            {
                reply.Insert(0, "ok", true);
            }

            return reply;
        }
        catch (JsonException ex)
        {
            return Error($"not JSON: {ex.Message}", line);
        }
        catch (SimulatorControlException ex)
        {
            return Error(ex.Message, line);
        }
    }

    private static JsonObject Error(string message, string line) => new() { ["ok"] = false, ["error"] = message, ["command"] = line };
}
