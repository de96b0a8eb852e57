using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace SevaKiosk.Firmware.Host;

/// <summary>
/// Pets systemd's watchdog (WatchdogSec in the unit) at half its period, but only while the kiosk is alive: the
/// journal answers a query. A firmware wedged on a locked database or a dead runtime stops petting and systemd
/// restarts it. Microsoft.Extensions.Hosting.Systemd sends READY/STOPPING only, not WATCHDOG.
/// </summary>
internal sealed partial class SystemdWatchdog : BackgroundService
{
    private readonly ISystemdNotifier _notifier;
    private readonly KioskService _kiosk;
    private readonly ILogger<SystemdWatchdog> _logger;

    public SystemdWatchdog(ISystemdNotifier notifier, KioskService kiosk, ILogger<SystemdWatchdog> logger)
    {
        _notifier = notifier;
        _kiosk = kiosk;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_notifier.IsEnabled
            || !long.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), NumberStyles.None, CultureInfo.InvariantCulture, out var usec)
            || usec <= 0)
        {
            return;
        }

        var period = TimeSpan.FromMicroseconds(usec / 2.0);
        using var timer = new PeriodicTimer(period, TimeProvider.System);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            if (IsAlive())
            {
                _notifier.Notify(new ServiceState("WATCHDOG=1"));
            }
        }
    }

    private bool IsAlive()
    {
        if (_kiosk.Runtime is not { } runtime)
        {
            return false;
        }

        try
        {
            runtime.Journal.LastTransaction();
            return true;
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex)
        {
            LogJournalDead(ex.Message);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Journal not answering ({Message}); not petting the watchdog")]
    private partial void LogJournalDead(string message);
}
