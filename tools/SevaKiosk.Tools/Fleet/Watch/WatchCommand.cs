using System.CommandLine;

namespace SevaKiosk.Tools.Fleet.Watch;

/// <summary><c>kioskctl watch --broker URL [--block NAME]</c>.</summary>
internal static class WatchCommand
{
    public static Command Create(TimeProvider? time = null)
    {
        var broker = new BrokerOptions();
        var block = new Option<string?>("--block") { Description = "Show only the machines of this block (as provisioned; case does not matter)." };
        var silentAfter = new Option<string>("--silent-after")
        {
            Description = "A machine not known to be offline that says nothing (no telemetry, status, fault) for this long is SILENT: red and listed first.",
            DefaultValueFactory = _ => "3m",
        };
        var once = new Option<bool>("--once") { Description = "Print one table as soon as the retained state has arrived, then exit (for scripts and tests)." };
        var forTime = new Option<string?>("--for") { Description = "Listen for this long (30s, 5m, ...), then print one table and exit." };
        var refresh = new Option<string>("--refresh") { Description = "Redraw interval of the live table.", DefaultValueFactory = _ => "2s" };
        var width = new Option<int?>("--width") { Description = "Table width in columns when the output is not a terminal (default 160)." };
        var command = new Command(
            "watch",
            "Live table of the fleet from the broker: online/offline and since when, active faults with the recommended action, paper, cash-box fill, " +
            "transactions today, firmware, last seen. Silent machines are red and listed first, then offline ones, then those with faults.")
        {
            block, silentAfter, once, forTime, refresh, width,
        };
        broker.AddTo(command);
        command.SetAction((result, cancellationToken) => FleetCommand.RunAsync(result.InvocationConfiguration.Error, () =>
        {
            var connection = broker.Read(result) ?? throw new FleetInputException("--broker URL is required.");
            var duration = result.GetValue(forTime) is { } text ? Durations.Parse(text, "--for") : TimeSpan.Zero;
            if (result.GetValue(once) && duration > TimeSpan.Zero)
            {
                throw new FleetInputException("--once and --for exclude each other.");
            }

            var request = new WatchRequest(
                connection,
                result.GetValue(block),
                Durations.Parse(result.GetValue(silentAfter)!, "--silent-after"),
                result.GetValue(once) ? WatchMode.Once : duration > TimeSpan.Zero ? WatchMode.For : WatchMode.Live,
                duration,
                Durations.Parse(result.GetValue(refresh)!, "--refresh"));
            var console = FleetCommand.Console(result.InvocationConfiguration.Output, result.GetValue(width));
            return WatchRunner.RunAsync(request, console, time ?? TimeProvider.System, cancellationToken);
        }));
        return command;
    }
}
