using System.Text.Json;
using System.Text.Json.Serialization;

namespace SevaKiosk.Firmware.Updates.Slots;

/// <summary>
/// <c>update-state.json</c>: the over-the-air update in progress (so a restart resumes it) and the outcome of the last
/// one (kept until it has been reported). Whether the machine is on trial is not stored here but read from the slot
/// pointers, so a pointer switch and this file can never disagree about it.
/// </summary>
public sealed record UpdateState
{
    public UpdatePhase Phase { get; init; } = UpdatePhase.Idle;

    /// <summary>The update being carried out (null when idle).</summary>
    public UpdateJob? Job { get; init; }

    /// <summary>During a trial: the slot on trial and the committed slot to fall back to.</summary>
    public string? TrialSlot { get; init; }

    public string? PreviousSlot { get; init; }

    /// <summary>Starts of the trial slot so far; past the limit the machine falls back without waiting for a health check.</summary>
    public int TrialBoots { get; init; }

    public UpdateOutcome? LastOutcome { get; init; }

    public static UpdateState Load(string path)
    {
        if (!File.Exists(path))
        {
            return new UpdateState();
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), UpdateJsonContext.Default.UpdateState) ?? new UpdateState();
        }
        catch (JsonException)
        {
            // Written atomically, so only a foreign hand can damage it: start afresh rather than refuse to boot.
            return new UpdateState { LastOutcome = new UpdateOutcome(null, UpdateResult.Failed, "update-state.json was unreadable and has been reset", DateTimeOffset.UnixEpoch, false) };
        }
    }

    public void Save(string path) => DurableFiles.WriteAtomically(path, JsonSerializer.SerializeToUtf8Bytes(this, UpdateJsonContext.Default.UpdateState));
}

[JsonConverter(typeof(JsonStringEnumConverter<UpdatePhase>))]
public enum UpdatePhase
{
    /// <summary>No update in progress.</summary>
    Idle,

    /// <summary>Fetching the bundle (a partial file is kept across restarts and resumed with an HTTP range request).</summary>
    Downloading,

    /// <summary>Downloaded and verified; installing into the inactive slot as soon as no session is open.</summary>
    ReadyToInstall,

    /// <summary>Installed and switched to; committed only after a health check passes.</summary>
    Trial,
}

/// <summary>An update command as accepted: where the bundle is, its SHA-256 and the version it must carry.</summary>
public sealed record UpdateJob(string CmdId, Uri Url, string Sha256, string Version, DateTimeOffset AcceptedAt);

[JsonConverter(typeof(JsonStringEnumConverter<UpdateResult>))]
public enum UpdateResult
{
    /// <summary>The new slot passed its health check and is committed.</summary>
    Committed,

    /// <summary>The new slot was switched to and then abandoned: failed health check, or it never came up.</summary>
    RolledBack,

    /// <summary>The update stopped before switching slots (download, hash, signature, install); the machine never left its slot.</summary>
    Failed,

    /// <summary>Installed by <c>kioskctl flash</c>.</summary>
    Flashed,
}

/// <summary>How the last update ended and why; <see cref="Reported"/> once the fleet has been told.</summary>
public sealed record UpdateOutcome(string? Version, UpdateResult Result, string Reason, DateTimeOffset At, bool Reported);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(UpdateState))]
[JsonSerializable(typeof(SlotInfo))]
internal sealed partial class UpdateJsonContext : JsonSerializerContext;
