using System.Buffers;
using MQTTnet;
using SevaKiosk.Protocol.Mqtt;

namespace SevaKiosk.Tools.Fleet;

/// <summary>How a collection went: messages stored, ignored, and whether the broker still had our session.</summary>
internal sealed record CollectResult(long Stored, long Ignored, bool SessionPresent, TimeSpan Took);

/// <summary>
/// Feeds the local <see cref="FleetStore"/> from the broker through a <b>persistent session</b>: the first run subscribes
/// (QoS 1) to every machine's <c>tx</c>, <c>faults</c>, <c>meta</c> and <c>state/reported</c>; from then on the broker
/// keeps the subscriptions and queues transactions and faults while kioskctl is not running, and each run drains the
/// queue. A message is written to the store before the handler returns, so its PUBACK (which lets the broker forget
/// it) follows the commit: a crash mid-drain loses nothing. Duplicates are harmless (TxId and fault identity).
/// </summary>
/// <remarks>
/// The drain ends when nothing has arrived for <c>quiet</c> or after <c>window</c> in all. What was published before
/// the session first existed was never queued for it: the first run starts the history, it cannot recover the past.
/// A broker caps the queue per session (Mosquitto <c>max_queued_messages</c>, default 1000): size it for the fleet's
/// traffic between runs, or run the collection from a timer.
/// </remarks>
internal static class FleetCollector
{
    public static IReadOnlyList<string> Filters { get; } =
    [
        $"{KioskTopics.Root}/+/tx",
        $"{KioskTopics.Root}/+/faults",
        $"{KioskTopics.Root}/+/meta",
        $"{KioskTopics.Root}/+/state/reported",
    ];

    /// <summary>Default session name: one per user, so two technicians on one account do not steal each other's queue.</summary>
    public static string DefaultSession => "kioskctl-" + new string(Environment.UserName.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_').ToArray());

    public static async Task<CollectResult> DrainAsync(
        BrokerConnection broker, FleetStore store, string session, TimeSpan sessionExpiry, TimeSpan window, TimeSpan quiet, TimeProvider time, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var lastMessage = started;
        long stored = 0;
        long ignored = 0;
        var (client, sessionPresent) = await broker.ConnectAsync(session, sessionExpiry, e =>
        {
            var message = e.ApplicationMessage;
            if (FleetMessage.TryParse(message.Topic, message.Payload.ToArray(), message.Retain, time.GetUtcNow(), out var parsed, out _))
            {
                try
                {
                    store.Apply(parsed!);
                    Interlocked.Increment(ref stored);
                }
                catch (FleetInputException)
                {
                    // A record the store cannot hold exactly (sub-paisa amount): skipped and counted, never guessed.
                    Interlocked.Increment(ref ignored);
                }
            }
            else
            {
                Interlocked.Increment(ref ignored);
            }

            Interlocked.Exchange(ref lastMessage, time.GetTimestamp());
            return Task.CompletedTask;
        }, time, cancellationToken).ConfigureAwait(false);

        using (client)
        {
            if (!sessionPresent)
            {
                await BrokerConnection.SubscribeAsync(client, Filters, cancellationToken).ConfigureAwait(false);
            }

            var step = TimeSpan.FromMilliseconds(50);
            while (time.GetElapsedTime(started) < window && time.GetElapsedTime(Interlocked.Read(ref lastMessage)) < quiet)
            {
                await Task.Delay(step, time, cancellationToken).ConfigureAwait(false);
            }

            // A clean disconnect that repeats the expiry keeps the session (and its queue) for the next run; MQTT 5 lets a
            // DISCONNECT carry its own expiry, and a zero there would end the session.
            await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder()
                .WithSessionExpiryInterval((uint)Math.Clamp(sessionExpiry.TotalSeconds, 0, uint.MaxValue))
                .Build(), CancellationToken.None).ConfigureAwait(false);
        }

        return new CollectResult(Interlocked.Read(ref stored), Interlocked.Read(ref ignored), sessionPresent, time.GetElapsedTime(started));
    }
}
