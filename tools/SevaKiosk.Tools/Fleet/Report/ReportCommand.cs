using System.CommandLine;

namespace SevaKiosk.Tools.Fleet.Report;

/// <summary>
/// <c>kioskctl report --broker URL | --from FILE [--period ...] [--by machine|panchayat|block|district] [--json|--csv] [--chart OUT.png]</c>
/// and <c>kioskctl report sample --out DIR</c>.
/// </summary>
internal static class ReportCommand
{
    public static Command Create(TimeProvider? time = null)
    {
        var broker = new BrokerOptions();
        var store = new StoreOptions();
        var from = new Option<string?>("--from") { Description = "Report on an export instead: transactions as JSON lines (as published on tx) or CSV." };
        var machines = new Option<string?>("--machines") { Description = $"Machine directory CSV for --from (machineId,panchayat,block,district); default {DatasetFiles.DirectoryFileName} next to the --from file." };
        var period = new Option<string?>("--period") { Description = "Days to report: all (default), 2026, 2026-03, 2026-03-15, or FROM..TO of those (both included)." };
        var offset = new Option<string>("--utc-offset") { Description = "Time zone of the period's days.", DefaultValueFactory = _ => "+05:30" };
        var by = new Option<string>("--by") { Description = "Group by machine, panchayat, block or district.", DefaultValueFactory = _ => "block" };
        by.AcceptOnlyFromAmong("machine", "panchayat", "block", "district");
        var top = new Option<int?>("--top") { Description = "Only the N best units (rankings: --by panchayat --top 10 = the state's top panchayats)." };
        var json = new Option<bool>("--json") { Description = "JSON instead of a table." };
        var csv = new Option<bool>("--csv") { Description = "CSV instead of a table." };
        var chart = new Option<string?>("--chart") { Description = $"Also draw a PNG bar chart here (the --top units, else the best {ReportChart.DefaultBars})." };
        var width = new Option<int?>("--width") { Description = "Table width in columns when the output is not a terminal (default 160)." };
        var command = new Command(
            "report",
            "Transactions and amounts per machine, panchayat, block or district for a period: per-machine averages, each unit's share of its parent " +
            "(district of the state, block of its district, ...) and rankings. From the broker's transaction stream kept in a local SQLite store, or from an export.")
        {
            from, machines, period, offset, by, top, json, csv, chart, width,
        };
        broker.AddTo(command);
        store.AddTo(command);
        command.Subcommands.Add(SampleCommand());
        command.SetAction((result, cancellationToken) => FleetCommand.RunAsync(result.InvocationConfiguration.Error, async () =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            if (result.GetValue(json) && result.GetValue(csv))
            {
                throw new FleetInputException("--json and --csv exclude each other.");
            }

            var connection = broker.Read(result);
            var file = result.GetValue(from);
            if (connection is not null && file is not null)
            {
                throw new FleetInputException("--broker and --from exclude each other.");
            }

            var reportPeriod = ReportPeriod.Parse(result.GetValue(period), ReportPeriod.ParseOffset(result.GetValue(offset)!));
            var level = Enum.Parse<ReportLevel>(result.GetValue(by)!, ignoreCase: true);
            if (result.GetValue(top) is <= 0)
            {
                throw new FleetInputException("--top must be a positive number.");
            }

            using var data = file is not null
                ? Import(file, result.GetValue(machines))
                : await store.OpenAsync(result, connection, error, time ?? TimeProvider.System, cancellationToken).ConfigureAwait(false);
            var report = FleetReport.Compute(data.Machines(), data.Totals(reportPeriod.From, reportPeriod.Until), reportPeriod, level);
            var n = result.GetValue(top);
            if (result.GetValue(json))
            {
                ReportWriters.Json(report, output, n);
            }
            else if (result.GetValue(csv))
            {
                ReportWriters.Csv(report, output, n);
            }
            else
            {
                ReportWriters.Table(report, FleetCommand.Console(output, result.GetValue(width)), n);
            }

            if (result.GetValue(chart) is { } png)
            {
                ReportChart.Write(report, png, n);
                await error.WriteLineAsync($"chart written to {png}").ConfigureAwait(false);
            }

            return 0;
        }));
        return command;
    }

    private static FleetStore Import(string file, string? machines)
    {
        var store = new FleetStore(":memory:");
        try
        {
            DatasetFiles.ImportTransactions(store, file);
            var directory = machines ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".", DatasetFiles.DirectoryFileName);
            if (machines is not null || File.Exists(directory))
            {
                DatasetFiles.ImportMachines(store, directory);
            }

            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    private static Command SampleCommand()
    {
        var output = new Option<string>("--out") { Description = "Directory for transactions.jsonl and machines.csv.", Required = true };
        var command = new Command(
            "sample",
            "Write a synthetic fleet export (85 machines in 5 blocks of 2 districts; Jan-May 2026 IST: 11,100 payments, Bassi block 4,572 = 60% of Jaipur district) " +
            "to try the report: kioskctl report --from DIR/transactions.jsonl --period 2026-01..2026-05")
        {
            output,
        };
        command.SetAction((result, _) => FleetCommand.RunAsync(result.InvocationConfiguration.Error, async () =>
        {
            var (transactions, machines) = SampleDataset.Write(result.GetValue(output)!);
            await result.InvocationConfiguration.Output.WriteLineAsync($"{transactions}\n{machines}").ConfigureAwait(false);
            return 0;
        }));
        return command;
    }
}
