using System.Globalization;
using System.Text.Json;

namespace SevaKiosk.Fleet.Tests.Report;

/// <summary>
/// The report's figures computed the plain way, straight from the export files, sharing no code with kioskctl: read
/// every JSON line, keep the highest revision of each txId, keep payments (posted or pending) whose createdAt falls on
/// an IST day of the period, join the machine directory, group and divide.
/// </summary>
public sealed class ExpectedFigures
{
    private static readonly TimeSpan Ist = TimeSpan.FromHours(5.5);

    private readonly List<(string Machine, decimal Amount)> _payments = [];
    private readonly Dictionary<string, (string Panchayat, string Block, string District)> _machines = new(StringComparer.Ordinal);

    public ExpectedFigures(string transactionsPath, string machinesPath, DateOnly first, DateOnly last)
    {
        foreach (var line in File.ReadLines(machinesPath).Skip(1).Where(l => l.Length > 0))
        {
            var f = line.Split(',');
            _machines[f[0]] = (f[1], f[2], f[3]);
        }

        var latest = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(transactionsPath).Where(l => l.Length > 0))
        {
            var tx = JsonDocument.Parse(line).RootElement;
            var id = tx.GetProperty("txId").GetString()!;
            var revision = tx.TryGetProperty("revision", out var r) ? r.GetInt32() : 1;
            if (!latest.TryGetValue(id, out var known) || revision > known.GetProperty("revision").GetInt32())
            {
                latest[id] = tx;
            }
        }

        var from = new DateTimeOffset(first.ToDateTime(TimeOnly.MinValue), Ist);
        var until = new DateTimeOffset(last.AddDays(1).ToDateTime(TimeOnly.MinValue), Ist);
        foreach (var tx in latest.Values)
        {
            var at = DateTimeOffset.Parse(tx.GetProperty("createdAt").GetProperty("wall").GetString()!, CultureInfo.InvariantCulture);
            var status = tx.GetProperty("paymentStatus").GetString();
            if (at >= from && at < until && status is "posted" or "pending")
            {
                _payments.Add((tx.GetProperty("machineId").GetString()!, tx.GetProperty("amount").GetDecimal()));
            }
        }
    }

    public long Transactions => _payments.Count;

    public int MachineCount => _machines.Count;

    /// <summary>Per block (district, block): transactions, amount, machines, panchayats.</summary>
    public Dictionary<(string District, string Block), Unit> Blocks() =>
        Group(m => (m.District, m.Block));

    public Dictionary<(string District, string Block, string Panchayat), Unit> Panchayats() =>
        Group(m => (m.District, m.Block, m.Panchayat));

    public Dictionary<string, Unit> Districts() => Group(m => m.District);

    public static decimal Round(decimal value) => Math.Round(value, 2, MidpointRounding.AwayFromZero);

    private Dictionary<TKey, Unit> Group<TKey>(Func<(string Panchayat, string Block, string District), TKey> key)
        where TKey : notnull
    {
        var units = new Dictionary<TKey, Unit>();
        foreach (var (id, where) in _machines)
        {
            var k = key(where);
            var unit = units.TryGetValue(k, out var u) ? u : new Unit();
            unit.Machines++;
            unit.PanchayatNames.Add(where.District + "/" + where.Block + "/" + where.Panchayat);
            foreach (var payment in _payments.Where(p => p.Machine == id))
            {
                unit.Transactions++;
                unit.Amount += payment.Amount;
            }

            units[k] = unit;
        }

        return units;
    }

    public sealed class Unit
    {
        public long Transactions { get; set; }

        public decimal Amount { get; set; }

        public int Machines { get; set; }

        public HashSet<string> PanchayatNames { get; } = [];

        public decimal PerMachine => Round((decimal)Transactions / Machines);
    }
}
