using System.Text.Json;
using SevaKiosk.Firmware.Updates.Bundles;
using SevaKiosk.Firmware.Updates.Ota;
using SevaKiosk.Firmware.Updates.Slots;
using SevaKiosk.Tools.Bundle;
using SevaKiosk.Tools.Terminal;

namespace SevaKiosk.Tools.Flash;

/// <summary>
/// Installs a bundle into a target root (a mounted SD card or a directory): everything is checked first (vendor key,
/// configuration, the bundle's signature and every file's hash) without writing a byte, so a refused bundle changes
/// nothing; then the payload goes into the slot that is not committed, the system files and configuration into
/// <c>etc/</c>, the vendor key is pinned, and both pointers switch to the new slot (a flash is committed at once: a
/// technician is watching, and the old slot stays as the fallback).
/// </summary>
internal static class TargetInstaller
{
    public static FlashResult Flash(FlashRequest request, StepProgress progress, TimeProvider time)
    {
        var root = Path.GetFullPath(request.TargetRoot);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"the target root {root} does not exist (mount the card first)");
        }

        var pinnedKey = Path.Combine(root, UpdateOptions.VendorKeyInTarget);
        var keyPath = request.VendorKeyPath ?? (File.Exists(pinnedKey) ? pinnedKey
            : throw new ArgumentException($"no vendor key: pass --vendor-key vendor-signing.pub.pem (a target flashed before has it pinned at {UpdateOptions.VendorKeyInTarget})"));
        using var vendorKey = BundleSignature.Load(keyPath, "vendor public key");
        var keyPem = vendorKey.ExportSubjectPublicKeyInfoPem();

        if (request.ConfigPath is { } config)
        {
            CheckConfiguration(config);
        }

        var layout = SlotLayout.ForTargetRoot(root);
        _ = (layout.Current, layout.Committed); // a pointer that points outside slots/ is refused here, before any write

        var verify = progress.Begin("verify", new FileInfo(request.BundlePath).Length);
        var manifest = BundleReader.Verify(request.BundlePath, vendorKey, new Progress<long>(verify.Report));
        verify.Done($"signature and {manifest.Files.Count} file hashes ok, version {manifest.Version} for {manifest.Rid}");

        // From here on the target changes.
        var slot = layout.InactiveSlot;
        var previous = layout.Committed;
        var install = progress.Begin($"install slot {slot}", manifest.PayloadBytes);
        SlotInstaller.Install(layout, slot, request.BundlePath, vendorKey, new SlotInstallRecord(null, time.GetUtcNow(), "kioskctl flash"), new Progress<long>(install.Report));
        install.Done($"{manifest.PayloadBytes / 1e6:0.0} MB");

        var slotDirectory = layout.SlotDirectory(slot);
        foreach (var (inSlot, inTarget) in SystemFiles.Placement)
        {
            Place(Path.Combine(slotDirectory, inSlot), Path.Combine(root, inTarget));
        }

        var enable = Path.Combine(root, SystemFiles.EnableLink);
        Directory.CreateDirectory(Path.GetDirectoryName(enable)!);
        File.Delete(enable);
        File.CreateSymbolicLink(enable, SystemFiles.EnableLinkTarget);

        if (request.ConfigPath is { } configPath)
        {
            Place(configPath, Path.Combine(root, SystemFiles.ConfigInTarget), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(pinnedKey)!);
        File.WriteAllText(pinnedKey, keyPem + "\n");

        new UpdateState { LastOutcome = new UpdateOutcome(manifest.Version, UpdateResult.Flashed, $"flashed into slot {slot} by kioskctl", time.GetUtcNow(), Reported: true) }.Save(layout.StateFile);
        layout.Point(layout.CommittedLink, slot);
        layout.Point(layout.CurrentLink, slot);
        return new FlashResult(manifest, slot, previous, Path.Combine(layout.CurrentLink, manifest.EntryPoint));
    }

    /// <summary>The configuration must at least be a JSON object; the firmware's own check (sevakiosk config check) names bad keys.</summary>
    private static void CheckConfiguration(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ArgumentException($"the configuration {path} is not a JSON object");
            }
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"the configuration {path} is not valid JSON: {ex.Message}", ex);
        }
    }

    private static void Place(string from, string to, UnixFileMode? mode = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        var temporary = to + ".new";
        File.Copy(from, temporary, overwrite: true);
        if (mode is { } m && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, m);
        }

        File.Move(temporary, to, overwrite: true);
    }
}

internal sealed record FlashRequest(string BundlePath, string TargetRoot, string? ConfigPath, string? VendorKeyPath);

/// <summary>The version flashed, into which slot, the slot it replaced as committed, and the program systemd will start.</summary>
internal sealed record FlashResult(BundleManifest Manifest, string Slot, string? PreviousSlot, string Program);
