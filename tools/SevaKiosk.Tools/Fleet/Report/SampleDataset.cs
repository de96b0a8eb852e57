using System.Globalization;
using System.Text;
using SevaKiosk.Protocol.Mqtt;

namespace SevaKiosk.Tools.Fleet.Report;

/// <summary>
/// A synthetic, deterministic fleet export for trying <c>kioskctl report</c> without a fleet (<c>kioskctl report sample</c>):
/// two districts, five blocks, 80 panchayats, 85 machines, and for January to May 2026 (IST) exactly 11,100 payments
/// (posted or pending) in the block totals below. Around them, what a real archive holds: one payment per machine
/// just before and just after the five months, one failed payment per block, pending payments later re-sent as
/// posted (revision 2), redelivered duplicates, and one machine without any transaction. Names are made up.
/// </summary>
/// <remarks>
/// Block totals in the five months: Jaipur — Bassi 4,572 (32 panchayats, 34 machines: 60% of the district's 7,620),
/// Chaksu 1,800, Phagi 1,248; Tonk — Malpura 2,100, Niwai 1,380 (11 panchayats, 13 machines, one of which never
/// transacted).
/// </remarks>
internal static class SampleDataset
{
    public const string TransactionsFileName = "transactions.jsonl";

    public static ReportPeriod Period { get; } = new(new DateOnly(2026, 1, 1), new DateOnly(2026, 5, 31), ReportPeriod.IndiaStandardTime);

    private static readonly TimeSpan Ist = ReportPeriod.IndiaStandardTime;

    private static readonly BlockPlan[] Blocks =
    [
        new("Jaipur", "JPR", "Bassi", "BSI", Panchayats: 32, SharedPanchayats: 2, Transactions: 4_572),
        new("Jaipur", "JPR", "Chaksu", "CHK", Panchayats: 12, SharedPanchayats: 0, Transactions: 1_800),
        new("Jaipur", "JPR", "Phagi", "PHG", Panchayats: 10, SharedPanchayats: 0, Transactions: 1_248),
        new("Tonk", "TNK", "Malpura", "MLP", Panchayats: 15, SharedPanchayats: 1, Transactions: 2_100),
        new("Tonk", "TNK", "Niwai", "NWI", Panchayats: 11, SharedPanchayats: 1, Transactions: 1_380, IdleMachines: 1),
    ];

    private static readonly (string Service, string Biller, decimal[] Amounts)[] Bills =
    [
        ("electricity", "JVVNL", [430m, 850m, 1_240.50m, 2_315m]),
        ("water", "PHED", [180m, 262.50m]),
        ("telephone", "BSNL", [399m]),
        ("postpaid-mobile", "AIRTEL", [599m, 749m]),
    ];

    private static readonly decimal[] Denominations = [500m, 200m, 100m, 50m, 20m, 10m];

    /// <summary>Writes <c>transactions.jsonl</c> and <c>machines.csv</c> into <paramref name="directory"/>.</summary>
    public static (string Transactions, string Machines) Write(string directory)
    {
        Directory.CreateDirectory(directory);
        var random = new Random(2026);
        var machines = new StringBuilder("machineId,panchayat,block,district\n");
        var lines = new List<string>();
        var failedSeq = 0;
        foreach (var block in Blocks)
        {
            var ids = MachinesOf(block).ToList();
            foreach (var (id, panchayat) in ids)
            {
                machines.Append(CultureInfo.InvariantCulture, $"{id},{panchayat},{block.Block},{block.District}\n");
            }

            var active = ids.Take(ids.Count - block.IdleMachines).Select(m => m.Id).ToList();
            var counts = Split(block.Transactions, active.Count, random);
            for (var m = 0; m < active.Count; m++)
            {
                var seq = 0L;
                var machine = active[m];

                // Just before and just after the five months: a period filter must leave them out.
                lines.Add(Line(machine, ++seq, At(2025, 12, 31, 23, 50), random, PaymentStatus.Posted));
                for (var i = 0; i < counts[m]; i++)
                {
                    var at = Period.From!.Value.AddMinutes(random.Next(0, (int)(Period.Until!.Value - Period.From.Value).TotalMinutes));
                    var record = Record(machine, ++seq, at, random, PaymentStatus.Posted);
                    if (seq % 50 == 0)
                    {
                        // Posted late: first sent pending, re-sent as revision 2 once the biller answered.
                        lines.Add(KioskJson.SerializeToString(record with { PaymentStatus = PaymentStatus.Pending }));
                        record = record with { Revision = 2 };
                    }

                    lines.Add(KioskJson.SerializeToString(record));
                    if (seq % 97 == 0)
                    {
                        lines.Add(KioskJson.SerializeToString(record)); // delivered twice
                    }
                }

                if (m == 0)
                {
                    failedSeq++;
                    lines.Add(Line(machine, ++seq, At(2026, 3, 10 + failedSeq, 12, 0), random, PaymentStatus.Failed));
                }

                lines.Add(Line(machine, ++seq, At(2026, 6, 1, 0, 10), random, PaymentStatus.Posted));
            }
        }

        var transactionsPath = Path.Combine(directory, TransactionsFileName);
        var machinesPath = Path.Combine(directory, DatasetFiles.DirectoryFileName);
        File.WriteAllLines(transactionsPath, lines);
        File.WriteAllText(machinesPath, machines.ToString());
        return (transactionsPath, machinesPath);
    }

    private static IEnumerable<(string Id, string Panchayat)> MachinesOf(BlockPlan block)
    {
        var number = 0;
        for (var p = 1; p <= block.Panchayats; p++)
        {
            var panchayat = string.Create(CultureInfo.InvariantCulture, $"{block.Block} GP {p:00}");
            var here = p <= block.SharedPanchayats ? 2 : 1;
            for (var k = 0; k < here; k++)
            {
                yield return (string.Create(CultureInfo.InvariantCulture, $"RJ-{block.DistrictCode}-{block.BlockCode}-{++number:000}"), panchayat);
            }
        }

        for (var k = 0; k < block.IdleMachines; k++)
        {
            // Installed in the first panchayat, never used in the period.
            yield return (string.Create(CultureInfo.InvariantCulture, $"RJ-{block.DistrictCode}-{block.BlockCode}-{++number:000}"), $"{block.Block} GP 01");
        }
    }

    /// <summary>Splits <paramref name="total"/> over <paramref name="parts"/> with uneven weights, summing exactly (largest remainder).</summary>
    private static int[] Split(int total, int parts, Random random)
    {
        var weights = Enumerable.Range(0, parts).Select(_ => 0.4 + (1.2 * random.NextDouble())).ToArray();
        var sum = weights.Sum();
        var exact = weights.Select(w => total * w / sum).ToArray();
        var counts = exact.Select(e => (int)Math.Floor(e)).ToArray();
        foreach (var i in Enumerable.Range(0, parts).OrderByDescending(i => exact[i] - counts[i]).Take(total - counts.Sum()))
        {
            counts[i]++;
        }

        return counts;
    }

    private static DateTimeOffset At(int year, int month, int day, int hour, int minute) => new(year, month, day, hour, minute, 0, Ist);

    private static string Line(string machine, long seq, DateTimeOffset at, Random random, PaymentStatus status) =>
        KioskJson.SerializeToString(Record(machine, seq, at, random, status));

    private static TransactionRecord Record(string machine, long seq, DateTimeOffset at, Random random, PaymentStatus status)
    {
        var (service, biller, amounts) = Bills[random.Next(Bills.Length)];
        var amount = amounts[random.Next(amounts.Length)];
        var fee = service == "electricity" ? 10m : 0m;
        var stamp = new MachineStamp("sample-boot", seq * 60_000, at, ClockSynced: true);
        var notes = new List<NoteCredit>();
        var owed = Math.Ceiling((amount + fee) / 10m) * 10m;
        foreach (var note in Denominations)
        {
            for (; owed >= note; owed -= note)
            {
                notes.Add(new NoteCredit(note, stamp, "NV200-SAMPLE"));
            }
        }

        var credited = notes.Sum(n => n.Denomination);
        return new TransactionRecord
        {
            TxId = string.Create(CultureInfo.InvariantCulture, $"{machine}-{seq:D8}"),
            MachineId = machine,
            JournalSeq = seq,
            SessionId = string.Create(CultureInfo.InvariantCulture, $"{machine}-s{seq}"),
            Service = service,
            BillerId = biller,
            ConsumerNumber = string.Create(CultureInfo.InvariantCulture, $"{random.Next(100_000, 999_999)}{random.Next(100_000, 999_999)}"),
            Amount = amount,
            Fee = fee,
            Currency = "INR",
            Notes = notes,
            Voucher = credited - amount - fee,
            PaymentStatus = status,
            ReceiptNumber = string.Create(CultureInfo.InvariantCulture, $"R{seq:D6}"),
            CreatedAt = stamp,
        };
    }

    private sealed record BlockPlan(string District, string DistrictCode, string Block, string BlockCode, int Panchayats, int SharedPanchayats, int Transactions, int IdleMachines = 0);
}
