using System.Diagnostics;
using System.Globalization;
using System.Text;
using SevaKiosk.Firmware.Updates.Bundles;
using SevaKiosk.Firmware.Updates.Slots;

namespace SevaKiosk.Tools.Bundle;

/// <summary>
/// The same payload as a Debian package (<c>dpkg-deb --build</c>), for machines installed from an image or apt: the
/// firmware goes into slot a with both pointers on it, the system files where <c>kioskctl flash</c> puts them (as
/// conffiles), and postinst creates the user, applies tmpfiles and udev rules and enables the unit. Over-the-air
/// updates then work as on a flashed machine; a later <c>dpkg -i</c> rewrites slot a, so a machine is updated either
/// by packages or over the air, not both.
/// </summary>
internal static class DebPackage
{
    public const string PackageName = "sevakiosk";

    public static async Task BuildAsync(string payload, BundleManifest manifest, string tree, string debPath, CancellationToken cancellationToken)
    {
        if (Directory.Exists(tree))
        {
            Directory.Delete(tree, recursive: true);
        }

        var layout = SlotLayout.ForTargetRoot(tree);
        var slot = layout.SlotDirectory("a");
        CopyTree(payload, slot);
        File.CreateSymbolicLink(layout.CurrentLink, "slots/a");
        File.CreateSymbolicLink(layout.CommittedLink, "slots/a");
        foreach (var (inSlot, inTarget) in SystemFiles.Placement)
        {
            var destination = Path.Combine(tree, inTarget);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(Path.Combine(slot, inSlot), destination);
        }

        var control = Path.Combine(tree, "DEBIAN");
        Directory.CreateDirectory(control);
        var installedKiB = Directory.EnumerateFiles(tree, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) / 1024;
        await File.WriteAllTextAsync(Path.Combine(control, "control"), Control(manifest, installedKiB), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(control, "conffiles"), string.Concat(SystemFiles.Placement.Select(p => "/" + p.InTarget + "\n")), cancellationToken).ConfigureAwait(false);
        await WriteScriptAsync(Path.Combine(control, "postinst"), PostInst, cancellationToken).ConfigureAwait(false);
        await WriteScriptAsync(Path.Combine(control, "prerm"), PreRm, cancellationToken).ConfigureAwait(false);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(control, BundleWriterModes.Directory);
        }

        await RunAsync("dpkg-deb", ["--root-owner-group", "-Zgzip", "--build", tree, debPath], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Debian's name for the RID's architecture.</summary>
    public static string Architecture(string rid) => rid switch
    {
        "linux-arm64" => "arm64",
        "linux-x64" => "amd64",
        _ => throw new ArgumentException($"no Debian architecture for {rid}", nameof(rid)),
    };

    /// <summary>A Debian version from the firmware version: starts with a digit, only <c>A-Za-z0-9.+~-</c>.</summary>
    public static string DebianVersion(string version)
    {
        var text = new StringBuilder();
        foreach (var c in version)
        {
            text.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '+' or '~' or '-' ? c : '~');
        }

        return text.Length > 0 && char.IsAsciiDigit(text[0]) ? text.ToString() : "0~" + text;
    }

    private static string Control(BundleManifest manifest, long installedKiB) => string.Create(CultureInfo.InvariantCulture, $"""
        Package: {PackageName}
        Version: {DebianVersion(manifest.Version)}
        Architecture: {Architecture(manifest.Rid)}
        Maintainer: SevaKiosk firmware <firmware@sevakiosk.invalid>
        Installed-Size: {installedKiB}
        Depends: libc6, libstdc++6, libssl3 | libssl3t64, libicu72 | libicu74 | libicu76 | libicu70, libfontconfig1, libfreetype6
        Section: misc
        Priority: optional
        Description: SevaKiosk citizen-service kiosk firmware
         Cash bill payment with a power-cut-safe journal and bilingual receipts, self-contained
         .NET build for {manifest.Rid}, in an A/B slot layout under /opt/sevakiosk for signed
         over-the-air updates with rollback.

        """);

    private const string PostInst = """
        #!/bin/sh
        set -e
        if [ "$1" = configure ]; then
            if command -v systemd-sysusers >/dev/null; then systemd-sysusers /etc/sysusers.d/sevakiosk.conf; fi
            if command -v systemd-tmpfiles >/dev/null; then systemd-tmpfiles --create /etc/tmpfiles.d/sevakiosk.conf || true; fi
            if command -v udevadm >/dev/null; then udevadm control --reload-rules || true; udevadm trigger --subsystem-match=tty || true; fi
            if [ -d /run/systemd/system ]; then systemctl daemon-reload; systemctl enable sevakiosk.service; fi
        fi

        """;

    private const string PreRm = """
        #!/bin/sh
        set -e
        if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
            systemctl disable --now sevakiosk.service || true
        fi

        """;

    private static async Task WriteScriptAsync(string path, string text, CancellationToken ct)
    {
        await File.WriteAllTextAsync(path, text.ReplaceLineEndings("\n"), ct).ConfigureAwait(false);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, BundleWriterModes.Directory);
        }
    }

    private static void CopyTree(string from, string to)
    {
        foreach (var directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        }

        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken ct)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"{program} is not installed (Debian package dpkg): {ex.Message}", ex);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync(ct);
            var error = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{program} failed (exit {process.ExitCode}): {await error.ConfigureAwait(false)}{await output.ConfigureAwait(false)}");
            }
        }
    }
}

/// <summary>rwxr-xr-x, for the package's control folder and maintainer scripts.</summary>
internal static class BundleWriterModes
{
    public const UnixFileMode Directory =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
}
