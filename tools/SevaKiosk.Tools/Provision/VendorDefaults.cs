using SevaKiosk.Hal.Links;

namespace SevaKiosk.Tools.Provision;

/// <summary>A validator protocol's line settings and the port the vendor's reference harness puts it on.</summary>
internal sealed record ValidatorDefaults(string Protocol, SerialSettings Serial, string Port);

/// <summary>
/// The vendor's reference harness: the by-id names its devices have when nothing else is known. They are used only when
/// discovery found nothing of the kind on the machine, and the machine card marks them so that a technician checks the
/// port with <c>kioskctl diag</c> before the machine takes cash. One table, so a vendor with another harness edits one
/// place.
/// </summary>
internal static class VendorDefaults
{
    public const string ByIdDirectory = "/dev/serial/by-id";

    public static IReadOnlyList<ValidatorDefaults> Validators { get; } =
    [
        new("ssp", SerialSettings.Ssp, $"{ByIdDirectory}/usb-Innovative_Technology_Ltd_NV200-if00"),
        new("id003", SerialSettings.Id003, $"{ByIdDirectory}/usb-JCM_iVIZION-if00-port0"),
        new("cctalk", SerialSettings.CcTalk, $"{ByIdDirectory}/usb-Money_Controls_ccTalk-if00-port0"),
    ];

    public static string PrinterPort { get; } = $"{ByIdDirectory}/usb-CUSTOM_Engineering_Printer-if00";

    public static IReadOnlyList<string> Protocols { get; } = [.. Validators.Select(v => v.Protocol)];

    public static ValidatorDefaults For(string protocol) =>
        Validators.FirstOrDefault(v => string.Equals(v.Protocol, protocol, StringComparison.Ordinal))
        ?? throw new ArgumentException($"'{protocol}' is not a validator protocol ({string.Join(", ", Protocols)}).", nameof(protocol));
}
