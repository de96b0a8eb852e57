using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SevaKiosk.Firmware.Receipts;
using SevaKiosk.Hal.Links;
using SevaKiosk.Hal.Printers;
using SevaKiosk.Tools.Receipt;

namespace SevaKiosk.Tools.Diag;

/// <summary>
/// <c>kioskctl diag printer --port PATH [--json] [--test-page]</c>: opens the printer, reads all four real-time
/// statuses and prints the profile and the status fields <c>online</c>, <c>paper</c> (ok/near-end/end),
/// <c>coverOpen</c>, <c>cutterError</c>; with <c>--test-page</c> it prints a test page and says whether it printed.
/// Exit code 0 when the printer can print (and the test page printed), 1 when it cannot, 2 for bad arguments.
/// </summary>
internal static class PrinterDiagCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create()
    {
        var port = new Option<string>("--port") { Description = "Serial port of the printer, for example /dev/serial/by-id/... or a simulator's /dev/pts/N.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of text." };
        var testPage = new Option<bool>("--test-page") { Description = "Print a test page (styles, barcode, QR, shaped Hindi) and report the result." };
        var profile = PrinterCommandParts.ProfileOption();
        var serial = new Option<string>("--serial") { Description = "Line settings BAUD,8N1.", DefaultValueFactory = _ => "115200,8N1" };
        var flow = new Option<string>("--flow-control")
        {
            Description = "xonxoff, dsr, ack (GS r after each chunk) or none.",
            DefaultValueFactory = _ => "xonxoff",
        };
        flow.AcceptOnlyFromAmong([.. PrinterSettings.FlowControlNames]);
        var fontDir = new Option<string?>("--font-dir") { Description = $"Folder with the Noto fonts for the test page's Hindi line (default {ReceiptFonts.DefaultDirectory})." };

        var command = new Command("printer", "Read an ESC/POS receipt printer's status (DLE EOT 1-4) and optionally print a test page.")
        {
            port, json, testPage, profile, serial, flow, fontDir,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var settings = new PrinterSettings
            {
                Port = result.GetValue(port),
                Serial = result.GetValue(serial)!,
                Profile = result.GetValue(profile)!,
                FlowControl = result.GetValue(flow)!,
            };
            EscPosPrinterOptions options;
            IByteLinkFactory link;
            try
            {
                options = settings.ToOptions();
                link = settings.CreateLink();
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
                return 2;
            }

            await using var printer = new EscPosPrinter(link, options);
            await printer.StartAsync(cancellationToken).ConfigureAwait(false);
            var status = await printer.RefreshStatusAsync(cancellationToken).ConfigureAwait(false);

            PrintJobResult? printed = null;
            if (result.GetValue(testPage))
            {
                try
                {
                    using var fonts = ReceiptFonts.Load(result.GetValue(fontDir));
                    var page = new ReceiptComposer(options.Profile, fonts).Compose(PrinterTestPage.Create(printer.Capabilities, DateTimeOffset.Now));
                    printed = await printer.PrintAsync(new PrintJob("test-page", page), cancellationToken).ConfigureAwait(false);
                    status = printer.Status;
                }
                catch (FileNotFoundException ex)
                {
                    await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
                    return 1;
                }
            }

            var report = Report(printer, status, printed);
            Console.WriteLine(result.GetValue(json) ? report.ToJsonString(Indented) : Text(report));
            var ok = status.CanPrint && (printed is null || printed.Printed);
            return ok ? 0 : 1;
        });
        return command;
    }

    private static JsonObject Report(EscPosPrinter printer, PrinterStatus status, PrintJobResult? printed)
    {
        var caps = printer.Capabilities;
        var report = new JsonObject
        {
            ["port"] = caps.Link,
            ["profile"] = new JsonObject
            {
                ["name"] = caps.Profile,
                ["description"] = caps.Description,
                ["dotsPerLine"] = caps.DotsPerLine,
                ["dotsPerInch"] = caps.DotsPerInch,
                ["columns"] = caps.Columns,
                ["cut"] = caps.Cut.ToString(),
                ["nativeQr"] = caps.NativeQr,
                ["automaticStatusBack"] = caps.AutomaticStatusBack,
                ["flowControl"] = caps.FlowControl.ToString(),
            },
            ["status"] = new JsonObject
            {
                ["state"] = status.Device.ToString(),
                ["online"] = status.Online,
                ["paper"] = status.Paper switch
                {
                    PaperState.Ok => "ok",
                    PaperState.NearEnd => "near-end",
                    PaperState.End => "end",
                    _ => "unknown",
                },
                ["coverOpen"] = status.CoverOpen,
                ["cutterError"] = status.CutterError,
                ["recoverableError"] = status.RecoverableError,
                ["unrecoverableError"] = status.UnrecoverableError,
                ["autoRecoverableError"] = status.AutoRecoverableError,
                ["canPrint"] = status.CanPrint,
            },
            ["faults"] = new JsonArray([.. printer.ActiveFaults.Select(f => (JsonNode)new JsonObject
            {
                ["code"] = f.Code,
                ["severity"] = f.Severity.ToString(),
                ["action"] = f.Action.ToString(),
                ["message"] = f.Message,
            })]),
        };
        if (printed is not null)
        {
            report["testPage"] = new JsonObject
            {
                ["printed"] = printed.Printed,
                ["reason"] = printed.Reason,
                ["bytesSent"] = printed.Progress.BytesSent,
                ["bytesConfirmed"] = printed.Progress.BytesConfirmed,
                ["totalBytes"] = printed.Progress.TotalBytes,
                ["linesConfirmed"] = printed.Progress.LinesConfirmed,
                ["totalLines"] = printed.Progress.TotalLines,
            };
        }

        return report;
    }

    private static string Text(JsonObject report)
    {
        var profile = report["profile"]!.AsObject();
        var status = report["status"]!.AsObject();
        var lines = new List<string>
        {
            $"Printer on {report["port"]}",
            $"profile      {profile["name"]}: {profile["description"]}",
            string.Create(CultureInfo.InvariantCulture,
                $"             {profile["dotsPerLine"]} dots, {profile["columns"]} columns, cut {profile["cut"]}, native QR {YesNo(profile["nativeQr"])}, ASB {YesNo(profile["automaticStatusBack"])}, flow control {profile["flowControl"]}"),
            $"state        {status["state"]}",
            $"online       {YesNo(status["online"])}",
            $"paper        {status["paper"]}",
            $"coverOpen    {YesNo(status["coverOpen"])}",
            $"cutterError  {YesNo(status["cutterError"])}",
            $"canPrint     {YesNo(status["canPrint"])}",
        };
        var faults = report["faults"]!.AsArray();
        lines.Add(faults.Count == 0 ? "faults       none" : "faults");
        lines.AddRange(faults.Select(f => $"  {f!["code"]} ({f["severity"]}, {f["action"]}): {f["message"]}"));
        if (report["testPage"] is JsonObject page)
        {
            lines.Add($"test page    {((bool)page["printed"]! ? "printed" : "NOT printed")}: {page["reason"]} ({page["linesConfirmed"]}/{page["totalLines"]} lines confirmed)");
        }

        return string.Join(Environment.NewLine, lines);
    }

    private static string YesNo(JsonNode? value) => value is not null && value.GetValue<bool>() ? "yes" : "no";
}
