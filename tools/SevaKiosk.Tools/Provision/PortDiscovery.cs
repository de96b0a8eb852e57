namespace SevaKiosk.Tools.Provision;

/// <summary>One entry of <c>/dev/serial/by-id</c>: its stable path on the machine and the tty it points at now.</summary>
internal sealed record SerialLink(string Name, string Path, string? Device)
{
    public SerialDeviceKind Kind { get; } = SerialDeviceCatalog.Classify(Name);
}

/// <summary>Reads the stable serial names udev made, under a system root (<c>/</c> on the machine, a fake tree in tests).</summary>
internal static class PortDiscovery
{
    public static IReadOnlyList<SerialLink> Read(string sysroot)
    {
        var directory = new DirectoryInfo(Path.Combine(sysroot, VendorDefaults.ByIdDirectory.TrimStart('/')));
        if (!directory.Exists)
        {
            // No USB-serial device at all (udev removes the directory with the last one), or not run on a machine.
            return [];
        }

        return
        [
            .. directory.EnumerateFileSystemInfos()
                .OrderBy(e => e.Name, StringComparer.Ordinal)
                .Select(e => new SerialLink(e.Name, $"{VendorDefaults.ByIdDirectory}/{e.Name}", e.LinkTarget is { } target ? System.IO.Path.GetFileName(target) : null)),
        ];
    }
}
