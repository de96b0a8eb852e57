using Microsoft.Data.Sqlite;
using SevaKiosk.Firmware.Hosting;
using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.Devices;

namespace SevaKiosk.Firmware.Updates.Ota;

/// <summary>
/// The trial slot's health check on a running kiosk: the journal opens and passes SQLite's quick check, the validator
/// and the printer answer (a paper-out printer answers; an unplugged one does not), and the MQTT broker is reached
/// (waited for until the caller's deadline, since a 2G link can take a while).
/// </summary>
public sealed class KioskHealthCheck : IHealthCheck
{
    private static readonly DeviceState[] Silent = [DeviceState.Offline, DeviceState.PowerOff, DeviceState.NoDevice];

    private readonly KioskRuntime _runtime;
    private readonly TimeProvider _time;
    private readonly TimeSpan _poll;

    public KioskHealthCheck(KioskRuntime runtime, TimeProvider time, TimeSpan? pollInterval = null)
    {
        _runtime = runtime;
        _time = time;
        _poll = pollInterval ?? TimeSpan.FromSeconds(1);
    }

    public async Task<HealthReport> CheckAsync(CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        try
        {
            var check = _runtime.Journal.Database.Read(c =>
            {
                using var command = c.CreateCommand();
                command.CommandText = "PRAGMA quick_check;";
                return command.ExecuteScalar() as string;
            });
            if (check != "ok")
            {
                problems.Add("the journal fails SQLite's quick check: " + check);
            }
        }
        catch (Exception ex) when (ex is SqliteException or InvalidOperationException or ObjectDisposedException)
        {
            problems.Add("the journal does not open: " + ex.Message);
        }

        try
        {
            await _runtime.Validator.ReadCountersAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (CashAcceptorException ex)
        {
            problems.Add("the validator does not answer: " + ex.Message);
        }

        await _runtime.Printer.CheckReadyAsync(cancellationToken).ConfigureAwait(false);
        if (Silent.Contains(_runtime.Printer.State))
        {
            problems.Add($"the printer does not answer ({_runtime.Printer.State})");
        }

        try
        {
            while (!_runtime.Agent.IsConnected)
            {
                await Task.Delay(_poll, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            problems.Add($"the MQTT broker was not reached ({_runtime.Agent.ConnectionState})");
        }

        return new HealthReport(problems);
    }
}
