using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SevaKiosk.Benchmarks.Journal;
using SevaKiosk.Firmware.Demo;
using SevaKiosk.Firmware.Engine;
using SevaKiosk.Firmware.Hosting;
using SevaKiosk.Firmware.Journal;

namespace SevaKiosk.Benchmarks.Soak;

/// <summary>
/// <c>Benchmarks soak N [EVERY]</c>: N demo sessions back to back in one kiosk runtime, as <c>sevakiosk --demo</c> runs
/// one: journal, agent, embedded broker and demo backend, the simulated SSP validator and the printer emulator, all
/// in-process. The validator's mechanical timings are about a hundredth of the NV200's and it is polled every 5 ms;
/// the printer's line is paced as 4 Mbaud and paper runs at 2 m/s, so a session takes about 0.6 s; everything else
/// (fsynced commits, MQTT round trips, receipt shaping and rendering) is real.
/// Every EVERY sessions it prints a JSON line: resident memory (VmRSS), managed heap, GC counts, outbox backlog, rate.
/// Receipt PNGs are deleted as they are written so the disk stays flat; the journal and the ledger keep growing.
/// </summary>
internal static class SessionSoak
{
    public static async Task<int> RunAsync(string[] args)
    {
        var sessions = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
        var every = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : Math.Max(1, sessions / 50);
        var data = Path.Combine(JournalCommitBenchmarks.DataDirectory, "sevakiosk-soak-" + Guid.NewGuid().ToString("N")[..8]);
        var loaded = KioskConfiguration.Load(KioskConfiguration.Build(null, [new("Kiosk:DataDirectory", data)]));
        var settings = loaded with
        {
            Validator = loaded.Validator with { AcceptedNotes = [.. loaded.Validator.AcceptedNotes, 2000m], PollInterval = TimeSpan.FromMilliseconds(5) },

            // The emulator's line is paced like a 115200-baud port and the driver confirms a job by polling status every
            // 250 ms: together most of a session. The in-process link has no baud rate; pacing it as 4 Mbaud and
            // polling every 20 ms keeps the soak about the rest.
            Printer = loaded.Printer with { Serial = "4000000,8N1", StatusPollIntervalMs = 20 },
            Simulated = new SimulatedHardware(
                v => v with
                {
                    ReadingTime = TimeSpan.FromMilliseconds(10),
                    CreditDelay = TimeSpan.FromMilliseconds(10),
                    StackingTime = TimeSpan.FromMilliseconds(15),
                    RejectingTime = TimeSpan.FromMilliseconds(10),
                },
                p => p with { PrintSpeedMmPerSecond = 2000 }),
        };

        var failures = 0;
        var started = Stopwatch.GetTimestamp();
        // BENCH_LOG=1 logs the kiosk to the console with timestamps, to see where a session's time goes.
        using var loggers = Environment.GetEnvironmentVariable("BENCH_LOG") == "1"
            ? LoggerFactory.Create(b => b.AddSimpleConsole(o => o.TimestampFormat = "HH:mm:ss.fff ").SetMinimumLevel(LogLevel.Debug))
            : NullLoggerFactory.Instance;
        await using (var kiosk = await KioskRuntime.StartAsync(settings, loggers, restart: () => { }))
        {
            Sample(kiosk, 0, started);
            for (var i = 1; i <= sessions; i++)
            {
                var citizen = new DemoCitizen(kiosk.SimulatedValidator, DemoRun.Notes, TextWriter.Null, kiosk.Time, TimeSpan.FromMilliseconds(5));
                var outcome = await kiosk.Engine.RunAsync(new SessionRequest(DemoRun.Service, DemoRun.BillerId, DemoRun.ConsumerNumber), citizen, CancellationToken.None);
                if (outcome.Transaction is not { Kind: TransactionKind.Full } tx || tx.Credited.Amount != 850m || outcome.Receipt?.Printed != true)
                {
                    failures++;
                    await Console.Error.WriteLineAsync($"session {i}: {outcome.Outcome} {outcome.Message}");
                    if (failures > 10)
                    {
                        return 1;
                    }
                }

                DeleteReceipts(data);
                if (i % 100 == 0)
                {
                    kiosk.SimulatedPrinter?.LoadPaper(); // an 80 m roll holds a few hundred receipts: the operator changes it
                }

                if (i % every == 0 || i == sessions)
                {
                    Sample(kiosk, i, started);
                }
            }

            var x = kiosk.Journal.XReport();
            Console.WriteLine(new JsonObject
            {
                ["done"] = sessions,
                ["failures"] = failures,
                ["transactions"] = x.Transactions,
                ["notesTotal"] = x.NotesTotal.Amount,
                ["seconds"] = Math.Round(Stopwatch.GetElapsedTime(started).TotalSeconds, 1),
            }.ToJsonString());
        }

        if (Environment.GetEnvironmentVariable("BENCH_KEEP_DATA") == "1")
        {
            Console.WriteLine($"data kept in {data}");
        }
        else
        {
            Directory.Delete(data, recursive: true);
        }

        return failures == 0 ? 0 : 1;
    }

    private static void Sample(KioskRuntime kiosk, int done, long started)
    {
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var (mallocHeld, mallocInUse) = NativeHeap.Malloc();
        Console.WriteLine(new JsonObject
        {
            ["sessions"] = done,
            ["seconds"] = Math.Round(seconds, 1),
            ["rssMiB"] = Math.Round(ResidentBytes() / 1048576.0, 1),
            ["managedMiB"] = Math.Round(GC.GetTotalMemory(forceFullCollection: false) / 1048576.0, 1),
            ["sqliteMiB"] = Math.Round(NativeHeap.SqliteBytes() / 1048576.0, 1),
            ["mallocHeldMiB"] = Math.Round(mallocHeld / 1048576.0, 1),
            ["mallocInUseMiB"] = Math.Round(mallocInUse / 1048576.0, 1),
            ["gen0"] = GC.CollectionCount(0),
            ["gen2"] = GC.CollectionCount(2),
            ["unacknowledged"] = kiosk.Journal.UnacknowledgedTransactions().Count,
        }.ToJsonString());
    }

    /// <summary>VmRSS from /proc/self/status: what the kernel has resident for the process, native memory included.</summary>
    private static long ResidentBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }

    private static void DeleteReceipts(string data)
    {
        var receipts = Path.Combine(data, "receipts");
        if (Directory.Exists(receipts))
        {
            foreach (var png in Directory.EnumerateFiles(receipts, "*.png", SearchOption.AllDirectories))
            {
                File.Delete(png);
            }
        }
    }
}
