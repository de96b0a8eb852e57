using System.Diagnostics;
using System.Text.Json.Nodes;
using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.Devices;
using SevaKiosk.Hal.Tests.Support;
using SevaKiosk.Protocol.Id003;
using SevaKiosk.Simulator.Devices.Validators.Id003;
using Xunit.Abstractions;

namespace SevaKiosk.Hal.Tests.CashAcceptors.Id003;

/// <summary>
/// Ten thousand notes over a line that drops or flips one byte in a thousand, both ways, in virtual time: no note is
/// credited that the unit did not stack, none it stacked goes uncredited, none is credited twice.
/// </summary>
[Collection(VirtualTimeCollection.Name)]
public class Id003NoiseTests(ITestOutputHelper output)
{
    private const int Notes = 10_000;
    private static readonly long[] Values = [10, 20, 50, 100, 200, 500];
    private static readonly byte[] RejectCodes = [0x71, 0x72, 0x78, 0x7D, 0x7F];

    /// <summary>
    /// Shortened mechanics (a note takes about 0.6 s from the bezel to the cash box instead of 2.3 s) and immediate replies,
    /// so ten thousand notes fit the test-time budget. Rejecting and returning keep their 1 s, so every one of them is
    /// seen by a poll and can be checked too. The protocol behaviour is the simulator's default otherwise.
    /// </summary>
    private static readonly Id003SimulatorOptions QuickUnit = Id003Rig.DeviceOptions with
    {
        ResponseDelay = TimeSpan.Zero,
        AcceptingDuration = TimeSpan.FromMilliseconds(200),
        StackingDuration = TimeSpan.FromMilliseconds(200),
        StackerPointAfter = TimeSpan.FromMilliseconds(80),
        StackedDuration = TimeSpan.FromMilliseconds(100),
        Seed = 1234,
    };

    [Fact]
    public async Task Ten_thousand_notes_at_a_byte_error_rate_of_0_001_give_no_false_and_no_lost_credit()
    {
        var wall = Stopwatch.StartNew();
        // Virtual time may jump half a poll interval at once. A jump misjudged while the driver's thread is descheduled
        // looks like a stalled host: timeouts, retransmissions, even the unit returning an escrow nobody polled. The
        // money must come out right all the same.
        await using var rig = await Id003Rig.StartAsync(QuickUnit, log: false, maxJump: TimeSpan.FromMilliseconds(100));
        rig.Sim.SetNoise(0.001);
        var decisions = 0;
        var handler = new ScriptedHandler((_, _) => Task.FromResult(Interlocked.Increment(ref decisions) % 17 == 0 ? EscrowDecision.Return : EscrowDecision.Accept));

        using (var citizen = new Citizen(rig.Sim, rig.Clock))
        {
            var transactions = 0;
            while (!citizen.AllSettled)
            {
                if (wall.Elapsed > TimeSpan.FromMinutes(5))
                {
                    Assert.Fail($"{citizen} after {wall.Elapsed}; driver {rig.Driver.Status} {rig.Driver.LinkStatistics}");
                }

                // A fault (the line down for a whole retry cycle) ends a transaction; the citizen starts another.
                var tx = await rig.BeginAsync(handler, new CashInRequest("INR"));
                transactions++;
                await Task.WhenAny(tx.Completion, citizen.Settled);
                if (!tx.Completion.IsCompleted)
                {
                    await tx.EndAsync(CancellationToken.None);
                }
                else
                {
                    await Eventually.Holds(() => rig.Driver.State == DeviceState.Online, "online for the next transaction", 60);
                }
            }

            output.WriteLine($"{transactions} transaction(s)");
            await AssertEveryNoteAccountedForAsync(rig, citizen, wall);
        }
    }

    private async Task AssertEveryNoteAccountedForAsync(Id003Rig rig, Citizen citizen, Stopwatch wall)
    {
        await Eventually.Holds(() => rig.Driver.Status.Acceptor is AcceptorState.Disabled or AcceptorState.Idle, "path empty");

        rig.Sim.SetNoise(0);
        var device = rig.Sim.Snapshot();
        var credits = rig.Events.Of<NoteCredited>();
        var stackedBySim = rig.DeviceEventsOf("note-stacked").Select(e => (decimal)(long)e["value"]!).ToArray();
        var stats = rig.Driver.LinkStatistics;
        output.WriteLine($"{citizen}; wall {wall.Elapsed}; virtual {rig.Clock.Elapsed}; {stats}; line {rig.Sim.Line.ToJson().ToJsonString()}");
        output.WriteLine("unit returned: " + string.Join(", ", rig.DeviceEventsOf("note-returned").GroupBy(e => (string?)e["cause"]).Select(g => $"{g.Key} {g.Count()}")));
        output.WriteLine("driver returned: " + string.Join(", ", rig.Events.Of<NoteReturned>().GroupBy(e => e.Cause).Select(g => $"{g.Key} {g.Count()}")) + $"; rejected {rig.Events.Of<NoteRejected>().Count}");

        Assert.Equal(Notes, citizen.Inserted);
        Assert.Equal(device.StackedCount, credits.Count);
        Assert.Equal(device.StackedTotal, credits.Sum(c => c.Note.Value!.Value.Amount));
        Assert.Equal(stackedBySim, credits.Select(c => c.Note.Value!.Value.Amount));
        Assert.Equal(Enumerable.Range(1, credits.Count).Select(i => (long)i), credits.Select(c => c.Sequence));
        Assert.Equal(Notes, device.StackedCount + citizen.Returned + citizen.Rejected);

        // Every return and rejection the driver reports happened. (A host stalled past the unit's 3 s unpolled-escrow
        // limit never sees that note at all; no money moved, so nothing is owed and nothing is reported.)
        var returned = rig.Events.Of<NoteReturned>();
        Assert.True(returned.Count(r => r.Cause == ReturnCause.Decision) <= rig.DeviceEventsOf("note-returned").Count(e => (string?)e["cause"] == "host"));
        Assert.True(returned.Count <= citizen.Returned + citizen.Rejected);
        var rejectedByUnit = rig.DeviceEventsOf("note-rejected").GroupBy(e => (string)e["reason"]!).ToDictionary(g => g.Key, g => g.Count());
        foreach (var reason in rig.Events.Of<NoteRejected>().GroupBy(r => r.Reason))
        {
            Assert.True(reason.Count() <= rejectedByUnit.GetValueOrDefault(reason.Key), $"{reason.Key}: driver {reason.Count()}, unit {rejectedByUnit.GetValueOrDefault(reason.Key)}");
        }

        Assert.Empty(rig.Events.Of<NoteClearedAtPowerUp>());
        Assert.DoesNotContain(rig.Driver.ActiveFaults, f => f.Code is "validator.note-unresolved" or "validator.protocol.unknown-event");
        Assert.True(rig.Sim.Line.CorruptedBytes + rig.Sim.Line.DroppedBytes > 300, "the line was noisy");
        Assert.True(stats.CommunicationErrors > 0 && stats.CrcErrors > 0 && stats.Retransmissions > 0, $"{stats}");
    }

    /// <summary>
    /// Offers the next note a moment after the previous one has left the unit (never within the same poll interval,
    /// as a person at a bezel would not either), from one-shot virtual-time timers; counts what the unit did.
    /// </summary>
    private sealed class Citizen : IDisposable
    {
        private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(150);
        private readonly Id003SimulatedValidator _sim;
        private readonly TimeProvider _time;
        private readonly Random _random = new(42);
        private readonly TaskCompletionSource _settled = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ITimer _timer;
        private int _inserted;
        private int _finished;
        private int _returned;
        private int _rejected;

        public Citizen(Id003SimulatedValidator sim, TimeProvider time)
        {
            _sim = sim;
            _time = time;
            _timer = time.CreateTimer(_ => Offer(), null, Pause, Timeout.InfiniteTimeSpan);
            sim.EventOccurred += Observe;
        }

        public int Inserted => Volatile.Read(ref _inserted);

        public int Returned => Volatile.Read(ref _returned);

        public int Rejected => Volatile.Read(ref _rejected);

        public Task Settled => _settled.Task;

        public bool AllSettled => _settled.Task.IsCompleted;

        public void Dispose() => _timer.Dispose();

        public override string ToString() =>
            $"inserted {Inserted}, finished {Volatile.Read(ref _finished)}, returned {Returned}, rejected {Rejected}";

        private void Offer()
        {
            if (Inserted >= Notes)
            {
                return;
            }

            if (_sim.Snapshot() is not { Phase: Id003SimulatorPhase.Ready, Inhibited: false, NoteValue: null })
            {
                // Bezel not green yet (stacked note settling, transaction between two): look again shortly.
                _timer.Change(Pause, Timeout.InfiniteTimeSpan);
                return;
            }

            var value = Values[_random.Next(Values.Length)];
            byte? reject = _random.Next(20) == 0 ? RejectCodes[_random.Next(RejectCodes.Length)] : null;
            if (_sim.InsertNote(value, reject).Taken)
            {
                Interlocked.Increment(ref _inserted);
            }
            else
            {
                _timer.Change(Pause, Timeout.InfiniteTimeSpan);
            }
        }

        private void Observe(JsonObject e)
        {
            switch ((string?)e["event"])
            {
                case "note-stacked":
                    break;
                case "note-returned":
                    Interlocked.Increment(ref _returned);
                    break;
                case "note-rejected":
                    Interlocked.Increment(ref _rejected);
                    break;
                default:
                    return;
            }

            if (Interlocked.Increment(ref _finished) >= Notes)
            {
                _settled.TrySetResult();
                return;
            }

            _timer.Change(Pause, Timeout.InfiniteTimeSpan);
        }
    }
}
