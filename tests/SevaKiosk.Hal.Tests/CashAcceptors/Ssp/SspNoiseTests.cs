using System.Collections.Concurrent;
using Xunit.Abstractions;
using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.CashAcceptors.Ssp;
using SevaKiosk.Hal.Tests.Support;
using SevaKiosk.Simulator.Devices.Validators.Ssp;

namespace SevaKiosk.Hal.Tests.CashAcceptors.Ssp;

/// <summary>
/// 10,000 notes through a line that drops or corrupts one byte in a thousand, both ways, in virtual time. Every
/// credit the driver reports must match a note the device stacked (no false credit), and every stacked note must be
/// credited (no lost credit). The simulator's mechanical timings are shortened (reading 50 ms, credit 40 ms, stacked
/// 80 ms) so ten thousand notes fit in the test budget; protocol timings and the 200 ms poll are the defaults.
/// </summary>
[Collection(VirtualTimeCollection.Name)]
public class SspNoiseTests(ITestOutputHelper output)
{
    private const int Notes = 10_000;
    private static readonly long[] Values = [10, 20, 50, 100, 200, 500];

    [Fact]
    public async Task Ten_thousand_notes_at_a_byte_error_rate_of_1_in_1000_give_no_false_and_no_lost_credit()
    {
        await using var rig = await SspRig.StartAsync(new SspValidatorOptions
        {
            Seed = 20261128,
            ReadingTime = TimeSpan.FromMilliseconds(50),
            CreditDelay = TimeSpan.FromMilliseconds(40),
            StackingTime = TimeSpan.FromMilliseconds(80),
            RejectingTime = TimeSpan.FromMilliseconds(50),
        });
        var stacked = new ConcurrentQueue<long>();
        var offered = 0;
        var finished = new TaskCompletionSource();
        var random = new Random(42);
        var nextValue = Values[random.Next(Values.Length)];

        void OfferNext()
        {
            // Called whenever the path empties; a refused offer (disabled between transactions) is retried below.
            if (Volatile.Read(ref offered) >= Notes)
            {
                finished.TrySetResult();
                return;
            }

            if (rig.Sim.InsertNote(nextValue).Taken)
            {
                Interlocked.Increment(ref offered);
                nextValue = Values[random.Next(Values.Length)];
            }
        }

        rig.Sim.EventOccurred += e =>
        {
            switch ((string?)e["event"])
            {
                case "note-stacked":
                    stacked.Enqueue((long)e["value"]!);
                    OfferNext();
                    break;
                case "note-returned" or "note-rejected" or "enabled":
                    OfferNext();
                    break;
            }
        };
        rig.Sim.SetNoise(0.001);

        // Keep a transaction open all the time; a fault (a burst of noise taking the link down) ends one.
        using var stop = new CancellationTokenSource();
        var transactions = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var tx = await rig.BeginAsync();
                    OfferNext();
                    await tx.Completion.WaitAsync(stop.Token);
                }
                catch (CashAcceptorException)
                {
                    await Task.Delay(10);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        });

        await finished.Task.WaitAsync(TimeSpan.FromMinutes(4));
        rig.Sim.SetNoise(0);
        await Eventually.Holds(() => rig.Sim.Status.NotePhase is null && rig.Sim.Status.PendingEvents.Count == 0, "last note settled", 60);
        await Task.Delay(300);
        await stop.CancelAsync();
        await transactions;

        var credits = rig.Events.Of<NoteCredited>().Select(c => (long)c.Note.Value!.Value.Amount).ToArray();
        var powerUp = rig.Events.Of<NoteClearedAtPowerUp>();
        Assert.Empty(powerUp);
        Assert.Equal(stacked.ToArray(), credits);
        Assert.Equal((long)rig.Sim.Status.Counters.Stacked, credits.Length);
        Assert.True(credits.Length > Notes * 0.9, $"only {credits.Length} of {Notes} notes were stacked");
        Assert.Equal(credits.Length, rig.Events.Of<NoteCredited>().Select(c => c.Sequence).Distinct().Count());
        var link = rig.Driver.LinkStatistics;
        output.WriteLine(
            $"{Notes} offered, {credits.Length} credited (₹{credits.Sum()}), {rig.Events.Of<NoteReturned>().Count} returned, " +
            $"{rig.Events.Of<NoteRejected>().Count} rejected; line: {link.Retransmissions} retransmissions, {link.CrcErrors} CRC errors, " +
            $"{link.GarbageBytes} garbage bytes; virtual time {rig.Clock.Elapsed}");
        Assert.True(link.Retransmissions > 0, "the noise never forced a retransmission: the test did not test anything");
    }
}
