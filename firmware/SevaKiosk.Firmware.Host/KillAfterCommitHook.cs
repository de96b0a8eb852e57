using System.Diagnostics;
using System.Globalization;
using SevaKiosk.Firmware.Journal;

namespace SevaKiosk.Firmware.Host;

/// <summary>
/// Fault injection for the crash tests, off unless its environment variables are set:
/// <c>SEVAFAULT_TRACE_COMMITS=1</c> prints <c>fault-injection: commit N STEP</c> to stderr after each durable journal
/// commit (STEP: the journal row kinds it appended, for example <c>NOTE_CREDITED</c>), and <c>SEVAFAULT_KILL_AFTER_COMMIT=N</c> kills the process with SIGKILL right after commit N, the
/// way a power cut would (no finally blocks, no flush, no goodbye to the broker).
/// </summary>
internal sealed class KillAfterCommitHook : IJournalCommitHook
{
    private readonly long _killAfter;
    private readonly bool _trace;

    private KillAfterCommitHook(long killAfter, bool trace)
    {
        _killAfter = killAfter;
        _trace = trace;
    }

    public static KillAfterCommitHook? FromEnvironment()
    {
        var trace = Environment.GetEnvironmentVariable("SEVAFAULT_TRACE_COMMITS") == "1";
        var kill = long.TryParse(Environment.GetEnvironmentVariable("SEVAFAULT_KILL_AFTER_COMMIT"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        return trace || kill > 0 ? new KillAfterCommitHook(kill, trace) : null;
    }

    public void Committed(long commitNumber, string? step)
    {
        if (_trace)
        {
            Console.Error.WriteLine($"fault-injection: commit {commitNumber} {step ?? "-"}");
        }

        if (commitNumber == _killAfter)
        {
            Console.Error.WriteLine($"fault-injection: SIGKILL after commit {commitNumber} {step ?? "-"}");
            Console.Error.Flush();
            using var self = Process.GetCurrentProcess();
            self.Kill();
        }
    }
}
