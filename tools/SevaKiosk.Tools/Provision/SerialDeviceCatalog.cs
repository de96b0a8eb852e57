namespace SevaKiosk.Tools.Provision;

/// <summary>What a <c>/dev/serial/by-id</c> name says about the device behind it.</summary>
/// <param name="Role">The kiosk device it is, or null for a bare USB-serial bridge whose far end is unknown.</param>
/// <param name="Protocol">For validators: the wire protocol that maker's devices speak.</param>
internal sealed record SerialDeviceKind(DeviceRole? Role, string? Protocol, string Description);

/// <summary>
/// Recognises kiosk devices from their by-id names. udev builds the name as
/// <c>usb-&lt;manufacturer&gt;_&lt;product&gt;_&lt;serial&gt;-if&lt;NN&gt;[-port&lt;N&gt;]</c> from the USB string
/// descriptors (spaces become underscores), so a device that reports its maker is recognised by it. A device behind a
/// plain USB-serial bridge (FTDI, CP210x, CH340, PL2303) shows only the bridge; those are listed for the technician
/// but never given a role by guesswork: a validator port pointed at the printer would refuse cash all day.
/// </summary>
internal static class SerialDeviceCatalog
{
    private static readonly (string Marker, SerialDeviceKind Kind)[] Known =
    [
        // ITL validators enumerate as CDC-ACM under their own name (NV200 on /dev/ttyACM0 in kassomat-payout logs).
        ("Innovative_Technology", new(DeviceRole.Validator, "ssp", "ITL validator (SSP)")),
        ("_NV200", new(DeviceRole.Validator, "ssp", "ITL NV200 (SSP)")),
        ("_NV9", new(DeviceRole.Validator, "ssp", "ITL NV9 (SSP)")),
        ("_NV10", new(DeviceRole.Validator, "ssp", "ITL NV10 (SSP)")),
        ("_NV11", new(DeviceRole.Validator, "ssp", "ITL NV11 (SSP)")),
        ("SMART_Payout", new(DeviceRole.Validator, "ssp", "ITL SMART Payout (SSP)")),
        ("_JCM", new(DeviceRole.Validator, "id003", "JCM validator (ID-003)")),
        ("iVIZION", new(DeviceRole.Validator, "id003", "JCM iVIZION (ID-003)")),
        ("Japan_Cash_Machine", new(DeviceRole.Validator, "id003", "JCM validator (ID-003)")),
        ("ccTalk", new(DeviceRole.Validator, "cctalk", "ccTalk interface")),
        ("Money_Controls", new(DeviceRole.Validator, "cctalk", "Money Controls (ccTalk)")),
        ("Crane_Payment", new(DeviceRole.Validator, "cctalk", "Crane Payment Innovations (ccTalk)")),
        ("PN532", new(DeviceRole.CardReader, null, "PN532 contactless reader (HSU)")),
        ("Printer", new(DeviceRole.Printer, null, "receipt printer")),
        ("_POS", new(DeviceRole.Printer, null, "POS printer")),
        ("CUSTOM_Engineering", new(DeviceRole.Printer, null, "Custom kiosk printer")),
        ("EPSON", new(DeviceRole.Printer, null, "Epson printer")),
        ("Xprinter", new(DeviceRole.Printer, null, "Xprinter")),
        ("SNBC", new(DeviceRole.Printer, null, "SNBC printer")),
        ("FTDI", new(null, null, "FTDI USB-serial bridge")),
        ("FT232", new(null, null, "FTDI USB-serial bridge")),
        ("Silicon_Labs", new(null, null, "Silicon Labs CP210x bridge")),
        ("CP210", new(null, null, "Silicon Labs CP210x bridge")),
        ("1a86", new(null, null, "WCH CH340/CH341 bridge")),
        ("QinHeng", new(null, null, "WCH CH340/CH341 bridge")),
        ("Prolific", new(null, null, "Prolific PL2303 bridge")),
    ];

    /// <summary>The first known marker in the name wins (device makers before bridge chips); unknown names get a null role.</summary>
    public static SerialDeviceKind Classify(string byIdName)
    {
        foreach (var (marker, kind) in Known)
        {
            if (byIdName.Contains(marker, StringComparison.OrdinalIgnoreCase))
            {
                return kind;
            }
        }

        return new SerialDeviceKind(null, null, "unrecognised serial device");
    }
}
