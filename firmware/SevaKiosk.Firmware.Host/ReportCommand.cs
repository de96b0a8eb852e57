using System.CommandLine;
using SevaKiosk.Firmware.Hosting;
using SevaKiosk.Firmware.Journal;

namespace SevaKiosk.Firmware.Host;

/// <summary><c>sevakiosk report x|z [--data DIR] [--json]</c>: the cash reports straight from the journal.</summary>
internal static class ReportCommand
{
    public static Command Create(Option<string?> config, Option<string?> data)
    {
        var kind = new Argument<string>("kind") { Description = "x: interim, changes nothing; z: closes the accounting period." };
        kind.AcceptOnlyFromAmong("x", "z");
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var command = new Command("report", "Print the X (interim) or Z (period-closing) cash report from the journal.") { kind, data, config, json };
        command.SetAction(parse =>
        {
            if (KioskCommands.LoadSettings(parse, out _) is not { } settings)
            {
                return ExitCodes.Configuration;
            }

            var directory = Path.GetFullPath(settings.Kiosk.DataDirectory);
            if (!File.Exists(Path.Combine(directory, JournalDatabase.FileName)))
            {
                Console.Error.WriteLine($"sevakiosk: no journal in {directory} (use --data DIR)");
                return ExitCodes.Configuration;
            }

            using var journal = new KioskJournal(JournalDatabase.Open(directory, [new OutboxBridge(settings.Kiosk.MachineId, new Agent.SystemMachineClock(TimeProvider.System))]))
            {
                MachineId = settings.Kiosk.MachineId,
            };
            var report = parse.GetValue(kind) == "z" ? journal.ZReport() : journal.XReport();
            Console.Out.Write(parse.GetValue(json) ? CashReportFormat.ToJsonText(report) + Environment.NewLine : CashReportFormat.ToText(report));
            return ExitCodes.Ok;
        });
        return command;
    }
}
