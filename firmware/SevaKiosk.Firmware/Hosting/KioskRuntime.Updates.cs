using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using SevaKiosk.Firmware.Updates.Bundles;
using SevaKiosk.Firmware.Updates.Ota;

namespace SevaKiosk.Firmware.Hosting;

/// <summary>Over-the-air updates in the runtime: counted trial starts first, the health check once the kiosk is up.</summary>
public sealed partial class KioskRuntime
{
    private Task _updatesConfirmed = Task.CompletedTask;

    /// <summary>The update service when the firmware runs from a slot layout with a pinned vendor key; null otherwise.</summary>
    public UpdateService? Updates { get; private set; }

    /// <summary>The result of the health check a trial slot runs after start (completed at once when there is no trial).</summary>
    public Task UpdatesConfirmed => _updatesConfirmed;

    /// <summary>
    /// First step of a start, before anything that could crash: a trial slot's start is counted, and one that has used
    /// up its starts is abandoned here (<see cref="UpdateRestartException"/>: the host exits for systemd to start the
    /// previous slot).
    /// </summary>
    private void BootUpdates(Action restart, ILogger log)
    {
        var options = Settings.Updates;
        if (options.ResolveLayout(AppContext.BaseDirectory) is not { } layout)
        {
            log.LogInformation("Over-the-air updates are off: the firmware does not run from a slot layout ({Directory})", AppContext.BaseDirectory);
            return;
        }

        ECDsa vendorKey;
        try
        {
            vendorKey = BundleSignature.Load(options.ResolveVendorKey(layout), "vendor signing key");
        }
        catch (ArgumentException ex)
        {
            log.LogWarning("Over-the-air updates are off: {Reason}", ex.Message);
            return;
        }

        var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var downloads = string.IsNullOrWhiteSpace(options.DownloadDirectory) ? Path.Combine(DataDirectory, "updates") : options.DownloadDirectory;
        Updates = new UpdateService(options, layout, vendorKey, downloads, new KioskUpdateHost(() => this, restart), http, Time, Loggers.CreateLogger("SevaKiosk.Updates"));
        _cleanup.Add(() =>
        {
            http.Dispose();
            vendorKey.Dispose();
            return ValueTask.CompletedTask;
        });

        var decision = Updates.OnBoot();
        log.LogInformation("Firmware slot {Slot} ({Decision}) under {Root}", layout.Current, decision, layout.InstallRoot);
        if (decision == BootDecision.RestartNow)
        {
            restart();
            throw new UpdateRestartException(Updates.State.LastOutcome?.Reason ?? "the trial slot was rolled back");
        }
    }

    /// <summary>Last step of a start: health-checks a trial slot (commit or roll back) and resumes an interrupted update, in the background.</summary>
    private void ConfirmUpdates()
    {
        if (Updates is not { } updates)
        {
            return;
        }

        // Registered after the journal and the agent, so it stops before them.
        _cleanup.Add(() => updates.DisposeAsync());
        _updatesConfirmed = Task.Run(() => updates.OnStartedAsync(new KioskHealthCheck(this, Time), _stop.Token), CancellationToken.None);
    }
}

/// <summary>The firmware must exit now so that systemd starts the slot <c>current</c> points at again.</summary>
public sealed class UpdateRestartException : Exception
{
    public UpdateRestartException()
    {
    }

    public UpdateRestartException(string message)
        : base(message)
    {
    }

    public UpdateRestartException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
