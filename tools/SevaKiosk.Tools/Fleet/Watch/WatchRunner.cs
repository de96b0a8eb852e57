using System.Buffers;
using MQTTnet;
using SevaKiosk.Protocol.Mqtt;
using Spectre.Console;

namespace SevaKiosk.Tools.Fleet.Watch;

/// <summary>How long <c>kioskctl watch</c> runs: live until Ctrl+C, one snapshot once the retained state has arrived, or a
/// snapshot after listening for a fixed time.</summary>
internal enum WatchMode
{
    Live,
    Once,
    For,
}

internal sealed record WatchRequest(
    BrokerConnection Broker,
    string? Block,
    TimeSpan SilentAfter,
    WatchMode Mode,
    TimeSpan Duration,
    TimeSpan Refresh);

/// <summary>
/// <c>kioskctl watch</c>: subscribes (clean session, nothing left on the broker) to every machine's retained status,
/// meta and reported state and to the live telemetry and faults, and draws <see cref="FleetTable"/>.
/// </summary>
internal static class WatchRunner
{
    /// <summary>Every topic the watch reads.</summary>
    public static IReadOnlyList<string> Filters { get; } =
        ["status", "meta", "state/reported", "telemetry", "faults"];

    /// <summary>
    /// A snapshot waits for the broker's retained documents, which it sends right after the subscription: this long
    /// without a retained message (live telemetry keeps flowing and does not count)...
    /// </summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(500);

    /// <summary>...but no longer than this in all.</summary>
    private static readonly TimeSpan SnapshotLimit = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(50);

    public static async Task<int> RunAsync(WatchRequest request, IAnsiConsole console, TimeProvider time, CancellationToken cancellationToken)
    {
        var view = new FleetView();
        var lastRetained = time.GetTimestamp();
        var clientId = "kioskctl-watch-" + Guid.NewGuid().ToString("N")[..10];
        var (client, _) = await request.Broker.ConnectAsync(clientId, TimeSpan.Zero, e =>
        {
            var message = e.ApplicationMessage;
            if (FleetMessage.TryParse(message.Topic, message.Payload.ToArray(), message.Retain, time.GetUtcNow(), out var parsed, out _))
            {
                view.Apply(parsed!);
            }
            else
            {
                view.Ignore();
            }

            if (message.Retain)
            {
                Interlocked.Exchange(ref lastRetained, time.GetTimestamp());
            }

            return Task.CompletedTask;
        }, time, cancellationToken).ConfigureAwait(false);

        using (client)
        {
            await BrokerConnection.SubscribeAsync(client, Filters.Select(f => $"{KioskTopics.Root}/+/{f}"), cancellationToken).ConfigureAwait(false);
            var listeningSince = time.GetUtcNow();
            var subscribed = time.GetTimestamp();
            Func<Spectre.Console.Rendering.IRenderable> draw = () =>
            {
                var now = time.GetUtcNow();
                var rows = view.Snapshot(now, listeningSince, request.SilentAfter, request.Block);
                return FleetTable.Render(rows, new WatchFrame(now, listeningSince, request.SilentAfter, request.Block, view.Ignored, time.LocalTimeZone));
            };

            switch (request.Mode)
            {
                case WatchMode.Once:
                    while (time.GetElapsedTime(subscribed) < SnapshotLimit
                        && (time.GetElapsedTime(subscribed) < Quiet || time.GetElapsedTime(Interlocked.Read(ref lastRetained)) < Quiet))
                    {
                        await Task.Delay(Step, time, cancellationToken).ConfigureAwait(false);
                    }

                    console.Write(draw());
                    break;
                case WatchMode.For:
                    await Task.Delay(request.Duration, time, cancellationToken).ConfigureAwait(false);
                    console.Write(draw());
                    break;
                default:
                    await console.Live(draw()).StartAsync(async context =>
                    {
                        while (!cancellationToken.IsCancellationRequested)
                        {
                            context.UpdateTarget(draw());
                            context.Refresh();
                            try
                            {
                                await Task.Delay(request.Refresh, time, cancellationToken).ConfigureAwait(false);
                            }
                            catch (OperationCanceledException)
                            {
                                break;
                            }
                        }
                    }).ConfigureAwait(false);
                    break;
            }

            await client.TryDisconnectAsync().ConfigureAwait(false);
        }

        return view.Count == 0 && request.Mode != WatchMode.Live ? NoMachines(console) : 0;
    }

    private static int NoMachines(IAnsiConsole console)
    {
        console.MarkupLine("[yellow]No machine has published on kiosk/v1/+/status, meta or state/reported (or this account may not read them).[/]");
        return 1;
    }
}
