using System.Diagnostics;
using System.Globalization;
using SevaKiosk.Firmware.Journal;

namespace SevaKiosk.Benchmarks.Journal;

/// <summary>
/// <c>Benchmarks journal-probe N</c>: opens a journal and makes N commits, nothing else, so that
/// <c>strace -f -c -e trace=fsync,fdatasync</c> around it (minus a run with N = 0) gives the fsyncs per commit.
/// Prints the commits per second it saw, which strace's overhead makes a lower bound.
/// </summary>
internal static class JournalFsyncProbe
{
    public static int Run(string[] args)
    {
        var commits = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 500;
        var directory = Path.Combine(JournalCommitBenchmarks.DataDirectory, "sevakiosk-journal-probe-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            using var journal = KioskJournal.Open(directory);
            var started = Stopwatch.GetTimestamp();
            for (var i = 0; i < commits; i++)
            {
                journal.RecordEvent(null, "PROBE", null);
            }

            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"journal-probe: {commits} commits in {seconds:0.000} s ({(seconds > 0 ? commits / seconds : 0):0} commits/s)"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }

        return 0;
    }
}
