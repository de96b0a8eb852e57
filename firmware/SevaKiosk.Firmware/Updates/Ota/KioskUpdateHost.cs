using SevaKiosk.Firmware.Hosting;
using SevaKiosk.Hal.Devices;

namespace SevaKiosk.Firmware.Updates.Ota;

/// <summary>
/// The running kiosk as the update service sees it: sessions are held off with the service state (key
/// <c>update</c>), outcomes go to the journal (<c>UPDATE_*</c> events) and to the fleet as faults
/// (<c>firmware.update.failed</c>, <c>firmware.update.rolled-back</c>; both cleared by a later commit).
/// </summary>
public sealed class KioskUpdateHost : IUpdateHost
{
    public const string Device = "firmware";

    public static readonly FaultDefinition UpdateFailed = new(
        "firmware.update.failed", FaultSeverity.Warning, RecommendedAction.Configuration, ClearsBySelf: true,
        "A firmware update was refused or could not be installed; the machine runs its previous version");

    public static readonly FaultDefinition UpdateRolledBack = new(
        "firmware.update.rolled-back", FaultSeverity.Warning, RecommendedAction.TechnicianNeeded, ClearsBySelf: true,
        "A firmware update failed its trial and was rolled back; the machine runs its previous version");

    private readonly Func<KioskRuntime> _runtime;
    private readonly Action _restart;

    public KioskUpdateHost(Func<KioskRuntime> runtime, Action restart)
    {
        _runtime = runtime;
        _restart = restart;
    }

    public bool TryHoldSessions(out IDisposable? hold, out string? busyWith)
    {
        var runtime = _runtime();
        hold = null;
        busyWith = "a citizen's session is open";
        if (runtime.Engine.Busy)
        {
            return false;
        }

        runtime.Service.Block("update", "installing a firmware update");
        if (runtime.Engine.Busy)
        {
            // A session slipped in between the check and the block: let it finish.
            runtime.Service.Unblock("update");
            return false;
        }

        hold = new Release(() => runtime.Service.Unblock("update"));
        busyWith = null;
        return true;
    }

    public void Restart() => _restart();

    public void Report(UpdateReport report)
    {
        var runtime = _runtime();
        runtime.Journal.RecordEvent(null, "UPDATE_" + report.Kind.ToString().ToUpperInvariant(), new { version = report.Version, detail = report.Detail });
        var now = runtime.Time.GetUtcNow();
        switch (report.Kind)
        {
            case UpdateReportKind.Failed:
                runtime.Agent.ReportFault(UpdateFailed.Raise(Device, now, $"{report.Version}: {report.Detail}"), active: true);
                break;
            case UpdateReportKind.RolledBack:
                runtime.Agent.ReportFault(UpdateRolledBack.Raise(Device, now, $"{report.Version}: {report.Detail}"), active: true);
                break;
            case UpdateReportKind.Committed:
                runtime.Agent.ReportFault(UpdateFailed.Raise(Device, now), active: false);
                runtime.Agent.ReportFault(UpdateRolledBack.Raise(Device, now), active: false);
                break;
        }
    }

    private sealed class Release(Action release) : IDisposable
    {
        private Action? _release = release;

        public void Dispose() => Interlocked.Exchange(ref _release, null)?.Invoke();
    }
}
