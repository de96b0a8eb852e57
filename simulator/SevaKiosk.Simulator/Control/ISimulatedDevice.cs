using System.Text.Json;
using System.Text.Json.Nodes;

namespace SevaKiosk.Simulator.Control;

/// <summary>
/// A virtual device that speaks its real wire protocol on a byte stream and is driven by JSON control commands
/// (the same commands whether it runs in-process in a test or behind <c>sevakiosk-sim device ...</c>).
/// </summary>
public interface ISimulatedDevice : IAsyncDisposable
{
    /// <summary>Device kind for the JSON output, for example <c>validator</c>.</summary>
    string Kind { get; }

    /// <summary>Identity printed on the first output line (protocol, serial, channels ...).</summary>
    JsonObject Describe();

    /// <summary>Serves the wire protocol on <paramref name="link"/> until cancelled or the link ends.</summary>
    Task RunAsync(Stream link, CancellationToken cancellationToken);

    /// <summary>
    /// Applies one control command, for example <c>{"insert":500}</c>. Returns an optional reply object.
    /// </summary>
    /// <exception cref="SimulatorControlException">The command is malformed or not known to this device.</exception>
    JsonObject? Apply(JsonElement command);

    /// <summary>Something happened on the device (note stacked, poll received, power cycled ...).</summary>
    event Action<JsonObject>? EventOccurred;
}

/// <summary>A control command the device cannot apply; the message says why and is printed as <c>{"error":...}</c>.</summary>
public sealed class SimulatorControlException : Exception
{
    public SimulatorControlException()
    {
    }

    public SimulatorControlException(string message)
        : base(message)
    {
    }

    public SimulatorControlException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
