using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using SevaKiosk.Simulator.Backend;
using SevaKiosk.Simulator.Control;

namespace SevaKiosk.Simulator.Cli;

/// <summary>
/// <c>sevakiosk-sim backend --broker URL [--accounts FILE]</c>: the demo fleet backend. Prints JSON lines (first
/// <c>{"event":"started",...}</c>, then what it does); reads control lines on stdin:
/// <c>{"down":true}</c>, <c>{"delayMs":3000}</c>, <c>{"pending":true}</c>, <c>{"normal":true}</c>, <c>{"stats":true}</c>.
/// </summary>
internal static class BackendCommand
{
    public static Command Create()
    {
        var broker = new Option<string>("--broker") { Description = "Broker URL, mqtt://host:port or mqtts://host:port.", Required = true };
        var accounts = new Option<FileInfo?>("--accounts") { Description = "Consumer accounts JSON (default: the built-in demo accounts)." };
        var ledger = new Option<string>("--ledger") { Description = "SQLite file for what was received (default: in memory).", DefaultValueFactory = _ => ":memory:" };
        var username = new Option<string?>("--username") { Description = "Broker username." };
        var password = new Option<string?>("--password") { Description = "Broker password (or SEVAKIOSK_BACKEND_PASSWORD)." };
        var ca = new Option<FileInfo?>("--ca") { Description = "PEM CA file for mqtts://." };
        var command = new Command("backend", "Run the demo fleet backend: bill fetch, payments and transaction acks over MQTT.")
        {
            broker, accounts, ledger, username, password, ca,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            AccountFixture fixture;
            try
            {
                fixture = result.GetValue(accounts) is { } file ? AccountFixture.Load(file.FullName) : AccountFixture.Demo;
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
                return 2;
            }

            var options = new DemoBackendOptions
            {
                Broker = result.GetValue(broker)!,
                Accounts = fixture,
                LedgerPath = result.GetValue(ledger)!,
                Username = result.GetValue(username),
                Password = result.GetValue(password) ?? Environment.GetEnvironmentVariable("SEVAKIOSK_BACKEND_PASSWORD"),
                CaCertificateFile = result.GetValue(ca)?.FullName,
            };
            return await RunAsync(options, Console.In, Console.Out, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    public static async Task<int> RunAsync(DemoBackendOptions options, TextReader input, TextWriter output, CancellationToken cancellationToken)
    {
        var writer = new JsonLineWriter(output);
        await using var backend = new DemoBackend(options);
        backend.EventOccurred += (_, e) => writer.Write(new JsonObject { ["event"] = e.Kind, ["detail"] = e.Detail });
        writer.Write(new JsonObject { ["event"] = "started", ["broker"] = options.Broker, ["accounts"] = options.Accounts.Accounts.Count });
        backend.Start();
        while (!cancellationToken.IsCancellationRequested)
        {
            var line = await input.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line is null)
            {
                // No more control input (stdin closed): keep serving until cancelled (Ctrl-C / SIGTERM).
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
                break;
            }

            Apply(backend, line, writer);
        }

        return 0;
    }

    private static void Apply(DemoBackend backend, string line, JsonLineWriter writer)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        try
        {
            var control = JsonNode.Parse(line)?.AsObject() ?? throw new JsonException("expected an object");
            var behaviour = backend.Behaviour;
            if (control["normal"]?.GetValue<bool>() == true)
            {
                behaviour = BackendBehaviour.Normal;
            }

            if (control["down"] is { } down)
            {
                behaviour = behaviour with { Down = down.GetValue<bool>() };
            }

            if (control["delayMs"] is { } delay)
            {
                behaviour = behaviour with { Delay = TimeSpan.FromMilliseconds(delay.GetValue<int>()) };
            }

            if (control["pending"] is { } pending)
            {
                behaviour = behaviour with { AnswerPending = pending.GetValue<bool>() };
            }

            backend.Behaviour = behaviour;
            var (transactions, deliveries) = backend.Ledger.Counts();
            writer.Write(new JsonObject
            {
                ["event"] = "behaviour",
                ["down"] = behaviour.Down,
                ["delayMs"] = (int)behaviour.Delay.TotalMilliseconds,
                ["pending"] = behaviour.AnswerPending,
                ["transactions"] = transactions,
                ["deliveries"] = deliveries,
            });
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            writer.Write(new JsonObject { ["error"] = ex.Message, ["line"] = line });
        }
    }
}
