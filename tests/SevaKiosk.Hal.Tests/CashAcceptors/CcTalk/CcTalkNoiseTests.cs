using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.CashAcceptors.CcTalk;
using SevaKiosk.Hal.Devices;
using SevaKiosk.Hal.Tests.Support;
using SevaKiosk.Simulator.Devices.Validators.CcTalk;
using Xunit.Abstractions;

namespace SevaKiosk.Hal.Tests.CashAcceptors.CcTalk;

/// <summary>
/// 10,000 bills over a line that flips a bit in one byte in a thousand (echo and replies alike), with the 8-bit
/// checksum, which misses some double errors: not one false credit and not one lost credit.
/// </summary>
[Collection(VirtualTimeCollection.Name)]
public class CcTalkNoiseTests(ITestOutputHelper output)
{
    private const int Bills = 10_000;
    private static readonly decimal[] Values = [10, 20, 50, 100, 200, 500];

    [Fact]
    public async Task Ten_thousand_bills_on_a_noisy_line_give_no_false_and_no_lost_credit()
    {
        var outcomes = new OutcomeCounter();

        // Mechanical time shortened (stacking 50 ms instead of 1 s, polling every 50 ms) so 10,000 bills take
        // minutes of virtual time and well under a minute of wall time; the protocol paths are the same.
        await using var rig = await CcTalkRig.StartAsync(
            new CcTalkValidatorOptions { TransportTime = TimeSpan.FromMilliseconds(50), CashboxCapacity = int.MaxValue, NoiseSeed = 2024 },
            new CcTalkOptions { PollInterval = TimeSpan.FromMilliseconds(50) },
            observer: outcomes);
        var faults = new List<string>();
        rig.Driver.FaultRaised += (_, e) =>
        {
            lock (faults)
            {
                faults.Add(e.Fault.Code);
            }
        };
        rig.Sim.Noise = 0.001;
        var random = new Random(7);
        var inserted = new Dictionary<decimal, int>();
        ICashInTransaction? tx = null;
        var transactions = 0;

        for (var i = 0; i < Bills; i++)
        {
            tx = await OpenAsync(rig, tx, () => transactions++);
            var value = Values[random.Next(Values.Length)];
            var before = outcomes.Total;
            rig.Sim.Insert(value);
            inserted[value] = inserted.GetValueOrDefault(value) + 1;
            await outcomes.WaitForTotalAsync(before + 1);
        }

        await tx!.EndAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
        var stats = rig.Driver.LinkStatistics;
        output.WriteLine(
            $"{Bills} bills in {rig.Clock.Elapsed} virtual: {outcomes.Credited.Count} credited, {outcomes.Returned} returned, {outcomes.Rejected} rejected, " +
            $"{outcomes.Cleared} cleared at power-up; {transactions} transaction(s); {stats.Exchanges} exchanges, {stats.Retransmissions} retransmissions, " +
            $"{stats.ChecksumErrors} checksum errors, {stats.GarbageBytes} garbage bytes, {stats.StrayFrames} stray frames; faults raised: {string.Join(", ", faults.CountBy(f => f).Select(p => $"{p.Key} x{p.Value}"))}");

        // Every bill has exactly one outcome; the credits are exactly the bills in the cash box, value by value.
        Assert.Equal(Bills, outcomes.Total);
        var stacked = rig.Status["stacked"]!.AsObject().ToDictionary(p => decimal.Parse(p.Key, System.Globalization.CultureInfo.InvariantCulture), p => (int)p.Value!);
        var credited = outcomes.Credited.GroupBy(c => c.Note.Value!.Value.Amount).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(stacked.OrderBy(p => p.Key), credited.OrderBy(p => p.Key));
        Assert.Equal(rig.CashboxCount, outcomes.Credited.Count);
        Assert.Equal(outcomes.Credited.Count, outcomes.Credited.Select(c => c.Sequence).Distinct().Count());
        Assert.Equal(0, outcomes.Cleared);
        Assert.All(inserted, p => Assert.True(credited.GetValueOrDefault(p.Key) <= p.Value, $"more {p.Key} credited than inserted"));
        Assert.True(stats.ChecksumErrors + stats.GarbageBytes > 0, "the line was not noisy");
    }

    /// <summary>Keeps a transaction open: a fault (the link lost for a moment) ends one; the next bill needs a new one.</summary>
    private static async Task<ICashInTransaction> OpenAsync(CcTalkRig rig, ICashInTransaction? tx, Action opened)
    {
        while (tx is null || tx.Completion.IsCompleted || !rig.IsReady())
        {
            if (tx is null || tx.Completion.IsCompleted)
            {
                try
                {
                    tx = await rig.BeginAsync();
                    opened();
                    continue;
                }
                catch (CashAcceptorException)
                {
                    // Offline or faulted for the moment: the driver recovers by itself.
                }
            }

            await Task.Delay(5);
        }

        return tx;
    }

    /// <summary>Counts each bill's outcome as it is delivered; the test waits on it instead of polling.</summary>
    private sealed class OutcomeCounter : ICashAcceptorObserver
    {
        private readonly SemaphoreSlim _signal = new(0);
        private readonly List<NoteCredited> _credited = [];
        private int _total;

        public IReadOnlyList<NoteCredited> Credited
        {
            get
            {
                lock (_credited)
                {
                    return [.. _credited];
                }
            }
        }

        public int Returned;
        public int Rejected;
        public int Cleared;

        public int Total => Volatile.Read(ref _total);

        public ValueTask OnEventAsync(CashAcceptorEvent e, CancellationToken cancellationToken)
        {
            switch (e)
            {
                case NoteCredited credit:
                    lock (_credited)
                    {
                        _credited.Add(credit);
                    }

                    break;
                case NoteReturned:
                    Interlocked.Increment(ref Returned);
                    break;
                case NoteRejected:
                    Interlocked.Increment(ref Rejected);
                    break;
                case NoteClearedAtPowerUp:
                    Interlocked.Increment(ref Cleared);
                    break;
                default:
                    return ValueTask.CompletedTask;
            }

            Interlocked.Increment(ref _total);
            _signal.Release();
            return ValueTask.CompletedTask;
        }

        public async Task WaitForTotalAsync(int total)
        {
            while (Total < total)
            {
                if (!await _signal.WaitAsync(TimeSpan.FromSeconds(30)))
                {
                    throw new TimeoutException($"A bill got no outcome (have {Total}, want {total}).");
                }
            }
        }
    }
}
