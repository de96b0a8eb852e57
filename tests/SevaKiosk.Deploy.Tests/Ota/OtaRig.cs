using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using SevaKiosk.Deploy.Tests.Infrastructure;
using SevaKiosk.Firmware.Agent.Commands;
using SevaKiosk.Firmware.Updates.Ota;
using SevaKiosk.Firmware.Updates.Slots;
using SevaKiosk.Testing;
using SevaKiosk.Tools.Flash;
using SevaKiosk.Tools.Terminal;

namespace SevaKiosk.Deploy.Tests.Ota;

/// <summary>
/// A machine on a directory: a target root flashed with version 1.0.0 (slot a), a local HTTP server with bundles, and
/// update services created and dropped the way the firmware starts and stops (each <see cref="Start"/> is a boot).
/// </summary>
internal sealed class OtaRig : IAsyncDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly List<UpdateService> _services = [];

    public OtaRig()
    {
        Keys = new TestKeys(Path.Combine(_temp.Path, "keys"));
        Root = Path.Combine(_temp.Path, "target");
        Directory.CreateDirectory(Root);
        using var key = Keys.Private();
        var v1 = SmallBundles.Make(Path.Combine(_temp.Path, "bundles"), "1.0.0", key);
        TargetInstaller.Flash(new FlashRequest(v1, Root, null, Keys.PublicKeyPath), Silent, TimeProvider.System);
        Layout = SlotLayout.ForTargetRoot(Root);
        Downloads = Path.Combine(_temp.Path, "data", "updates");
    }

    public static StepProgress Silent { get; } = StepProgress.Plain(TextWriter.Null);

    public TestKeys Keys { get; }

    public string Root { get; }

    public SlotLayout Layout { get; }

    public string Downloads { get; }

    public BundleServer Server { get; } = new();

    public string Temp => _temp.Path;

    /// <summary>Short waits so the tests run in well under a second of waiting; RetryMinDelay long enough that a cut download waits for the "restart".</summary>
    public UpdateOptions Options { get; } = new()
    {
        Rid = "linux-x64",
        MaxTrialBoots = 2,
        HealthDeadline = TimeSpan.FromSeconds(10),
        QuietPollInterval = TimeSpan.FromMilliseconds(20),
        RetryMinDelay = TimeSpan.FromMilliseconds(20),
        RetryMaxDelay = TimeSpan.FromMilliseconds(100),
        StallTimeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>Builds version <paramref name="version"/>, serves it, and returns the update command for it.</summary>
    public FirmwareUpdateRequest Publish(string version, System.Security.Cryptography.ECDsa? signingKey = null, string? claimedSha256 = null)
    {
        using var own = Keys.Private();
        var bundle = SmallBundles.Make(Path.Combine(_temp.Path, "bundles"), version, signingKey ?? own);
        var url = Server.Serve($"sevakiosk-{version}.tar.gz", File.ReadAllBytes(bundle));
        return new FirmwareUpdateRequest("cmd-" + version, url, claimedSha256 ?? SmallBundles.Sha256(bundle), version);
    }

    /// <summary>One boot of the firmware: a new service over the same directories.</summary>
    public (UpdateService Service, TestUpdateHost Host) Start(UpdateOptions? options = null)
    {
        var host = new TestUpdateHost();
        var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var service = new UpdateService(options ?? Options, Layout, Keys.Public(), Downloads, host, http, TimeProvider.System, NullLogger.Instance);
        _services.Add(service);
        return (service, host);
    }

    /// <summary>What a power cut does to the running service: its job stops where it is.</summary>
    public async Task StopAsync(UpdateService service)
    {
        _services.Remove(service);
        await service.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var service in _services)
        {
            await service.DisposeAsync();
        }

        Server.Dispose();
        _temp.Dispose();
    }
}

/// <summary>The kiosk as the update service sees it, observable: open session switch, holds, restarts, reports.</summary>
internal sealed class TestUpdateHost : IUpdateHost
{
    private int _holds;

    public volatile bool SessionOpen;

    public bool Held => Volatile.Read(ref _holds) > 0;

    public TaskCompletionSource Restarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<UpdateReport> Reports { get; } = new();

    public bool TryHoldSessions(out IDisposable? hold, out string? busyWith)
    {
        if (SessionOpen)
        {
            hold = null;
            busyWith = "a citizen's session is open";
            return false;
        }

        Interlocked.Increment(ref _holds);
        hold = new Release(() => Interlocked.Decrement(ref _holds));
        busyWith = null;
        return true;
    }

    public void Restart() => Restarted.TrySetResult();

    public void Report(UpdateReport report) => Reports.Enqueue(report);

    private sealed class Release(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}

/// <summary>A health check with a fixed answer, for the update service's own decisions (the kiosk's real check has its own tests).</summary>
internal sealed class FixedHealth(params string[] problems) : IHealthCheck
{
    public int Calls { get; private set; }

    public Task<HealthReport> CheckAsync(CancellationToken cancellationToken)
    {
        Calls++;
        return Task.FromResult(new HealthReport(problems));
    }
}
