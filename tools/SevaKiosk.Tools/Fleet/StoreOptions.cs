using System.CommandLine;
using System.Globalization;

namespace SevaKiosk.Tools.Fleet;

/// <summary>
/// The local store and the persistent broker session that fills it (<c>report</c> and <c>faults</c>):
/// <c>--store</c>, <c>--session</c>, <c>--collect</c>, <c>--quiet</c>, <c>--session-expiry</c>.
/// </summary>
internal sealed class StoreOptions
{
    public Option<string> Store { get; } = new("--store")
    {
        Description = "Local SQLite store of the fleet's transactions and faults (kept between runs).",
        DefaultValueFactory = _ => FleetStore.DefaultPath,
    };

    public Option<string> Session { get; } = new("--session")
    {
        Description = "Persistent MQTT session (client id) that queues transactions and faults on the broker between runs.",
        DefaultValueFactory = _ => FleetCollector.DefaultSession,
    };

    public Option<string> Collect { get; } = new("--collect")
    {
        Description = "With --broker: drain the session's queue for at most this long before reporting.",
        DefaultValueFactory = _ => "30s",
    };

    public Option<string> Quiet { get; } = new("--quiet")
    {
        Description = "With --broker: stop draining once nothing has arrived for this long.",
        DefaultValueFactory = _ => "2s",
    };

    public Option<string> SessionExpiry { get; } = new("--session-expiry")
    {
        Description = "How long the broker keeps the session and its queue while kioskctl is not running.",
        DefaultValueFactory = _ => "30d",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Store);
        command.Options.Add(Session);
        command.Options.Add(Collect);
        command.Options.Add(Quiet);
        command.Options.Add(SessionExpiry);
    }

    /// <summary>
    /// Opens the store; with a broker, first drains the session into it and reports on stderr what came in. Without one,
    /// the store must exist already (an earlier run filled it).
    /// </summary>
    public async Task<FleetStore> OpenAsync(ParseResult result, BrokerConnection? broker, TextWriter error, TimeProvider time, CancellationToken cancellationToken)
    {
        var path = result.GetValue(Store)!;
        if (broker is null && !File.Exists(path))
        {
            throw new FleetInputException($"give --broker URL (to collect) or --from FILE; there is no store at {path} yet.");
        }

        var session = result.GetValue(Session)!;
        if (!Protocol.Mqtt.KioskTopics.IsValidMachineId(session))
        {
            throw new FleetInputException($"--session '{session}' must be 1-64 of A-Z a-z 0-9 - _ .");
        }

        var window = Durations.Parse(result.GetValue(Collect)!, "--collect");
        var quiet = Durations.Parse(result.GetValue(Quiet)!, "--quiet");
        var expiry = Durations.Parse(result.GetValue(SessionExpiry)!, "--session-expiry");
        var store = new FleetStore(path);
        if (broker is null)
        {
            return store;
        }

        try
        {
            var collected = await FleetCollector.DrainAsync(broker, store, session, expiry, window, quiet, time, cancellationToken).ConfigureAwait(false);
            await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"collected {collected.Stored} message(s) in {collected.Took.TotalSeconds:0.0} s ({(collected.SessionPresent ? "session resumed" : "new session: history starts now")}; {collected.Ignored} ignored) into {path}"))
                .ConfigureAwait(false);
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }
}
