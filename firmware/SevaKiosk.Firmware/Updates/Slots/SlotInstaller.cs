using System.Security.Cryptography;
using SevaKiosk.Firmware.Updates.Bundles;

namespace SevaKiosk.Firmware.Updates.Slots;

/// <summary>
/// Writes a bundle into one slot: extracted (and checked again, file by file) into <c>slots/.incoming</c>, then the old
/// slot is removed and the incoming one renamed into its place, and the filesystem synced. The slot being replaced must
/// be neither current nor committed: the running firmware and the fallback are never touched.
/// </summary>
public static class SlotInstaller
{
    public static BundleManifest Install(
        SlotLayout layout, string slot, string bundlePath, ECDsa vendorKey, SlotInstallRecord record, IProgress<long>? progress = null)
    {
        if (slot == layout.Current || slot == layout.Committed)
        {
            throw new InvalidOperationException($"Slot {slot} is in use (current {layout.Current}, committed {layout.Committed}); an update goes into the other slot.");
        }

        Directory.CreateDirectory(layout.SlotsDirectory);
        var incoming = layout.IncomingDirectory;
        DeleteDirectory(incoming);
        BundleManifest manifest;
        try
        {
            manifest = BundleReader.Extract(bundlePath, vendorKey, incoming, progress);
        }
        catch
        {
            DeleteDirectory(incoming);
            throw;
        }

        var destination = layout.SlotDirectory(slot);
        layout.DeleteSlotInfo(slot);
        DeleteDirectory(destination);
        Directory.Move(incoming, destination);
        layout.WriteSlotInfo(slot, new SlotInfo(manifest.Version, manifest.Rid, record.BundleSha256, record.At, record.By));
        DurableFiles.SyncFileSystem(layout.SlotsDirectory);
        return manifest;
    }

    private static void DeleteDirectory(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }
}

/// <summary>Who installs a slot, when, and the hash of the bundle file (for <c>slots/X.json</c>).</summary>
public sealed record SlotInstallRecord(string? BundleSha256, DateTimeOffset At, string By);
