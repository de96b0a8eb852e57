using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SevaKiosk.Crash.Tests.Infrastructure;

/// <summary>One journal commit of a traced session: its number and the journal rows it appended.</summary>
public sealed record CommitStep(long Number, string Step);

/// <summary>What one run of the scenario found.</summary>
public sealed record CrashOutcome(long? KillAfter, CommitStep? Killed, IReadOnlyList<CommitStep> Trace, IReadOnlyList<string> Problems, TimeSpan Elapsed, string Transcript)
{
    public override string ToString() => KillAfter is null
        ? $"no kill: {Trace.Count} commits, {Problems.Count} problems"
        : $"kill after {KillAfter} ({Killed?.Step ?? "no kill happened"}): {(Problems.Count == 0 ? "ok" : string.Join("; ", Problems))} [{Elapsed.TotalSeconds:0.0} s]";
}

/// <summary>
/// The crash scenario for one machine: <c>sevakiosk --demo</c> with its validator out of process, SIGKILLed right after
/// journal commit k (none: the reference run); then <c>sevakiosk run</c> on the same data directory and validator until
/// recovery has settled everything and the backend has acknowledged it; then the money audit.
/// </summary>
internal static partial class CrashScenario
{
    private static readonly TimeSpan Patience = KioskMachine.Patience;

    public static async Task<CrashOutcome> RunAsync(CrashRig rig, string machineId, long? killAfter)
    {
        var started = DateTime.UtcNow;
        var data = Path.Combine(rig.WorkDirectory, machineId);
        await using var validator = await ValidatorProcess.StartAsync();
        var kiosk = new KioskMachine(rig, machineId, data, validator.Port);
        var problems = new List<string>();
        var transcript = new List<string>();
        IReadOnlyList<CommitStep> trace;
        CommitStep? killed;
        IReadOnlyList<long> offered;

        // First life: the citizen pays until the power is cut after commit k.
        await using (var first = kiosk.StartDemo(killAfter))
        {
            offered = await CitizenAtValidator.PayAsync(first, validator, KioskMachine.DemoNotes, Patience);
            var exit = await first.WaitForExitAsync(Patience);
            trace = Commits(first.Stderr);
            killed = first.Stderr.Select(l => KillLine().Match(l)).Where(m => m.Success)
                .Select(m => new CommitStep(long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), m.Groups[2].Value)).FirstOrDefault();
            transcript.Add(first.Transcript(80));
            if (killAfter is null && exit != 0)
            {
                problems.Add($"the uninterrupted demo exited {exit}");
            }
            else if (killAfter is not null && killed is null && exit != 0)
            {
                problems.Add($"the demo exited {exit} without being killed");
            }
        }

        // Second life: recovery, then the kiosk stays up until the journal is quiet and the validator idle.
        await using (var second = kiosk.StartRun())
        {
            try
            {
                await second.WaitForStderrAsync(l => l.Contains("ready for cash", StringComparison.Ordinal), Patience);
                if (!await QuietAsync(kiosk, validator, Patience))
                {
                    problems.Add("the recovered kiosk did not settle (unsettled notes, open sessions or unacknowledged transactions) within the time limit");
                }
            }
            catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
            {
                problems.Add("the recovered kiosk did not get ready: " + ex.Message.Split('\n')[0]);
            }

            await second.TerminateAsync();
            await second.WaitForExitAsync(Patience);
            transcript.Add(second.Transcript(80));
        }

        try
        {
            var evidence = new MoneyAudit.Evidence(
                JournalSnapshot.Read(kiosk.JournalPath),
                LedgerSnapshot.Read(rig.LedgerPath, machineId),
                await kiosk.XReportAsync(),
                await validator.StatusAsync(),
                [.. validator.Events("note-stacked").Select(e => (decimal)e["value"]!)],
                [.. validator.Events("note-returned", "note-rejected").Select(e => (decimal)e["value"]!)],
                offered);
            problems.AddRange(MoneyAudit.Check(evidence));
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException or TimeoutException)
        {
            problems.Add("the audit could not read the evidence: " + ex.Message.Split('\n')[0]);
        }

        transcript.Add(validator.Transcript());
        return new CrashOutcome(killAfter, killed, trace, problems, DateTime.UtcNow - started, string.Join('\n', transcript));
    }

    /// <summary>The commits a traced run printed (<c>fault-injection: commit N STEP</c>).</summary>
    public static IReadOnlyList<CommitStep> Commits(IEnumerable<string> stderr) =>
        [.. stderr.Select(l => CommitLine().Match(l)).Where(m => m.Success)
            .Select(m => new CommitStep(long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), m.Groups[2].Value))];

    private static async Task<bool> QuietAsync(KioskMachine kiosk, ValidatorProcess validator, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var status = await validator.StatusAsync();
            var deviceIdle = status["note"] is null && status["pendingEvents"] is JsonArray { Count: 0 };
            try
            {
                if (deviceIdle && JournalSnapshot.Read(kiosk.JournalPath).Quiet)
                {
                    return true;
                }
            }
            catch (Microsoft.Data.Sqlite.SqliteException)
            {
                // Busy or mid-checkpoint: look again shortly.
            }

            await Task.Delay(200);
        }

        return false;
    }

    [GeneratedRegex(@"^fault-injection: commit (\d+) (\S+)$")]
    private static partial Regex CommitLine();

    [GeneratedRegex(@"^fault-injection: SIGKILL after commit (\d+) (\S+)$")]
    private static partial Regex KillLine();
}
