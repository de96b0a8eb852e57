using System.Globalization;
using System.Numerics;
using System.Text;
using SevaKiosk.Protocol.Mqtt;

namespace SevaKiosk.Tools.Fleet.Report;

/// <summary>
/// An export to report on without a broker (<c>--from FILE [--machines FILE]</c>):
/// <list type="bullet">
/// <item>transactions as <b>JSON lines</b> (<c>.jsonl</c>/<c>.ndjson</c>/<c>.json</c>): one <see cref="TransactionRecord"/> per
/// line exactly as machines publish it on <c>tx</c> (a backend's archive of the topic); repeated TxIds are fine, the
/// highest revision counts once;</item>
/// <item>or transactions as <b>CSV</b> (<c>.csv</c>) with a header naming at least <c>txId,machineId,createdAt,amount,paymentStatus</c>
/// and optionally <c>revision,fee,service,journalSeq,currency</c> (<c>createdAt</c> ISO 8601 with offset;
/// <c>paymentStatus</c> posted, pending, failed or not-posted);</item>
/// <item>a <b>machine directory</b> CSV with the header <c>machineId,panchayat,block,district</c> (what provisioning
/// writes); by default <c>machines.csv</c> next to the transactions file.</item>
/// </list>
/// Any bad line stops the import with its file and line number: a report never silently drops money.
/// </summary>
internal static class DatasetFiles
{
    public const string DirectoryFileName = "machines.csv";

    public static void ImportTransactions(FleetStore store, string path)
    {
        if (!File.Exists(path))
        {
            throw new FleetInputException($"--from {path}: no such file.");
        }

        store.UpsertTransactions(path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? ReadCsv(path) : ReadJsonLines(path));
    }

    private static IEnumerable<TransactionRow> ReadJsonLines(string path)
    {
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (!KioskJson.TryDeserialize<TransactionRecord>(Encoding.UTF8.GetBytes(line), out var record, out var error) || record is null)
            {
                throw new FleetInputException($"{path}:{number}: not a transaction record ({error}).");
            }

            yield return Checked(TransactionRow.From(record), path, number);
        }
    }

    public static void ImportMachines(FleetStore store, string path)
    {
        if (!File.Exists(path))
        {
            throw new FleetInputException($"--machines {path}: no such file.");
        }

        using var reader = File.OpenText(path);
        var columns = new Columns(path, ["machineId", "panchayat", "block", "district"]);
        foreach (var (line, fields) in CsvText.Read(reader))
        {
            if (!columns.Ready)
            {
                columns.Header(fields, line);
                continue;
            }

            var id = columns.Get(fields, "machineId", line);
            if (!KioskTopics.IsValidMachineId(id))
            {
                throw new FleetInputException($"{path}:{line}: '{id}' is not a machine id.");
            }

            var location = new MachineLocation(columns.Get(fields, "panchayat", line), columns.Get(fields, "block", line), columns.Get(fields, "district", line));
            store.UpsertMachine(id, location, columns.Optional(fields, "firmware"));
        }
    }

    private static IEnumerable<TransactionRow> ReadCsv(string path)
    {
        using var reader = File.OpenText(path);
        var columns = new Columns(path, ["txId", "machineId", "createdAt", "amount", "paymentStatus"]);
        foreach (var (line, fields) in CsvText.Read(reader))
        {
            if (!columns.Ready)
            {
                columns.Header(fields, line);
                continue;
            }

            var row = new TransactionRow(
                columns.Get(fields, "txId", line),
                columns.Get(fields, "machineId", line),
                columns.Optional(fields, "revision") is { } revision ? Number<int>(revision, path, line) : 1,
                columns.Optional(fields, "journalSeq") is { } seq ? Number<long>(seq, path, line) : 0,
                DateTimeOffset.TryParse(columns.Get(fields, "createdAt", line), CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
                    ? at : throw new FleetInputException($"{path}:{line}: createdAt is not an ISO 8601 time."),
                ClockSynced: true,
                columns.Optional(fields, "service") ?? string.Empty,
                Number<decimal>(columns.Get(fields, "amount", line), path, line),
                columns.Optional(fields, "fee") is { } fee ? Number<decimal>(fee, path, line) : 0m,
                columns.Optional(fields, "currency") ?? "INR",
                Status(columns.Get(fields, "paymentStatus", line), path, line));
            yield return Checked(row, path, line);
        }
    }

    /// <summary>Refuses a row the store cannot hold exactly, naming its line (the store itself does not know lines).</summary>
    private static TransactionRow Checked(TransactionRow row, string path, int line)
    {
        try
        {
            FleetStore.Paise(row.Amount, row.TxId);
            FleetStore.Paise(row.Fee, row.TxId);
            return row;
        }
        catch (FleetInputException ex)
        {
            throw new FleetInputException($"{path}:{line}: {ex.Message}");
        }
    }

    private static T Number<T>(string text, string path, int line)
        where T : INumber<T> =>
        T.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value) ? value : throw new FleetInputException($"{path}:{line}: '{text}' is not a number.");

    private static PaymentStatus Status(string text, string path, int line) => text switch
    {
        "posted" => PaymentStatus.Posted,
        "pending" => PaymentStatus.Pending,
        "failed" => PaymentStatus.Failed,
        "not-posted" => PaymentStatus.NotPosted,
        _ => throw new FleetInputException($"{path}:{line}: paymentStatus '{text}' is not posted, pending, failed or not-posted."),
    };

    /// <summary>Header positions of a CSV file, by name (case-insensitive).</summary>
    private sealed class Columns(string path, string[] required)
    {
        private Dictionary<string, int>? _index;

        public bool Ready => _index is not null;

        public void Header(string[] fields, int line)
        {
            _index = fields.Select((name, i) => (name.Trim(), i)).ToDictionary(p => p.Item1, p => p.i, StringComparer.OrdinalIgnoreCase);
            var missing = required.Where(r => !_index.ContainsKey(r)).ToList();
            if (missing.Count > 0)
            {
                throw new FleetInputException($"{path}:{line}: the header lacks {string.Join(", ", missing)} (needs {string.Join(",", required)}).");
            }
        }

        public string Get(string[] fields, string name, int line) =>
            Optional(fields, name) ?? throw new FleetInputException($"{path}:{line}: {name} is empty.");

        public string? Optional(string[] fields, string name) =>
            _index!.TryGetValue(name, out var i) && i < fields.Length && !string.IsNullOrWhiteSpace(fields[i]) ? fields[i].Trim() : null;
    }
}
