using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using SevaKiosk.Firmware.Agent.Commands;
using SevaKiosk.Firmware.Updates.Bundles;
using SevaKiosk.Firmware.Updates.Slots;

namespace SevaKiosk.Firmware.Updates.Ota;

/// <summary>
/// Over-the-air updates as a state machine over the slot layout and <c>update-state.json</c>:
/// <code>
/// Idle --update command--> Downloading --hash + signature ok--> ReadyToInstall --no session open-->
///   install into the inactive slot, current -> it ("trial"), restart
/// trial start: boots+1; past MaxTrialBoots -> roll back (current -> previous), restart
/// trial runtime up: health check ok -> commit (committed -> current) | fails -> roll back, restart
/// start with current == committed but a trial recorded -> it never came up (the boot guard switched back): rolled back
/// </code>
/// Failures before the switch (download, hash, signature, version, install) leave both pointers alone. Every outcome is
/// stored before it is reported and reported once (<see cref="IUpdateHost.Report"/>), also after a restart.
/// </summary>
public sealed class UpdateService : IAsyncDisposable
{
    private readonly UpdateOptions _options;
    private readonly ECDsa _vendorKey;
    private readonly string _downloads;
    private readonly string _rid;
    private readonly IUpdateHost _host;
    private readonly ResumableDownloader _downloader;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _job = Task.CompletedTask;

    public UpdateService(UpdateOptions options, SlotLayout layout, ECDsa vendorKey, string downloadDirectory, IUpdateHost host, HttpClient http, TimeProvider time, ILogger logger)
    {
        _options = options;
        Layout = layout;
        _vendorKey = vendorKey;
        _downloads = downloadDirectory;
        _rid = options.ResolveRid();
        _host = host;
        _time = time;
        _logger = logger;
        _downloader = new ResumableDownloader(http, time, options, logger);
        State = UpdateState.Load(layout.StateFile);
    }

    public SlotLayout Layout { get; }

    public UpdateState State { get; private set; }

    /// <summary>The background job (download, verify, wait, install); completed when none runs.</summary>
    public Task Job
    {
        get
        {
            lock (_gate)
            {
                return _job;
            }
        }
    }

    /// <summary>
    /// First thing at every start, before anything that could crash: counts a trial slot's starts and falls back when
    /// it has used them up. <see cref="BootDecision.RestartNow"/> means the pointer was switched back: restart at once.
    /// </summary>
    public BootDecision OnBoot()
    {
        lock (_gate)
        {
            if (Layout.Current is not { } current)
            {
                return BootDecision.NotInstalled;
            }

            if (Layout.InTrial)
            {
                var boots = State.TrialBoots + 1;
                var version = TrialVersion(current);
                if (boots > _options.MaxTrialBoots)
                {
                    RollBack($"version {version} in slot {current} started {boots - 1} time(s) without passing its health check");
                    return BootDecision.RestartNow;
                }

                Save(State with { Phase = UpdatePhase.Trial, TrialSlot = current, PreviousSlot = State.PreviousSlot ?? Layout.Committed, TrialBoots = boots });
                _logger.LogWarning("Version {Version} in slot {Slot} on trial: start {Boots} of {Max}", version, current, boots, _options.MaxTrialBoots);
                return BootDecision.Trial;
            }

            if (State.Phase == UpdatePhase.Trial)
            {
                Finish(UpdateResult.RolledBack, State.Job?.Version,
                    $"the trial of version {State.Job?.Version} in slot {State.TrialSlot} never came up; the boot guard switched back to slot {current}");
            }

            return BootDecision.Normal;
        }
    }

    /// <summary>
    /// Once the kiosk runtime is up: a trial slot is health-checked and committed, or rolled back (and the host
    /// restarted); then an unreported outcome is reported and an interrupted job resumed.
    /// </summary>
    public async Task OnStartedAsync(IHealthCheck health, CancellationToken cancellationToken)
    {
        if (Layout.InTrial)
        {
            var report = await CheckHealthAsync(health, cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested(); // stopping: neither commit nor roll back
            lock (_gate)
            {
                var slot = Layout.Current!;
                if (report.Healthy)
                {
                    Layout.Point(Layout.CommittedLink, slot);
                    Finish(UpdateResult.Committed, TrialVersion(slot), $"version {TrialVersion(slot)} in slot {slot} passed its health check and is committed");
                    DeleteDownloads();
                }
                else
                {
                    RollBack($"version {TrialVersion(slot)} in slot {slot} failed its health check: {report}");
                }
            }

            if (!report.Healthy)
            {
                ReportPending();
                _host.Restart();
                return;
            }
        }

        ReportPending();
        lock (_gate)
        {
            if (State is { Phase: UpdatePhase.Downloading or UpdatePhase.ReadyToInstall, Job: { } job })
            {
                _logger.LogInformation("Resuming the update to {Version} ({Phase})", job.Version, State.Phase);
                _job = Task.Run(() => RunAsync(job, _stop.Token), CancellationToken.None);
            }
        }
    }

    /// <summary>The <c>update</c> command: starts the job and answers at once.</summary>
    public CommandResult Accept(FirmwareUpdateRequest request)
    {
        lock (_gate)
        {
            if (Layout.Current is not { } current)
            {
                return CommandResult.Refuse($"this firmware does not run from the slot layout under {Layout.InstallRoot}; install it with kioskctl flash first");
            }

            if (Layout.InTrial)
            {
                return CommandResult.Refuse($"version {TrialVersion(current)} is on trial in slot {current}; send the update again once it is committed or rolled back");
            }

            if (State.Job is { } running)
            {
                return running.Sha256 == request.Sha256
                    ? CommandResult.Done($"already updating to {running.Version} ({State.Phase})")
                    : CommandResult.Refuse($"an update to {running.Version} is in progress ({State.Phase}); send this one again after it ends");
            }

            if (Layout.ReadSlotInfo(current) is { } info && info.Version == request.Version)
            {
                return CommandResult.Done($"version {request.Version} is already running in slot {current}");
            }

            var job = new UpdateJob(request.CmdId, request.Url, request.Sha256, request.Version, _time.GetUtcNow());
            Save(State with { Phase = UpdatePhase.Downloading, Job = job });
            _job = Task.Run(() => RunAsync(job, _stop.Token), CancellationToken.None);
            return CommandResult.Done($"downloading version {request.Version}; it installs into slot {Layout.InactiveSlot} when no session is open");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Job.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped mid-job: the state file says where to resume.
        }

        _stop.Dispose();
    }

    private async Task RunAsync(UpdateJob job, CancellationToken ct)
    {
        try
        {
            var deadline = job.AcceptedAt + _options.JobDeadline;
            var bundle = await _downloader.DownloadAsync(job.Url, job.Sha256, _downloads, deadline, null, ct).ConfigureAwait(false);
            var manifest = BundleReader.Verify(bundle, _vendorKey);
            if (manifest.Version != job.Version || manifest.Rid != _rid)
            {
                throw new BundleRejectedException($"the bundle is version {manifest.Version} for {manifest.Rid}; the command asked for {job.Version} and this machine runs {_rid}");
            }

            lock (_gate)
            {
                if (State.Phase == UpdatePhase.Downloading)
                {
                    Save(State with { Phase = UpdatePhase.ReadyToInstall });
                    _host.Report(new UpdateReport(UpdateReportKind.Downloaded, job.Version, $"bundle {job.Sha256[..12]}… downloaded and verified ({new FileInfo(bundle).Length} bytes)"));
                }
            }

            var hold = await WaitForNoSessionAsync(job, deadline, ct).ConfigureAwait(false);
            try
            {
                Install(job, bundle);
            }
            catch
            {
                hold?.Dispose();
                throw;
            }

            // The hold is kept: no session may start in the old firmware between here and the restart.
            _host.Restart();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is DownloadFailedException or BundleRejectedException or IOException or UnauthorizedAccessException)
        {
            _logger.LogError("Update to {Version} failed: {Reason}", job.Version, ex.Message);
            lock (_gate)
            {
                DeleteDownloads();
                Finish(UpdateResult.Failed, job.Version, ex is BundleRejectedException ? "bundle refused: " + ex.Message : ex.Message);
            }

            ReportPending();
        }
    }

    private async Task<IDisposable?> WaitForNoSessionAsync(UpdateJob job, DateTimeOffset deadline, CancellationToken ct)
    {
        while (true)
        {
            if (_host.TryHoldSessions(out var hold, out var busyWith))
            {
                return hold;
            }

            if (_time.GetUtcNow() >= deadline)
            {
                throw new DownloadFailedException($"no moment without an open session before {deadline:O} ({busyWith})");
            }

            _logger.LogInformation("Update to {Version} waits: {Busy}", job.Version, busyWith);
            await Task.Delay(_options.QuietPollInterval, _time, ct).ConfigureAwait(false);
        }
    }

    private void Install(UpdateJob job, string bundle)
    {
        lock (_gate)
        {
            var slot = Layout.InactiveSlot;
            var previous = Layout.Committed ?? Layout.Current!;
            SlotInstaller.Install(Layout, slot, bundle, _vendorKey, new SlotInstallRecord(job.Sha256, _time.GetUtcNow(), "update " + job.CmdId));

            // State first, then the pointer: a power cut between the two reads as "trial never came up" at the next
            // start, which is safe; the other order could leave a trial nobody counts.
            Save(State with { Phase = UpdatePhase.Trial, TrialSlot = slot, PreviousSlot = previous, TrialBoots = 0 });
            Layout.Point(Layout.CurrentLink, slot);
            DeleteDownloads();
            _host.Report(new UpdateReport(UpdateReportKind.Installed, job.Version, $"version {job.Version} installed into slot {slot}; restarting on trial (slot {previous} is the fallback)"));
        }
    }

    private async Task<HealthReport> CheckHealthAsync(IHealthCheck health, CancellationToken ct)
    {
        using var timer = new CancellationTokenSource(_options.HealthDeadline, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timer.Token);
        try
        {
            return await health.CheckAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new HealthReport([$"the health check did not finish within {_options.HealthDeadline}"]);
        }
    }

    private void RollBack(string reason)
    {
        var trial = Layout.Current!;
        var previous = State.PreviousSlot ?? Layout.Committed ?? SlotLayout.Other(trial);
        var version = TrialVersion(trial);
        Layout.Point(Layout.CurrentLink, previous);
        Finish(UpdateResult.RolledBack, version, $"{reason}; rolled back to slot {previous}");
        _logger.LogError("Update to {Version} rolled back: {Reason}", version, reason);
    }

    private void Finish(UpdateResult result, string? version, string reason) =>
        Save(new UpdateState { LastOutcome = new UpdateOutcome(version, result, reason, _time.GetUtcNow(), Reported: false) });

    private void ReportPending()
    {
        UpdateOutcome outcome;
        lock (_gate)
        {
            if (State.LastOutcome is not { Reported: false } pending || pending.Result == UpdateResult.Flashed)
            {
                return;
            }

            outcome = pending;
            Save(State with { LastOutcome = pending with { Reported = true } });
        }

        var kind = outcome.Result switch
        {
            UpdateResult.Committed => UpdateReportKind.Committed,
            UpdateResult.RolledBack => UpdateReportKind.RolledBack,
            _ => UpdateReportKind.Failed,
        };
        _host.Report(new UpdateReport(kind, outcome.Version, outcome.Reason));
    }

    private string TrialVersion(string slot) => Layout.ReadSlotInfo(slot)?.Version ?? State.Job?.Version ?? "(unknown)";

    private void DeleteDownloads()
    {
        if (!Directory.Exists(_downloads))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(_downloads).Where(f => f.EndsWith(".part", StringComparison.Ordinal) || f.EndsWith(".bundle", StringComparison.Ordinal)))
        {
            File.Delete(file);
        }
    }

    private void Save(UpdateState state)
    {
        state.Save(Layout.StateFile);
        State = state;
    }
}

/// <summary>What the host does after <see cref="UpdateService.OnBoot"/>.</summary>
public enum BootDecision
{
    /// <summary>Not running from a slot layout: no updates.</summary>
    NotInstalled,

    /// <summary>Start as usual.</summary>
    Normal,

    /// <summary>Start, then health-check (<see cref="UpdateService.OnStartedAsync"/>) before committing.</summary>
    Trial,

    /// <summary>The trial slot used up its starts and <c>current</c> points back at the previous slot: restart now.</summary>
    RestartNow,
}
