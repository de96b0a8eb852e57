using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.CashAcceptors.Id003;
using SevaKiosk.Hal.Devices;

namespace SevaKiosk.Tools.Diag;

/// <summary>
/// <c>kioskctl diag validator --protocol ssp|id003|cctalk --port PATH [--json] [--accept-seconds N]</c>: connects,
/// prints identity, status and counters; with <c>--accept-seconds</c> enables acceptance and returns every note (no
/// credit). ID-003 takes <c>--echo</c> and <c>--country-code</c>; ccTalk takes <c>--address</c> and
/// <c>--checksum simple|crc</c>.
/// </summary>
internal static class ValidatorDiagCommand
{
    public static Command Create()
    {
        var protocol = new Option<string>("--protocol") { Description = "Validator protocol.", Required = true };
        protocol.AcceptOnlyFromAmong(ValidatorDrivers.Protocols);
        var port = new Option<string>("--port") { Description = "Serial port path, e.g. /dev/serial/by-id/usb-ITL... or /dev/pts/N.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of text." };
        var acceptSeconds = new Option<int>("--accept-seconds") { Description = "Enable acceptance for N seconds; every note is returned, none credited." };
        var connectSeconds = new Option<int>("--connect-seconds") { Description = "How long to wait for the device to answer.", DefaultValueFactory = _ => 5 };
        var currency = new Option<string>("--currency") { Description = "Currency whose notes to enable.", DefaultValueFactory = _ => "INR" };
        var encrypted = new Option<bool>("--encrypted") { Description = "Negotiate eSSP encryption (SSP)." };
        var fixedKey = new Option<string?>("--fixed-key") { Description = "eSSP fixed key, 16 hex digits." };
        var serial = new Option<string?>("--serial") { Description = "Line settings like 9600,8N2 (default: the protocol's; ID-003 9600,8E1, some units 19200,8E1)." };
        var echo = new Option<Id003EchoMode>("--echo") { Description = "ID-003: the adapter echoes our bytes: Auto (learned), Present or Absent.", DefaultValueFactory = _ => Id003EchoMode.Auto };
        var countryCode = new Option<string?>("--country-code") { Description = "ID-003: the unit's country code for --currency in its currency table, 2 hex digits (INR is 63 by default, UNCONFIRMED)." };
        countryCode.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } text && !byte.TryParse(text, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out _))
            {
                r.AddError($"--country-code is two hex digits, for example 63; got '{text}'.");
            }
        });

        var address = new Option<byte?>("--address") { Description = "ccTalk bus address of the validator (default 40)." };
        var checksum = new Option<string?>("--checksum") { Description = "ccTalk checksum mode: simple (default) or crc." };
        checksum.AcceptOnlyFromAmong(ValidatorDrivers.CcTalkChecksums);

        var command = new Command("validator", "Identity, status and counters of a banknote validator; optionally watch notes (all returned).")
        {
            protocol, port, json, acceptSeconds, connectSeconds, currency, encrypted, fixedKey, serial, echo, countryCode, address, checksum,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var options = new ValidatorDiagOptions(
                result.GetValue(currency)!,
                result.GetValue(encrypted),
                result.GetValue(fixedKey) is { } key ? ulong.Parse(key, NumberStyles.HexNumber, CultureInfo.InvariantCulture) : null,
                result.GetValue(serial),
                result.GetValue(echo),
                result.GetValue(countryCode) is { } country ? byte.Parse(country, NumberStyles.HexNumber, CultureInfo.InvariantCulture) : null,
                result.GetValue(address),
                result.GetValue(checksum));
            return await RunAsync(
                result.GetValue(protocol)!, result.GetValue(port)!, options, result.GetValue(json),
                TimeSpan.FromSeconds(result.GetValue(connectSeconds)), TimeSpan.FromSeconds(result.GetValue(acceptSeconds)),
                Console.Out, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    public static async Task<int> RunAsync(
        string protocol, string port, ValidatorDiagOptions options, bool json, TimeSpan connect, TimeSpan accept,
        TextWriter output, CancellationToken cancellationToken)
    {
        var seen = new EventLog();
        await using var validator = ValidatorDrivers.Open(protocol, port, options);
        using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            connectTimeout.CancelAfter(connect);
            try
            {
                await validator.StartAsync(seen, connectTimeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                var faults = string.Join("; ", validator.ActiveFaults.Select(f => f.Message));
                await Console.Error.WriteLineAsync($"No {protocol} validator answered on {port} within {connect.TotalSeconds:0} s: {(faults.Length > 0 ? faults : "no reply")}").ConfigureAwait(false);
                return 1;
            }
        }

        var counters = await validator.ReadCountersAsync(cancellationToken).ConfigureAwait(false);
        if (!json)
        {
            await WriteIdentityAsync(output, protocol, port, validator, counters).ConfigureAwait(false);
        }

        if (accept > TimeSpan.Zero)
        {
            if (!json)
            {
                await output.WriteLineAsync($"Accepting for {accept.TotalSeconds:0} s: every note is returned, none credited.").ConfigureAwait(false);
                seen.Echo = output;
            }

            var transaction = await validator.BeginCashInAsync(new CashInRequest(options.Currency), ReturnEverything.Instance, cancellationToken).ConfigureAwait(false);
            try
            {
                await Task.Delay(accept, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C ends the watch early; the note in escrow still goes back.
            }

            await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
        }

        if (json)
        {
            await output.WriteLineAsync(ToJson(protocol, port, validator, counters, seen).ToJsonString(new JsonSerializerOptions { WriteIndented = false })).ConfigureAwait(false);
        }
        else if (accept > TimeSpan.Zero)
        {
            await output.WriteLineAsync(seen.Summary()).ConfigureAwait(false);
        }

        return 0;
    }

    private static async Task WriteIdentityAsync(TextWriter output, string protocol, string port, ICashAcceptor validator, CashAcceptorCounters counters)
    {
        var c = validator.Capabilities!;
        var s = validator.Status;
        await output.WriteLineAsync($"Validator on {port}: {protocol} protocol version {c.ProtocolVersion}{(c.Encrypted ? " (encrypted)" : string.Empty)}").ConfigureAwait(false);
        await output.WriteLineAsync($"  Model:     {c.Model}").ConfigureAwait(false);
        await output.WriteLineAsync($"  Serial:    {c.SerialNumber}").ConfigureAwait(false);
        await output.WriteLineAsync($"  Firmware:  {c.FirmwareVersion}").ConfigureAwait(false);
        await output.WriteLineAsync($"  Dataset:   {c.DatasetVersion ?? "-"}").ConfigureAwait(false);
        await output.WriteLineAsync($"  Country:   {c.Currency}").ConfigureAwait(false);
        await output.WriteLineAsync($"  Notes:     {string.Join("  ", c.Denominations.Select(d => $"{d.DeviceCode}:{d.Value}{(d.Enabled ? string.Empty : "(inhibited)")}"))}").ConfigureAwait(false);
        await output.WriteLineAsync($"  Status:    {s.Device}, acceptor {s.Acceptor}, cash box {s.Cashbox}").ConfigureAwait(false);
        var faults = validator.ActiveFaults;
        await output.WriteLineAsync($"  Faults:    {(faults.Count == 0 ? "none" : string.Join("; ", faults.Select(f => $"{f.Code} ({f.Action}): {f.Message}")))}").ConfigureAwait(false);
        await output.WriteLineAsync($"  Counters:  stacked {Show(counters.Stacked)}, rejected {Show(counters.Rejected)}, stored {Show(counters.Stored)}, dispensed {Show(counters.Dispensed)}, transferred {Show(counters.Transferred)}").ConfigureAwait(false);
        foreach (var line in ValidatorDrivers.DetailLines(validator))
        {
            await output.WriteLineAsync($"  {line}").ConfigureAwait(false);
        }
    }

    private static string Show(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "-";

    private static JsonObject ToJson(string protocol, string port, ICashAcceptor validator, CashAcceptorCounters counters, EventLog seen)
    {
        var c = validator.Capabilities!;
        var s = validator.Status;
        return new JsonObject
        {
            ["port"] = port,
            ["protocol"] = protocol,
            ["protocolVersion"] = c.ProtocolVersion,
            ["model"] = c.Model,
            ["serial"] = c.SerialNumber,
            ["firmware"] = c.FirmwareVersion,
            ["dataset"] = c.DatasetVersion,
            ["country"] = c.Currency,
            ["encrypted"] = c.Encrypted,
            ["channels"] = new JsonArray(c.Denominations.Select(d => (JsonNode)new JsonObject
            {
                ["code"] = d.DeviceCode,
                ["value"] = d.Value.Amount,
                ["currency"] = d.Value.Currency,
                ["enabled"] = d.Enabled,
            }).ToArray()),
            ["status"] = new JsonObject { ["device"] = s.Device.ToString(), ["acceptor"] = s.Acceptor.ToString(), ["cashbox"] = s.Cashbox.ToString() },
            ["faults"] = new JsonArray(validator.ActiveFaults.Select(f => (JsonNode)new JsonObject
            {
                ["code"] = f.Code,
                ["severity"] = f.Severity.ToString(),
                ["action"] = f.Action.ToString(),
                ["message"] = f.Message,
            }).ToArray()),
            ["counters"] = new JsonObject
            {
                ["stacked"] = counters.Stacked,
                ["rejected"] = counters.Rejected,
                ["stored"] = counters.Stored,
                ["dispensed"] = counters.Dispensed,
                ["transferred"] = counters.Transferred,
            },
            ["seen"] = new JsonArray(seen.Events.Select(e => (JsonNode)EventJson(e)).ToArray()),
            ["details"] = ValidatorDrivers.Details(validator),
        };
    }

    private static JsonObject EventJson(CashAcceptorEvent e)
    {
        var o = new JsonObject { ["at"] = e.At.ToString("O", CultureInfo.InvariantCulture), ["kind"] = e.Kind };
        switch (e)
        {
            case NoteEscrowed x:
                o["note"] = x.Note.Value?.Amount;
                break;
            case NoteReturned x:
                o["note"] = x.Note.Value?.Amount;
                o["cause"] = x.Cause.ToString();
                break;
            case NoteRejected x:
                o["reason"] = x.Reason;
                break;
            case NoteCredited x:
                o["note"] = x.Note.Value?.Amount;
                break;
            case NoteClearedAtPowerUp x:
                o["note"] = x.Note?.Value?.Amount;
                break;
            case FraudDetected x:
                o["detail"] = x.Detail;
                break;
            case CashboxChanged x:
                o["cashbox"] = x.State.ToString();
                break;
            case DeviceReset x:
                o["detail"] = x.Detail;
                break;
        }

        return o;
    }

    /// <summary>Returns every note: a diagnostic must never take a citizen's or a technician's money.</summary>
    private sealed class ReturnEverything : ICashInHandler
    {
        public static readonly ReturnEverything Instance = new();

        public ValueTask<EscrowDecision> DecideAsync(EscrowedNote note, CancellationToken cancellationToken) =>
            ValueTask.FromResult(EscrowDecision.Return);
    }

    private sealed class EventLog : ICashAcceptorObserver
    {
        private readonly List<CashAcceptorEvent> _events = [];

        public TextWriter? Echo { get; set; }

        public IReadOnlyList<CashAcceptorEvent> Events
        {
            get
            {
                lock (_events)
                {
                    return _events.ToArray();
                }
            }
        }

        public async ValueTask OnEventAsync(CashAcceptorEvent e, CancellationToken cancellationToken)
        {
            lock (_events)
            {
                _events.Add(e);
            }

            if (Echo is { } echo)
            {
                await echo.WriteLineAsync($"  {e.At.ToLocalTime():HH:mm:ss} {Describe(e)}").ConfigureAwait(false);
            }
        }

        public string Summary()
        {
            var events = Events;
            var returned = events.OfType<NoteReturned>().Select(r => r.Note.ToString()).ToArray();
            var rejected = events.OfType<NoteRejected>().Select(r => r.Reason).ToArray();
            var credited = events.OfType<NoteCredited>().Count();
            return $"Saw {returned.Length} note(s) returned [{string.Join(", ", returned)}], {rejected.Length} rejected [{string.Join(", ", rejected)}], {credited} credited.";
        }

        private static string Describe(CashAcceptorEvent e) => e switch
        {
            NoteEscrowed x => $"{e.Kind} {x.Note}",
            NoteReturned x => $"{e.Kind} {x.Note} ({x.Cause})",
            NoteRejected x => $"{e.Kind} {x.Reason}",
            NoteCredited x => $"{e.Kind} {x.Note}",
            NoteClearedAtPowerUp x => $"{e.Kind} {x.Note?.ToString() ?? "unknown note"}",
            _ => e.Kind,
        };
    }
}
