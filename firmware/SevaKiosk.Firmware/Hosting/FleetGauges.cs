using SevaKiosk.Firmware.Agent.Telemetry;
using SevaKiosk.Hal.Printers;
using SevaKiosk.Protocol.Mqtt;

namespace SevaKiosk.Firmware.Hosting;

/// <summary>
/// The <see cref="FleetMetrics"/> gauges the technicians' <c>kioskctl watch</c> shows: receipt paper, cash-box fill and
/// today's transactions, read from the printer's last status and the journal.
/// </summary>
internal static class FleetGauges
{
    public static IEnumerable<TelemetrySample> Sample(KioskRuntime runtime, MachineStamp stamp)
    {
        var at = stamp.MonotonicMs;
        if (runtime.Printer is { } printer)
        {
            var paper = printer.Status.Paper switch
            {
                PaperState.Ok => FleetMetrics.PaperCode.Ok,
                PaperState.NearEnd => FleetMetrics.PaperCode.NearEnd,
                PaperState.End => FleetMetrics.PaperCode.Out,
                _ => FleetMetrics.PaperCode.Unknown,
            };
            yield return TelemetryRecorder.Count(FleetMetrics.PrinterPaper, paper, at);
        }

        var notes = runtime.Journal.CashboxCounters().Values.Sum();
        yield return TelemetryRecorder.Count(FleetMetrics.CashboxNotes, notes, at);
        if (runtime.Settings.Validator.CashboxCapacity is > 0 and var capacity)
        {
            yield return new TelemetrySample(FleetMetrics.CashboxFill, Math.Round(100.0 * notes / capacity, 1), "%", at);
        }

        var today = runtime.Journal.TransactionsSince(LocalMidnight(runtime.Time));
        yield return TelemetryRecorder.Count(FleetMetrics.TransactionsToday, today.Count, at);
        yield return new TelemetrySample(FleetMetrics.AmountToday, (double)today.Amount, "INR", at);
    }

    /// <summary>The start of today in the machine's time zone (India has no daylight saving, but do not assume it).</summary>
    public static DateTimeOffset LocalMidnight(TimeProvider time)
    {
        var zone = time.LocalTimeZone;
        var local = TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone);
        return new DateTimeOffset(local.Date, zone.GetUtcOffset(local.Date));
    }
}
