using SevaKiosk.Deploy.Tests.Infrastructure;
using SevaKiosk.Firmware.Updates.Ota;
using SevaKiosk.Firmware.Updates.Slots;

namespace SevaKiosk.Deploy.Tests.Ota;

/// <summary>
/// Over-the-air updates end to end on a directory root with a local HTTP server: each <see cref="OtaRig.Start"/> is a
/// boot of the firmware over the same slot layout, download directory and state file.
/// </summary>
public sealed class UpdateServiceTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Download_cut_by_a_power_cut_resumes_with_a_range_request_installs_on_trial_and_commits_after_the_health_check()
    {
        await using var rig = new OtaRig();
        var request = rig.Publish("2.0.0");
        var size = new FileInfo(Path.Combine(rig.Temp, "bundles", "sevakiosk-2.0.0.tar.gz")).Length;
        var cut = size * 2 / 5;

        // Boot 1: the download is cut at 40 %; the retry waits long enough for the machine to lose power first.
        var slow = CopyOptions(rig.Options, retry: TimeSpan.FromHours(1));
        var (first, _) = rig.Start(slow);
        Assert.Equal(BootDecision.Normal, first.OnBoot());
        rig.Server.CutNextResponseAfter(cut);
        Assert.True(first.Accept(request).Accepted);
        var part = ResumableDownloader.PartialPath(rig.Downloads, request.Sha256);
        await Until(() => File.Exists(part) && new FileInfo(part).Length > 0 && !rig.Server.Requests.IsEmpty);
        await Task.Delay(300); // the cut connection settles; the job is in its (hour-long) retry pause
        await rig.StopAsync(first);
        Assert.Equal(UpdatePhase.Downloading, UpdateState.Load(rig.Layout.StateFile).Phase);
        var kept = new FileInfo(part).Length;
        Assert.InRange(kept, 1, cut);

        // Boot 2: the job resumes from the partial file, installs into slot b and restarts on trial.
        var (second, host2) = rig.Start();
        Assert.Equal(BootDecision.Normal, second.OnBoot());
        await second.OnStartedAsync(new FixedHealth(), CancellationToken.None);
        await host2.Restarted.Task.WaitAsync(Wait);
        var requests = rig.Server.Requests.Where(r => r.Path.EndsWith("2.0.0.tar.gz", StringComparison.Ordinal)).ToArray();
        Assert.Equal([("", 200), ($"bytes={kept}-", 206)], requests.Select(r => (r.Range, r.Status)));
        Assert.Equal("b", rig.Layout.Current);
        Assert.Equal("a", rig.Layout.Committed);
        Assert.True(host2.Held, "no session may start between the install and the restart");
        Assert.Equal([UpdateReportKind.Downloaded, UpdateReportKind.Installed], host2.Reports.Select(r => r.Kind));
        Assert.Equal("#!/bin/sh\necho sevakiosk 2.0.0\n", File.ReadAllText(Path.Combine(rig.Layout.CurrentLink, "sevakiosk")));
        Assert.Empty(Directory.EnumerateFiles(rig.Downloads));

        // Boot 3: the trial slot passes its health check and is committed.
        var (third, host3) = rig.Start();
        Assert.Equal(BootDecision.Trial, third.OnBoot());
        await third.OnStartedAsync(new FixedHealth(), CancellationToken.None);
        Assert.Equal(("b", "b"), (rig.Layout.Current, rig.Layout.Committed));
        var committed = Assert.Single(host3.Reports);
        Assert.Equal((UpdateReportKind.Committed, "2.0.0"), (committed.Kind, committed.Version));
        Assert.Equal("2.0.0", rig.Layout.ReadSlotInfo("b")!.Version);
        Assert.Equal(request.Sha256, rig.Layout.ReadSlotInfo("b")!.BundleSha256);
        Assert.False(host3.Restarted.Task.IsCompleted);

        // Boot 4: nothing left to do or report.
        var (fourth, host4) = rig.Start();
        Assert.Equal(BootDecision.Normal, fourth.OnBoot());
        await fourth.OnStartedAsync(new FixedHealth(), CancellationToken.None);
        Assert.Empty(host4.Reports);
        Assert.Equal(UpdatePhase.Idle, fourth.State.Phase);
    }

    [Fact]
    public async Task Failed_health_check_rolls_back_to_the_previous_slot_and_reports_why()
    {
        await using var rig = new OtaRig();
        var slotA = TreeSnapshot.Take(rig.Layout.SlotDirectory("a"));
        await InstallOnTrialAsync(rig, rig.Publish("2.0.0"));

        var (trial, host) = rig.Start();
        Assert.Equal(BootDecision.Trial, trial.OnBoot());
        await trial.OnStartedAsync(new FixedHealth("the MQTT broker was not reached (Connecting)"), CancellationToken.None);

        Assert.True(host.Restarted.Task.IsCompleted, "the host restarts into the previous slot");
        Assert.Equal(("a", "a"), (rig.Layout.Current, rig.Layout.Committed));
        Assert.Equal(slotA, TreeSnapshot.Take(rig.Layout.SlotDirectory("a")));
        var report = Assert.Single(host.Reports);
        Assert.Equal(UpdateReportKind.RolledBack, report.Kind);
        Assert.Contains("failed its health check: the MQTT broker was not reached", report.Detail, StringComparison.Ordinal);
        Assert.Contains("rolled back to slot a", report.Detail, StringComparison.Ordinal);

        var (after, afterHost) = rig.Start();
        Assert.Equal(BootDecision.Normal, after.OnBoot());
        await after.OnStartedAsync(new FixedHealth(), CancellationToken.None);
        Assert.Empty(afterHost.Reports);
    }

    [Fact]
    public async Task Trial_slot_that_never_reaches_its_health_check_is_abandoned_after_its_starts_are_used_up()
    {
        await using var rig = new OtaRig();
        await InstallOnTrialAsync(rig, rig.Publish("2.0.0"));

        // MaxTrialBoots = 2: two starts that crash before the health check, then the third start falls back at once.
        Assert.Equal(BootDecision.Trial, rig.Start().Service.OnBoot());
        Assert.Equal(BootDecision.Trial, rig.Start().Service.OnBoot());
        Assert.Equal(BootDecision.RestartNow, rig.Start().Service.OnBoot());
        Assert.Contains("started 2 time(s) without passing its health check", await RollbackReportedAtNextBootAsync(rig), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trial_slot_switched_back_by_the_systemd_fallback_unit_is_reported_as_never_come_up()
    {
        await using var rig = new OtaRig();
        await InstallOnTrialAsync(rig, rig.Publish("2.0.0"));
        Assert.Equal(BootDecision.Trial, rig.Start().Service.OnBoot());

        // The real fallback unit's command, run as systemd runs it (the firmware crashed before its own counter ran).
        await FallbackUnit.RunAsync(rig.Layout.InstallRoot);

        Assert.Contains("never came up", await RollbackReportedAtNextBootAsync(rig), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bundle_whose_hash_differs_from_the_command_is_refused_before_anything_is_installed()
    {
        await using var rig = new OtaRig();
        var request = rig.Publish("2.0.0", claimedSha256: new string('0', 64));

        var detail = await RefusedBeforeInstallAsync(rig, request);

        Assert.Contains("the downloaded file's SHA-256 is", detail, StringComparison.Ordinal);
        Assert.Contains("the command says 0000", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bundle_signed_by_another_key_is_refused_before_anything_is_installed()
    {
        await using var rig = new OtaRig();
        using var stranger = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = rig.Publish("2.0.0", signingKey: stranger);

        var detail = await RefusedBeforeInstallAsync(rig, request);

        Assert.Contains("bundle refused: the manifest signature does not verify", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bundle_of_another_version_than_the_command_names_is_refused()
    {
        await using var rig = new OtaRig();
        var request = rig.Publish("2.0.0") with { Version = "2.0.1" };

        var (service, host) = rig.Start();
        service.OnBoot();
        service.Accept(request);
        await service.Job.WaitAsync(Wait);

        Assert.Contains("the bundle is version 2.0.0 for linux-x64; the command asked for 2.0.1", Assert.Single(host.Reports).Detail, StringComparison.Ordinal);
        Assert.Equal(("a", "a"), (rig.Layout.Current, rig.Layout.Committed));
    }

    [Fact]
    public async Task Install_waits_while_a_session_is_open_and_goes_ahead_once_it_closes()
    {
        await using var rig = new OtaRig();
        var (service, host) = rig.Start();
        service.OnBoot();
        host.SessionOpen = true;
        service.Accept(rig.Publish("2.0.0"));
        await Until(() => service.State.Phase == UpdatePhase.ReadyToInstall);
        await Task.Delay(200); // ten polls of an open session

        Assert.False(Directory.Exists(rig.Layout.SlotDirectory("b")));
        Assert.False(host.Restarted.Task.IsCompleted);
        host.SessionOpen = false;
        await host.Restarted.Task.WaitAsync(Wait);
        Assert.Equal("b", rig.Layout.Current);
    }

    [Fact]
    public async Task Commands_are_refused_during_a_trial_and_a_running_version_is_not_installed_again()
    {
        await using var rig = new OtaRig();
        var (service, _) = rig.Start();
        service.OnBoot();
        var same = service.Accept(rig.Publish("1.0.0"));
        Assert.True(same.Accepted);
        Assert.Contains("already running", same.Detail, StringComparison.Ordinal);
        Assert.True(service.Job.IsCompleted);

        await InstallOnTrialAsync(rig, rig.Publish("2.0.0"));
        var (trial, _) = rig.Start();
        trial.OnBoot();
        var refused = trial.Accept(rig.Publish("3.0.0"));
        Assert.False(refused.Accepted);
        Assert.Contains("is on trial in slot b", refused.Detail, StringComparison.Ordinal);
    }

    /// <summary>Accept → download → install → restart on trial, through one boot.</summary>
    private static async Task InstallOnTrialAsync(OtaRig rig, SevaKiosk.Firmware.Agent.Commands.FirmwareUpdateRequest request)
    {
        var (service, host) = rig.Start();
        service.OnBoot();
        Assert.True(service.Accept(request).Accepted);
        await host.Restarted.Task.WaitAsync(Wait);
        await rig.StopAsync(service);
        Assert.True(rig.Layout.InTrial);
    }

    /// <summary>The job is accepted, runs to its end and fails: one Failed report, and the slots, pointers and downloads as before.</summary>
    private static async Task<string> RefusedBeforeInstallAsync(OtaRig rig, SevaKiosk.Firmware.Agent.Commands.FirmwareUpdateRequest request)
    {
        var before = TreeSnapshot.Take(rig.Layout.InstallRoot);
        var (service, host) = rig.Start();
        service.OnBoot();
        Assert.True(service.Accept(request).Accepted);
        await service.Job.WaitAsync(Wait);

        var report = Assert.Single(host.Reports);
        Assert.Equal((UpdateReportKind.Failed, "2.0.0"), (report.Kind, report.Version));
        var after = TreeSnapshot.Take(rig.Layout.InstallRoot);
        after.Remove("update-state.json");
        before.Remove("update-state.json");
        Assert.Equal(before, after);
        Assert.False(host.Restarted.Task.IsCompleted);
        Assert.False(host.Held);
        Assert.Empty(Directory.EnumerateFiles(rig.Downloads));
        Assert.Equal(UpdatePhase.Idle, UpdateState.Load(rig.Layout.StateFile).Phase);
        return report.Detail;
    }

    /// <summary>The trial is over and current is back on slot a: the next boot reports the rollback once and says why.</summary>
    private static async Task<string> RollbackReportedAtNextBootAsync(OtaRig rig)
    {
        Assert.Equal(("a", "a"), (rig.Layout.Current, rig.Layout.Committed));
        var (old, host) = rig.Start();
        Assert.Equal(BootDecision.Normal, old.OnBoot());
        await old.OnStartedAsync(new FixedHealth(), CancellationToken.None);
        var report = Assert.Single(host.Reports);
        Assert.Equal(UpdateReportKind.RolledBack, report.Kind);
        return report.Detail;
    }

    private static UpdateOptions CopyOptions(UpdateOptions o, TimeSpan retry) => new()
    {
        Rid = o.Rid,
        MaxTrialBoots = o.MaxTrialBoots,
        HealthDeadline = o.HealthDeadline,
        QuietPollInterval = o.QuietPollInterval,
        RetryMinDelay = retry,
        RetryMaxDelay = retry,
        StallTimeout = o.StallTimeout,
    };

    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting");
            await Task.Delay(10);
        }
    }
}
