using System.Reflection;

namespace SevaKiosk.Tools.Bundle;

/// <summary>
/// The operating-system files a bundle carries in its <c>system/</c> folder and where they go in a target root. One
/// table for <c>kioskctl flash</c> and the <c>.deb</c>, so both install the same files in the same places.
/// </summary>
internal static class SystemFiles
{
    /// <summary>The folder inside a slot.</summary>
    public const string Folder = "system";

    public const string Unit = "sevakiosk.service";

    /// <summary>Slot-relative file → target-root-relative path.</summary>
    public static IReadOnlyList<(string InSlot, string InTarget)> Placement { get; } =
    [
        ($"{Folder}/{Unit}", "etc/systemd/system/sevakiosk.service"),
        ($"{Folder}/sevakiosk-fallback.service", "etc/systemd/system/sevakiosk-fallback.service"),
        ($"{Folder}/60-sevakiosk.rules", "etc/udev/rules.d/60-sevakiosk.rules"),
        ($"{Folder}/sevakiosk.sysusers.conf", "etc/sysusers.d/sevakiosk.conf"),
        ($"{Folder}/sevakiosk.tmpfiles.conf", "etc/tmpfiles.d/sevakiosk.conf"),
    ];

    /// <summary>What <c>systemctl enable sevakiosk</c> creates, so a flashed card starts the kiosk at first boot.</summary>
    public const string EnableLink = "etc/systemd/system/multi-user.target.wants/sevakiosk.service";

    public const string EnableLinkTarget = "/etc/systemd/system/sevakiosk.service";

    /// <summary>Where the machine's configuration goes (the unit's <c>--config</c>).</summary>
    public const string ConfigInTarget = "etc/sevakiosk/kiosk.json";

    /// <summary>Writes the files kioskctl carries (all but the unit, which comes from the firmware host project) into <paramref name="systemDirectory"/>.</summary>
    public static void WriteEmbedded(string systemDirectory)
    {
        Directory.CreateDirectory(systemDirectory);
        var assembly = typeof(SystemFiles).Assembly;
        const string prefix = "SystemFiles/";
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var resource = assembly.GetManifestResourceStream(name)!;
            using var file = File.Create(Path.Combine(systemDirectory, name[prefix.Length..]));
            resource.CopyTo(file);
        }
    }

    /// <summary>The embedded file names (for checks).</summary>
    public static IEnumerable<string> EmbeddedNames(Assembly? assembly = null) =>
        (assembly ?? typeof(SystemFiles).Assembly).GetManifestResourceNames().Where(n => n.StartsWith("SystemFiles/", StringComparison.Ordinal));
}
