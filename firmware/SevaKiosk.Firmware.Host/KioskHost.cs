using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using SevaKiosk.Firmware.Hosting;
using SevaKiosk.Hal.Devices;

namespace SevaKiosk.Firmware.Host;

/// <summary>Builds the generic host around the kiosk runtime: logging, systemd integration, the kiosk service.</summary>
internal static class KioskHost
{
    public static async Task<int> RunAsync(KioskRuntimeSettings settings, IConfiguration configuration, bool demo, CancellationToken cancellationToken)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = "sevakiosk",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddConfiguration(configuration);
        builder.Logging.AddConfiguration(configuration.GetSection("Logging"));

        // Logs go to stderr so stdout carries only what the user asked for (the demo's account and JSON line).
        // Under systemd, AddSystemd switches the console format to journald's <priority> prefixes.
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.AddSystemd();
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(new KioskRunMode(demo));
        builder.Services.AddSingleton<HostExit>();
        builder.Services.AddSingleton<KioskService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<KioskService>());
        if (SystemdHelpers.IsSystemdService())
        {
            builder.Services.AddHostedService<SystemdWatchdog>();
        }

        using var host = builder.Build();
        var exit = host.Services.GetRequiredService<HostExit>();
        try
        {
            await host.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DeviceConfigurationException ex)
        {
            await Console.Error.WriteLineAsync($"sevakiosk: configuration error: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.Configuration;
        }
        catch (KioskConfigurationException ex)
        {
            await Console.Error.WriteLineAsync($"sevakiosk: configuration error: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.Configuration;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Ok;
        }
        catch (UpdateRestartException ex)
        {
            // A trial slot used up its starts and the pointer is back on the previous slot: let systemd start that.
            await Console.Error.WriteLineAsync($"sevakiosk: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.Restart;
        }

        return exit.Code;
    }
}

/// <summary>Whether this run is the demo (pay one bill, then exit) or the kiosk proper.</summary>
internal sealed record KioskRunMode(bool Demo);

/// <summary>The process exit code, set by whoever ends the run.</summary>
internal sealed class HostExit
{
    private int _code;

    public int Code => Volatile.Read(ref _code);

    public void Set(int code) => Volatile.Write(ref _code, code);
}
