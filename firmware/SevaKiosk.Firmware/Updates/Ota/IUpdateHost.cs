namespace SevaKiosk.Firmware.Updates.Ota;

/// <summary>What the update service needs from the running kiosk.</summary>
public interface IUpdateHost
{
    /// <summary>
    /// Stops new sessions for the install and answers whether none is open. When one is open the hold is released
    /// again (the citizen finishes undisturbed) and the caller asks later.
    /// </summary>
    bool TryHoldSessions(out IDisposable? hold, out string? busyWith);

    /// <summary>Restarts the firmware (systemd starts <c>current</c> again): the host's restart action.</summary>
    void Restart();

    /// <summary>Tells the fleet and the journal how an update step went.</summary>
    void Report(UpdateReport report);
}

/// <summary>Checks a trial slot before it is committed.</summary>
public interface IHealthCheck
{
    Task<HealthReport> CheckAsync(CancellationToken cancellationToken);
}

/// <summary>Healthy, or the problems found (each one a sentence naming the part).</summary>
public sealed record HealthReport(IReadOnlyList<string> Problems)
{
    public bool Healthy => Problems.Count == 0;

    public static HealthReport Ok { get; } = new([]);

    public override string ToString() => Healthy ? "healthy" : string.Join("; ", Problems);
}

/// <summary>One step of an update for the fleet and the journal.</summary>
public sealed record UpdateReport(UpdateReportKind Kind, string? Version, string Detail);

public enum UpdateReportKind
{
    /// <summary>Downloaded and verified; waiting for no session to install.</summary>
    Downloaded,

    /// <summary>Installed into the inactive slot; restarting on trial.</summary>
    Installed,

    /// <summary>The trial slot passed its health check.</summary>
    Committed,

    /// <summary>The trial slot was abandoned for the previous one.</summary>
    RolledBack,

    /// <summary>Stopped before any slot switch (download, hash, signature, install).</summary>
    Failed,
}
