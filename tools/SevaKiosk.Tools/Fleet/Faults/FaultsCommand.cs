using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using SevaKiosk.Protocol.Mqtt;
using SevaKiosk.Tools.Fleet.Report;
using Spectre.Console;

namespace SevaKiosk.Tools.Fleet.Faults;

/// <summary><c>kioskctl faults --broker URL --machine ID</c>: a machine's fault history and counters.</summary>
internal static class FaultsCommand
{
    public static Command Create(TimeProvider? time = null)
    {
        var broker = new BrokerOptions();
        var store = new StoreOptions();
        var machine = new Option<string>("--machine") { Description = "The machine id.", Required = true };
        var limit = new Option<int>("--limit") { Description = "History events to show, newest first.", DefaultValueFactory = _ => 50 };
        var offset = new Option<string>("--utc-offset") { Description = "Time zone for the times shown.", DefaultValueFactory = _ => "+05:30" };
        var json = new Option<bool>("--json") { Description = "JSON instead of tables." };
        var width = new Option<int?>("--width") { Description = "Table width in columns when the output is not a terminal (default 160)." };
        var command = new Command(
            "faults",
            "A machine's fault history (every raise and clear on its faults topic, kept in the local store through the persistent session) " +
            "and counters per fault code: raised, cleared, active now, with the recommended action.")
        {
            machine, limit, offset, json, width,
        };
        broker.AddTo(command);
        store.AddTo(command);
        command.SetAction((result, cancellationToken) => FleetCommand.RunAsync(result.InvocationConfiguration.Error, async () =>
        {
            var id = result.GetValue(machine)!;
            if (!KioskTopics.IsValidMachineId(id))
            {
                throw new FleetInputException($"--machine '{id}' is not a machine id.");
            }

            var zone = ReportPeriod.ParseOffset(result.GetValue(offset)!);
            using var data = await store.OpenAsync(result, broker.Read(result), result.InvocationConfiguration.Error, time ?? TimeProvider.System, cancellationToken).ConfigureAwait(false);
            var known = data.Machines().FirstOrDefault(m => m.MachineId == id);
            var summary = FaultSummary.Build(known, id, data.FaultHistory(id), data.ActiveFaults(id));
            if (known is null)
            {
                await result.InvocationConfiguration.Error.WriteLineAsync($"kioskctl: nothing is stored about {id} (no meta, transaction or fault seen).").ConfigureAwait(false);
                return 1;
            }

            if (result.GetValue(json))
            {
                WriteJson(summary, result.InvocationConfiguration.Output, result.GetValue(limit));
            }
            else
            {
                WriteTables(summary, FleetCommand.Console(result.InvocationConfiguration.Output, result.GetValue(width)), result.GetValue(limit), zone);
            }

            return 0;
        }));
        return command;
    }

    private static void WriteTables(FaultSummary summary, IAnsiConsole console, int limit, TimeSpan zone)
    {
        var where = summary.Location is { } l ? $"{l.Panchayat}, {l.Block}, {l.District}" : "location unknown";
        var source = summary.ActiveAsOf is { } asOf
            ? $"reported state of {Time(asOf, zone)}"
            : "the last event of each fault: the machine sends no active list";
        console.MarkupLine($"[bold]{Markup.Escape(summary.MachineId)}[/] · {Markup.Escape(where)} · firmware {Markup.Escape(summary.Firmware ?? "?")}");
        if (summary.Active.Count == 0)
        {
            console.MarkupLine($"[green]No active faults[/] (from {Markup.Escape(source)})");
        }
        else
        {
            console.MarkupLine($"[bold]Active now[/] (from {Markup.Escape(source)}):");
            foreach (var f in summary.Active)
            {
                console.MarkupLine($"  [{Colour(f.Action)}]{Markup.Escape(f.Code)}[/] on {Markup.Escape(f.Device)} → {Markup.Escape(f.Action)}: {Markup.Escape(f.Message)} (since {Time(f.Stamp.Wall, zone)})");
            }
        }

        var counters = new Table().Border(TableBorder.Rounded).Title("Counters");
        foreach (var column in new[] { "Code", "Device", "Action", "Raised", "Cleared", "Active now", "Last raised", "Last cleared" })
        {
            counters.AddColumn(column);
        }

        foreach (var c in summary.Counters)
        {
            counters.AddRow(
                new Markup($"[{Colour(c.Action)}]{Markup.Escape(c.Code)}[/]"),
                new Text(c.Device),
                new Text(c.Action),
                new Text(c.Raised.ToString(CultureInfo.InvariantCulture)),
                new Text(c.Cleared.ToString(CultureInfo.InvariantCulture)),
                new Markup(c.ActiveNow ? "[bold red]yes[/]" : "no"),
                new Text(c.LastRaised is { } r ? Time(r, zone) : "-"),
                new Text(c.LastCleared is { } cl ? Time(cl, zone) : "-"));
        }

        console.Write(counters);

        var history = new Table().Border(TableBorder.Rounded).Title($"History (newest first, {Math.Min(limit, summary.History.Count)} of {summary.History.Count})");
        foreach (var column in new[] { "Time (machine clock)", "Device", "Code", "Event", "Severity", "Action", "Message" })
        {
            history.AddColumn(column);
        }

        foreach (var f in summary.History.Take(limit))
        {
            history.AddRow(
                new Text(Time(f.Stamp.Wall, zone)),
                new Text(f.Device),
                new Text(f.Code),
                new Markup(f.Active ? "[red]raised[/]" : "[green]cleared[/]"),
                new Text(f.Severity),
                new Text(f.Action),
                new Text(f.Message));
        }

        console.Write(history);
    }

    private static void WriteJson(FaultSummary summary, TextWriter output, int limit)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("machineId", summary.MachineId);
            json.WriteString("panchayat", summary.Location?.Panchayat);
            json.WriteString("block", summary.Location?.Block);
            json.WriteString("district", summary.Location?.District);
            json.WriteString("firmware", summary.Firmware);
            json.WriteString("activeSource", summary.ActiveAsOf is null ? "events" : "reported-state");
            json.WriteString("activeAsOf", summary.ActiveAsOf?.ToString("O", CultureInfo.InvariantCulture));
            json.WriteStartArray("active");
            foreach (var f in summary.Active)
            {
                Event(json, f);
            }

            json.WriteEndArray();
            json.WriteStartArray("counters");
            foreach (var c in summary.Counters)
            {
                json.WriteStartObject();
                json.WriteString("device", c.Device);
                json.WriteString("code", c.Code);
                json.WriteString("severity", c.Severity);
                json.WriteString("action", c.Action);
                json.WriteNumber("raised", c.Raised);
                json.WriteNumber("cleared", c.Cleared);
                json.WriteBoolean("activeNow", c.ActiveNow);
                json.WriteString("lastRaised", c.LastRaised?.ToString("O", CultureInfo.InvariantCulture));
                json.WriteString("lastCleared", c.LastCleared?.ToString("O", CultureInfo.InvariantCulture));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("history");
            foreach (var f in summary.History.Take(limit))
            {
                Event(json, f);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        output.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static void Event(Utf8JsonWriter json, FaultMessage f)
    {
        json.WriteStartObject();
        json.WriteString("at", f.Stamp.Wall.ToString("O", CultureInfo.InvariantCulture));
        json.WriteString("device", f.Device);
        json.WriteString("code", f.Code);
        json.WriteString("event", f.Active ? "raised" : "cleared");
        json.WriteString("severity", f.Severity);
        json.WriteString("action", f.Action);
        json.WriteString("message", f.Message);
        json.WriteEndObject();
    }

    private static string Time(DateTimeOffset at, TimeSpan zone) => at.ToOffset(zone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Colour(string action) => action switch
    {
        "technician-needed" => "red",
        "operator-can-clear" => "yellow",
        _ => "default",
    };
}
