namespace SevaKiosk.Tools.Provision;

/// <summary>The serial devices a kiosk has a port for, as named in the machine card and configuration.</summary>
internal enum DeviceRole
{
    Validator,
    Printer,
    CardReader,
}

/// <summary>Where a port in the map came from, so the machine card can say how far to trust it.</summary>
internal enum PortSource
{
    /// <summary>Found under <c>/dev/serial/by-id</c> on the machine itself.</summary>
    Discovered,

    /// <summary>Given on the command line.</summary>
    Override,

    /// <summary>Nothing recognisable was plugged in: the vendor's reference-harness name for this protocol.</summary>
    VendorDefault,

    /// <summary><c>--simulated-devices</c>: no port, the firmware runs its simulated device.</summary>
    Simulated,

    /// <summary>An optional device that is not fitted.</summary>
    NotFitted,
}
