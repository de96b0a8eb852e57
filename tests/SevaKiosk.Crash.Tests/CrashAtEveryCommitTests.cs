using System.Globalization;
using SevaKiosk.Crash.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SevaKiosk.Crash.Tests;

/// <summary>
/// Power cuts at every journal step of the demo session, with the real processes: <c>sevakiosk</c> (SIGKILLed by its
/// fault-injection hook right after commit k), its validator as a separate <c>sevakiosk-sim</c> process that lives
/// through the cut, Mosquitto and the <c>sevakiosk-sim backend</c>. After the restart the money must add up everywhere.
/// </summary>
[Collection(CrashRigCollection.Name)]
public sealed class CrashAtEveryCommitTests(CrashRig rig, ITestOutputHelper output)
{
    [Fact]
    public async Task An_uninterrupted_session_passes_the_audit_and_names_every_commit_step()
    {
        var reference = await rig.ReferenceRunAsync();

        Assert.True(reference.Problems.Count == 0, string.Join('\n', reference.Problems) + "\n" + reference.Transcript);
        Assert.Contains(reference.Trace, c => c.Step == "NOTE_CREDITED");
        Assert.Contains(reference.Trace, c => c.Step.Contains("TRANSACTION_CREATED", StringComparison.Ordinal));
        Assert.DoesNotContain(reference.Trace, c => c.Step == "-");
        output.WriteLine($"{reference.Trace.Count} commits in {reference.Elapsed.TotalSeconds:0.0} s: {string.Join(", ", reference.Trace.Select(c => $"{c.Number} {c.Step}"))}");
    }

    [Fact]
    public async Task Killed_after_any_journal_step_the_kiosk_recovers_with_every_note_in_one_transaction_counted_once_and_acknowledged()
    {
        var reference = await rig.ReferenceRunAsync();
        Assert.True(reference.Problems.Count == 0, "the reference run must pass first:\n" + string.Join('\n', reference.Problems) + "\n" + reference.Transcript);

        var points = CrashPoints.Choose(reference.Trace, CrashPoints.Exhaustive);
        Assert.True(points.Count <= CrashRig.MaxScenarios, $"{points.Count} crash points, machines for {CrashRig.MaxScenarios}");
        var outcomes = new CrashOutcome[points.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, points.Count),
            new ParallelOptions { MaxDegreeOfParallelism = CrashPoints.Parallel },
            async (i, _) => outcomes[i] = await CrashScenario.RunAsync(rig, CrashRig.Machine(i + 1), points[i].Number));

        foreach (var (point, outcome) in points.Zip(outcomes))
        {
            output.WriteLine($"commit {point.Number,2} {point.Step,-40} → {outcome}");
        }

        var failed = outcomes.Where(o => o.Problems.Count > 0).ToList();
        Assert.True(failed.Count == 0, $"{failed.Count} of {outcomes.Length} crash points lost or double-counted money:\n"
            + string.Join("\n", failed) + "\n\nfirst failure:\n" + failed.FirstOrDefault()?.Transcript);

        // The cut landed where it was aimed (the last commits can be out of reach when acks arrive in another order).
        Assert.All(points.Zip(outcomes), p => Assert.True(
            p.Second.Killed?.Number == p.First.Number || p.Second.Trace.Count < p.First.Number,
            $"aimed at commit {p.First.Number}, killed after {p.Second.Killed?.Number.ToString(CultureInfo.InvariantCulture) ?? "none"} of {p.Second.Trace.Count}"));
    }
}
