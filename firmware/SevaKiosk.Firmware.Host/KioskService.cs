using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SevaKiosk.Firmware.Demo;
using SevaKiosk.Firmware.Hosting;

namespace SevaKiosk.Firmware.Host;

/// <summary>
/// Starts the kiosk runtime inside the host's start-up, so systemd hears READY=1 only once the journal is recovered
/// and the devices answer ("ready for cash"), and disposes it on stop so the journal closes last.
/// </summary>
internal sealed partial class KioskService : IHostedService, IAsyncDisposable
{
    private readonly KioskRuntimeSettings _settings;
    private readonly KioskRunMode _mode;
    private readonly HostExit _exit;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger<KioskService> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task _demo = Task.CompletedTask;

    public KioskService(KioskRuntimeSettings settings, KioskRunMode mode, HostExit exit, IHostApplicationLifetime lifetime, ILoggerFactory loggers)
    {
        _settings = settings;
        _mode = mode;
        _exit = exit;
        _lifetime = lifetime;
        _loggers = loggers;
        _logger = loggers.CreateLogger<KioskService>();
    }

    public KioskRuntime? Runtime { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        Runtime = await KioskRuntime.StartAsync(_settings, _loggers, RequestRestart, commitHook: KillAfterCommitHook.FromEnvironment(), cancellationToken: cancellationToken).ConfigureAwait(false);
        LogReady(Runtime.Kiosk.MachineId, TimeProvider.System.GetElapsedTime(started).TotalMilliseconds);
        if (_mode.Demo)
        {
            _demo = RunDemoAsync(Runtime);
        }
    }

    private async Task RunDemoAsync(KioskRuntime runtime)
    {
        try
        {
            _exit.Set(await DemoRun.RunAsync(runtime, Console.Out, _stopping.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            _exit.Set(ExitCodes.Failed);
        }
#pragma warning disable CA1031 // the demo's failure is reported and turned into the exit code, whatever it is
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogDemoFailed(ex);
            _exit.Set(ExitCodes.Failed);
        }
        finally
        {
            _lifetime.StopApplication();
        }
    }

    private void RequestRestart()
    {
        LogRestart();
        _exit.Set(ExitCodes.Restart);
        _lifetime.StopApplication();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _demo.ConfigureAwait(false);
        if (Runtime is { } runtime)
        {
            Runtime = null;
            await runtime.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Runtime is { } runtime)
        {
            Runtime = null;
            await runtime.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Kiosk {Machine} started in {Milliseconds:0} ms")]
    private partial void LogReady(string machine, double milliseconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "The demo failed")]
    private partial void LogDemoFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Restart requested; stopping so that systemd starts the firmware again")]
    private partial void LogRestart();
}
