using BenchmarkDotNet.Attributes;
using SevaKiosk.Firmware.Journal;
using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.Devices;

namespace SevaKiosk.Benchmarks.Journal;

/// <summary>
/// Durable journal commits (SQLite WAL, <c>synchronous=FULL</c>) against the floor any durable store has on this
/// disk: a plain loop that writes one WAL-frame-sized block and fsyncs it. Target: a commit costs one fsync, so the
/// journal reaches at least half the loop's rate. The directory is <c>BENCH_DATA_DIR</c> (default: the temp
/// directory), so both run on the same disk. Run with <c>scripts/bench/kiosk-figures.sh journal</c>, which also
/// counts the fsyncs per commit with strace, or:
/// <c>dotnet run -c Release --project tests/Benchmarks -- --filter '*JournalCommitBenchmarks*'</c>
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class JournalCommitBenchmarks
{
    /// <summary>A WAL frame: one 4 KiB page plus its 24-byte header, rounded to the page.</summary>
    private const int BlockBytes = 4096;

    /// <summary>Like SQLite's WAL, the loop reuses its file from the start once it has grown this far.</summary>
    private const long Wrap = 4 << 20;

    private readonly byte[] _block = new byte[BlockBytes];
    private string _directory = null!;
    private KioskJournal _journal = null!;
    private FileStream _loop = null!;
    private long _seq;

    public static string DataDirectory => Environment.GetEnvironmentVariable("BENCH_DATA_DIR") is { Length: > 0 } dir ? dir : Path.GetTempPath();

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(DataDirectory, "sevakiosk-journal-bench-" + Guid.NewGuid().ToString("N")[..8]);
        _journal = KioskJournal.Open(_directory);
        _journal.OpenSession("bench", "en");
        _loop = new FileStream(Path.Combine(_directory, "fsync-loop.bin"), FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        Random.Shared.NextBytes(_block);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _journal.Dispose();
        _loop.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>The floor: write a block, fsync, repeat.</summary>
    [Benchmark(Baseline = true)]
    public void WriteAndFsync()
    {
        if (_loop.Position >= Wrap)
        {
            _loop.Position = 0;
        }

        _loop.Write(_block);
        _loop.Flush(flushToDisk: true);
    }

    /// <summary>The smallest journal commit: one appended journal row.</summary>
    [Benchmark]
    public void JournalEvent() => _journal.RecordEvent("bench", "BENCH", null);

    /// <summary>A money commit: a credit for a note nobody escrowed (note row, cash-box counter, journal row).</summary>
    [Benchmark]
    public void JournalCredit() =>
        _journal.NoteCredited(new NoteCredited(DateTimeOffset.UtcNow, null, new Note(4, Money.Inr(100)), ++_seq, "0012345678"), "bench");
}
