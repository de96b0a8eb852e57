using System.Globalization;
using SevaKiosk.Firmware.Agent.Commands;
using SevaKiosk.Firmware.Engine;
using SevaKiosk.Firmware.Journal;
using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.Printers;

namespace SevaKiosk.Firmware.Hosting;

/// <summary>What the fleet's signed commands do on this machine (the agent has already verified them).</summary>
public sealed class KioskCommandTarget : IKioskCommandTarget
{
    private static readonly HashSet<string> ConfigurableKeys = new(StringComparer.Ordinal)
    {
        "Sessions:InactivityTimeout", "Sessions:DecisionTimeout", "Sessions:Excess", "Sessions:Helpline", "Kiosk:Language",
    };

    private readonly Func<KioskRuntime> _runtime;
    private readonly Action _restart;

    public KioskCommandTarget(Func<KioskRuntime> runtime, Action restart)
    {
        _runtime = runtime;
        _restart = restart;
    }

    private KioskRuntime Runtime => _runtime();

    public Task<CommandResult> SetOutOfServiceAsync(string reason, CancellationToken cancellationToken)
    {
        Runtime.Service.Block("operator", "out of service by command: " + reason);
        Runtime.Journal.RecordEvent(null, "OUT_OF_SERVICE", new { reason });
        return Task.FromResult(CommandResult.Done(Runtime.Service.Describe()));
    }

    public Task<CommandResult> SetInServiceAsync(CancellationToken cancellationToken)
    {
        Runtime.Service.Unblock("operator");
        Runtime.Journal.RecordEvent(null, "IN_SERVICE", null);
        return Task.FromResult(CommandResult.Done(Runtime.Service.Describe()));
    }

    public Task<CommandResult> ApplyConfigurationAsync(long version, IReadOnlyDictionary<string, string> configuration, CancellationToken cancellationToken)
    {
        var unknown = configuration.Keys.Where(k => !ConfigurableKeys.Contains(k)).ToArray();
        if (unknown.Length > 0)
        {
            return Task.FromResult(CommandResult.Refuse($"not configurable remotely: {string.Join(", ", unknown)}"));
        }

        // Stored in the data directory and applied at the next start, with the version that set them.
        var path = Path.Combine(Runtime.DataDirectory, "remote-config.json");
        var document = new Dictionary<string, string>(configuration, StringComparer.Ordinal) { ["Remote:Version"] = version.ToString(CultureInfo.InvariantCulture) };
        File.WriteAllText(path, System.Text.Json.JsonSerializer.Serialize(document));
        Runtime.Journal.RecordEvent(null, "CONFIGURATION_APPLIED", new { version, keys = configuration.Keys });
        return Task.FromResult(CommandResult.Done($"version {version} stored; applied at the next start"));
    }

    public Task<CommandResult> GetStatusAndCountersAsync(CancellationToken cancellationToken)
    {
        var runtime = Runtime;
        var x = runtime.Journal.XReport();
        var data = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["service"] = runtime.Service.Describe(),
            ["validator"] = $"{runtime.Validator.State} {runtime.Validator.Status.Acceptor} cashbox {runtime.Validator.Status.Cashbox}",
            ["printer"] = $"{runtime.Printer.State} paper {runtime.Printer.Status.Paper}",
            ["notes"] = x.NotesTotal.ToString(),
            ["transactions"] = x.Transactions.ToString(CultureInfo.InvariantCulture),
            ["posted"] = x.AmountPosted.ToString(),
            ["acceptedNotPosted"] = x.AcceptedNotPosted.ToString(),
            ["receiptsNotPrinted"] = x.ReceiptsNotPrinted.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var line in x.Denominations)
        {
            data["cashbox." + line.Value.Amount.ToString(CultureInfo.InvariantCulture)] = line.Count.ToString(CultureInfo.InvariantCulture);
        }

        return Task.FromResult(CommandResult.Done(null, data));
    }

    public async Task<CommandResult> ReprintLastReceiptAsync(CancellationToken cancellationToken)
    {
        var runtime = Runtime;
        if (runtime.Journal.LastTransaction() is not { } last)
        {
            return CommandResult.Refuse("no transaction to reprint");
        }

        if (!runtime.Receipts.CanPrint)
        {
            return CommandResult.Refuse("the printer cannot print now");
        }

        var outcome = await runtime.Receipts.PrintAsync(new ReceiptContent(last, runtime.Kiosk.Language, []), cancellationToken).ConfigureAwait(false);
        runtime.Journal.RecordReceipt(last.ReceiptNo, outcome.Printed, outcome.Error, outcome.ImagePath);
        return outcome.Printed ? CommandResult.Done($"receipt {last.ReceiptNo} reprinted") : CommandResult.Refuse(outcome.Error ?? "not printed");
    }

    public async Task<CommandResult> SelfTestAsync(string device, CancellationToken cancellationToken)
    {
        var runtime = Runtime;
        switch (device)
        {
            case "validator":
                try
                {
                    var counters = await runtime.Validator.ReadCountersAsync(cancellationToken).ConfigureAwait(false);
                    return CommandResult.Done($"validator answers; stacked {counters.Stacked}, rejected {counters.Rejected}");
                }
                catch (CashAcceptorException ex)
                {
                    return CommandResult.Refuse(ex.Message);
                }

            case "printer":
                var ready = await runtime.Printer.CheckReadyAsync(cancellationToken).ConfigureAwait(false);
                return ready.CanPrint ? CommandResult.Done("printer ready: " + ready.Reason) : CommandResult.Refuse("printer not ready: " + ready.Reason);
            default:
                return CommandResult.Refuse($"no self-test for '{device}' on this machine");
        }
    }

    public async Task<CommandResult> CashReportAsync(bool closePeriod, bool print, CancellationToken cancellationToken)
    {
        var runtime = Runtime;
        var report = closePeriod ? runtime.Journal.ZReport() : runtime.Journal.XReport();
        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in CashReportFormat.ToJson(report))
        {
            data[key] = value is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var text) ? text : value?.ToJsonString() ?? string.Empty;
        }

        if (!print)
        {
            return CommandResult.Done($"{report.Kind} report", data);
        }

        // A Z report has closed the period by now: it is answered with its figures even if the paper ran out.
        var kiosk = runtime.Kiosk;
        var document = Receipts.CashReportReceipt.Create(report, $"{kiosk.Panchayat}, {kiosk.Block}, {kiosk.District}");
        var name = $"{report.Kind.ToLowerInvariant()}-report-{runtime.Time.GetUtcNow():yyyyMMdd-HHmmss}";
        var printed = runtime.ReceiptPrinter is { } output && runtime.Receipts.CanPrint
            ? await output.PrintDocumentAsync(name, document, Path.Combine(output.Directory, name + ".png"), cancellationToken).ConfigureAwait(false)
            : new ReceiptOutcome(false, "the printer cannot print now", null);
        data["printed"] = printed.Printed ? "true" : "false";
        return CommandResult.Done(printed.Printed ? $"{report.Kind} report printed" : $"{report.Kind} report not printed: {printed.Error}", data);
    }

    public Task<CommandResult> RestartAsync(CancellationToken cancellationToken)
    {
        _restart();
        return Task.FromResult(CommandResult.Done("restarting"));
    }

    public Task<CommandResult> UpdateFirmwareAsync(FirmwareUpdateRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(Runtime.Updates is { } updates
            ? updates.Accept(request)
            : CommandResult.Refuse("over-the-air updates are off: this firmware does not run from a flashed slot layout, or no vendor key is pinned"));
}
