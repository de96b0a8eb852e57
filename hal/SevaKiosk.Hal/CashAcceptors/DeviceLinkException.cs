namespace SevaKiosk.Hal.CashAcceptors;

/// <summary>
/// The device did not answer (after every retransmission) or the link failed. The driver's loop catches it,
/// marks the device offline and reconnects with backoff; it never escapes to callers of the public API.
/// </summary>
public sealed class DeviceLinkException : Exception
{
    public DeviceLinkException()
    {
    }

    public DeviceLinkException(string message)
        : base(message)
    {
    }

    public DeviceLinkException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The device answered, but not in a way the protocol allows at this point (bad reply, refused init).</summary>
public sealed class DeviceProtocolException : Exception
{
    public DeviceProtocolException()
    {
    }

    public DeviceProtocolException(string message)
        : base(message)
    {
    }

    public DeviceProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
