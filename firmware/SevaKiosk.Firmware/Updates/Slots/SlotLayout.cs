using System.Text.Json;

namespace SevaKiosk.Firmware.Updates.Slots;

/// <summary>
/// The A/B application layout under the install root (<c>/opt/sevakiosk</c> on a machine, <c>ROOT/opt/sevakiosk</c>
/// on a mounted card):
/// <code>
/// slots/a/, slots/b/        two complete copies of the firmware
/// slots/a.json, b.json      what each slot holds (version, bundle hash, when installed)
/// current   -> slots/X      what systemd starts (ExecStart=/opt/sevakiosk/current/sevakiosk)
/// committed -> slots/Y      the last slot that passed its health check; current != committed means "on trial"
/// update-state.json         the update in progress and the last update's outcome
/// </code>
/// Both pointers are relative symbolic links, switched atomically (a new link renamed over the old one).
/// </summary>
public sealed class SlotLayout
{
    public const string DefaultInstallRoot = "/opt/sevakiosk";

    /// <summary>The install root below a target root (a mounted card or a directory).</summary>
    public const string InstallRootInTarget = "opt/sevakiosk";

    public static IReadOnlyList<string> SlotNames { get; } = ["a", "b"];

    public SlotLayout(string installRoot)
    {
        InstallRoot = Path.GetFullPath(installRoot);
    }

    public string InstallRoot { get; }

    public string SlotsDirectory => Path.Combine(InstallRoot, "slots");

    public string CurrentLink => Path.Combine(InstallRoot, "current");

    public string CommittedLink => Path.Combine(InstallRoot, "committed");

    public string StateFile => Path.Combine(InstallRoot, "update-state.json");

    /// <summary>Where a slot is written before it replaces the old one.</summary>
    public string IncomingDirectory => Path.Combine(SlotsDirectory, ".incoming");

    /// <summary>The filesystem root this layout is installed in (<c>/</c> on a machine), when the install root is <c>…/opt/sevakiosk</c>.</summary>
    public string? TargetRoot
    {
        get
        {
            var opt = Path.GetDirectoryName(InstallRoot);
            return Path.GetFileName(InstallRoot) == "sevakiosk" && opt is not null && Path.GetFileName(opt) == "opt" ? Path.GetDirectoryName(opt) : null;
        }
    }

    public static SlotLayout ForTargetRoot(string targetRoot) => new(Path.Combine(targetRoot, InstallRootInTarget));

    /// <summary>The layout a program runs from, when its directory is <c>…/slots/a</c> or <c>…/slots/b</c>; null otherwise (a build output, <c>dotnet run</c>).</summary>
    public static SlotLayout? OfProgramDirectory(string baseDirectory)
    {
        var slot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(baseDirectory));
        var slots = Path.GetDirectoryName(slot);
        if (!SlotNames.Contains(Path.GetFileName(slot)) || slots is null || Path.GetFileName(slots) != "slots")
        {
            return null;
        }

        return new SlotLayout(Path.GetDirectoryName(slots)!);
    }

    public string SlotDirectory(string slot) => Path.Combine(SlotsDirectory, CheckSlot(slot));

    public string SlotInfoFile(string slot) => Path.Combine(SlotsDirectory, CheckSlot(slot) + ".json");

    /// <summary>The slot <c>current</c> points at; null when not installed yet.</summary>
    public string? Current => ReadPointer(CurrentLink);

    /// <summary>The slot <c>committed</c> points at; null when not installed yet.</summary>
    public string? Committed => ReadPointer(CommittedLink);

    /// <summary>True while the machine runs a slot that has not passed its health check.</summary>
    public bool InTrial => Current is { } current && current != Committed;

    /// <summary>The slot an update goes into: the one that is not committed.</summary>
    public string InactiveSlot => Committed == "a" ? "b" : Committed == "b" ? "a" : Current == "a" ? "b" : "a";

    public static string Other(string slot) => CheckSlot(slot) == "a" ? "b" : "a";

    /// <summary>Points <paramref name="link"/> at <paramref name="slot"/> in one rename, then makes the rename durable.</summary>
    public void Point(string link, string slot)
    {
        CheckSlot(slot);
        var temporary = link + ".new";
        File.Delete(temporary); // a stale link from an interrupted switch; unlink never follows it
        File.CreateSymbolicLink(temporary, "slots/" + slot);
        DurableFiles.Rename(temporary, link);
        DurableFiles.SyncDirectory(InstallRoot);
    }

    public SlotInfo? ReadSlotInfo(string slot)
    {
        var path = SlotInfoFile(slot);
        return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllBytes(path), UpdateJsonContext.Default.SlotInfo) : null;
    }

    internal void WriteSlotInfo(string slot, SlotInfo info) =>
        DurableFiles.WriteAtomically(SlotInfoFile(slot), JsonSerializer.SerializeToUtf8Bytes(info, UpdateJsonContext.Default.SlotInfo));

    internal void DeleteSlotInfo(string slot) => File.Delete(SlotInfoFile(slot));

    private static string? ReadPointer(string link)
    {
        var target = new FileInfo(link).LinkTarget;
        if (target is null)
        {
            return null;
        }

        var slot = Path.GetFileName(Path.TrimEndingDirectorySeparator(target));
        return target.StartsWith("slots/", StringComparison.Ordinal) && SlotNames.Contains(slot)
            ? slot
            : throw new InvalidOperationException($"{link} points at {target}, not at slots/a or slots/b.");
    }

    private static string CheckSlot(string slot) =>
        SlotNames.Contains(slot) ? slot : throw new ArgumentException($"'{slot}' is not a slot (a or b).", nameof(slot));
}

/// <summary>What a slot holds (<c>slots/X.json</c>).</summary>
public sealed record SlotInfo(string Version, string Rid, string? BundleSha256, DateTimeOffset InstalledAt, string InstalledBy);
