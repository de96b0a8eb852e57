namespace SevaKiosk.Firmware.Agent.Connection;

public enum ConnectionState
{
    /// <summary>Not started, or stopped.</summary>
    Stopped,

    /// <summary>Waiting before the next attempt (<see cref="ConnectionStateChangedEventArgs.Delay"/>).</summary>
    Waiting,

    Connecting,

    /// <summary>Connected, subscribed and birth published: publishing is possible.</summary>
    Connected,
}

public sealed class ConnectionStateChangedEventArgs(ConnectionState state, TimeSpan delay, string? reason, int epoch) : EventArgs
{
    public ConnectionState State { get; } = state;

    /// <summary>For <see cref="ConnectionState.Waiting"/>: how long until the next attempt.</summary>
    public TimeSpan Delay { get; } = delay;

    /// <summary>Why the previous connection ended or the attempt failed, when known (never contains secrets).</summary>
    public string? Reason { get; } = reason;

    /// <summary>Counts successful connections since start; a new epoch means everything unacknowledged is re-sent.</summary>
    public int Epoch { get; } = epoch;
}

/// <summary>Thrown by a publish or request while the agent has no connection.</summary>
public sealed class AgentNotConnectedException : Exception
{
    public AgentNotConnectedException()
        : base("The MQTT agent is not connected.")
    {
    }

    public AgentNotConnectedException(string message)
        : base(message)
    {
    }

    public AgentNotConnectedException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
