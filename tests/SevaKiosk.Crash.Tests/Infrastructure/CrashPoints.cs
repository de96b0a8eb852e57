using System.Globalization;

namespace SevaKiosk.Crash.Tests.Infrastructure;

/// <summary>
/// Which commits to cut the power after. Exhaustive (<c>SEVAFAULT_CRASH_EXHAUSTIVE=1</c>): every commit of the traced
/// session (34). Default: one commit per kind of journal step, the first time it appears (21), which fits the suite's
/// time budget on a loaded 2-core machine. Between them the default set still covers both ways recovery settles a
/// cut-short session: after the first NOTE_CREDITED the ₹500 cannot pay the exact-amount bill (a voucher), after
/// STATE_POSTING the full ₹850 is in (a full payment).
/// </summary>
/// <remarks>The variables start with SEVAFAULT_, not SEVAKIOSK_: the firmware reads every SEVAKIOSK_ variable as configuration.</remarks>
internal static class CrashPoints
{
    public const string ExhaustiveVariable = "SEVAFAULT_CRASH_EXHAUSTIVE";
    public const string ParallelVariable = "SEVAFAULT_CRASH_PARALLEL";

    /// <summary>Only these commits (<c>SEVAFAULT_CRASH_POINTS=11,23</c>), to replay a failure.</summary>
    public const string PointsVariable = "SEVAFAULT_CRASH_POINTS";

    public static bool Exhaustive => Environment.GetEnvironmentVariable(ExhaustiveVariable) == "1";

    /// <summary>Scenarios run side by side (each is its own machine); mostly waiting on timers and the network, little CPU.</summary>
    public static int Parallel => int.TryParse(Environment.GetEnvironmentVariable(ParallelVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 4;

    public static IReadOnlyList<CommitStep> Choose(IReadOnlyList<CommitStep> trace, bool exhaustive)
    {
        if (Environment.GetEnvironmentVariable(PointsVariable) is { Length: > 0 } only)
        {
            var wanted = only.Split(',', StringSplitOptions.TrimEntries).Select(n => long.Parse(n, CultureInfo.InvariantCulture)).ToHashSet();
            return [.. trace.Where(c => wanted.Contains(c.Number))];
        }

        if (exhaustive)
        {
            return trace;
        }

        return [.. trace.GroupBy(c => c.Step).Select(g => g.First()).OrderBy(c => c.Number)];
    }
}
