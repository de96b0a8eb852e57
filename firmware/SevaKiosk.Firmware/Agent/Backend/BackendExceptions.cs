namespace SevaKiosk.Firmware.Agent.Backend;

/// <summary>The request was never sent (no connection before its deadline): it certainly had no effect.</summary>
public sealed class BackendUnavailableException : Exception
{
    public BackendUnavailableException()
        : base("The backend request could not be sent before its deadline.")
    {
    }

    public BackendUnavailableException(string message)
        : base(message)
    {
    }

    public BackendUnavailableException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>The request was sent but no answer arrived before its deadline: its effect is unknown.</summary>
public sealed class BackendTimeoutException : Exception
{
    public BackendTimeoutException()
        : base("The backend did not answer before the deadline.")
    {
    }

    public BackendTimeoutException(string message)
        : base(message)
    {
    }

    public BackendTimeoutException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
