namespace SevaKiosk.Hal.Devices;

/// <summary>
/// The one state vocabulary every device shares (after CEN XFS4IoT Common.Status.device), so the operator screen,
/// telemetry and the transaction engine read every device the same way.
/// </summary>
public enum DeviceState
{
    /// <summary>Connected and working.</summary>
    Online,

    /// <summary>Configured but not answering (unplugged, silent, link down).</summary>
    Offline,

    /// <summary>Known to be without power (for example its relay is open).</summary>
    PowerOff,

    /// <summary>Not fitted or not configured on this machine.</summary>
    NoDevice,

    /// <summary>Answering, but a hardware fault stops it working.</summary>
    HardwareError,

    /// <summary>Needs a person to act (paper out, cover open, cash box removed).</summary>
    UserError,

    /// <summary>Working on something that blocks new requests (initialising, resetting).</summary>
    Busy,

    /// <summary>The device reported tampering.</summary>
    FraudAttempt,
}

/// <summary>The device classes of a kiosk.</summary>
public enum DeviceClass
{
    CashAcceptor,
    Printer,
    CardReader,
    IoBoard,
    EnvironmentSensor,
}
