using SevaKiosk.Protocol.Mqtt;

namespace SevaKiosk.Tools.Fleet.Report;

/// <summary>The level a report groups by. Each level's parent is the next one up; the district's parent is the state (the whole fleet).</summary>
internal enum ReportLevel
{
    Machine,
    Panchayat,
    Block,
    District,
}

/// <summary>
/// One unit of a report (a district, block, panchayat or machine) in its period. Averages and shares are rounded to
/// two decimals half away from zero; ranks order by transactions, then amount, then name (1 = most).
/// </summary>
/// <param name="Panchayats">Distinct panchayats with a machine in the unit.</param>
/// <param name="Machines">Machines in the unit, including those without a transaction in the period.</param>
/// <param name="TransactionsPerMachine">Transactions ÷ machines.</param>
/// <param name="ShareOfParent">The unit's transactions as a percentage of its parent's.</param>
/// <param name="Rank">Rank among all units of the level in the state.</param>
/// <param name="RankInParent">Rank among the units of the same parent.</param>
internal sealed record ReportUnit(
    string Name,
    string? District,
    string? Block,
    string? Panchayat,
    string? Machine,
    string Parent,
    int Panchayats,
    int Machines,
    long Transactions,
    decimal Amount,
    decimal Fees,
    long NotPosted,
    decimal TransactionsPerMachine,
    decimal AmountPerMachine,
    decimal ShareOfParent,
    decimal AmountShareOfParent,
    int Rank,
    int RankInParent);

/// <summary>The fleet's total in the period: the parent of every district.</summary>
internal sealed record ReportTotal(int Districts, int Blocks, int Panchayats, int Machines, long Transactions, decimal Amount, decimal Fees, long NotPosted, decimal TransactionsPerMachine);

internal sealed record FleetReportResult(ReportPeriod Period, ReportLevel Level, ReportTotal Total, IReadOnlyList<ReportUnit> Units);

/// <summary>
/// Rolls per-machine totals up the hierarchy machine → panchayat → block → district → state. Machines come from the
/// directory (meta or a machines file) so that a machine with no transaction still counts in its unit's average; a
/// machine with transactions but no known location is reported under "(unknown)".
/// </summary>
internal static class FleetReport
{
    public const string Unknown = "(unknown)";

    public static FleetReportResult Compute(IReadOnlyList<StoredMachine> machines, IReadOnlyDictionary<string, MachineTotals> totals, ReportPeriod period, ReportLevel level)
    {
        var known = machines.ToDictionary(m => m.MachineId, StringComparer.Ordinal);
        foreach (var id in totals.Keys.Where(id => !known.ContainsKey(id)))
        {
            known[id] = new StoredMachine(id, null, null);
        }

        var rows = known.Values.Select(m => new Row(m, Where(m.Location), totals.GetValueOrDefault(m.MachineId) ?? new MachineTotals(0, 0, 0, 0))).ToList();
        var depth = Depth(level);
        var parentTotals = rows.GroupBy(r => Key(r, depth - 1)).ToDictionary(g => g.Key, g => (Tx: g.Sum(r => r.Totals.Transactions), Amount: g.Sum(r => r.Totals.Amount)), StringComparer.Ordinal);

        var units = rows.GroupBy(r => Key(r, depth), StringComparer.Ordinal).Select(g =>
        {
            var first = g.First();
            var machineCount = g.Count();
            var tx = g.Sum(r => r.Totals.Transactions);
            var amount = g.Sum(r => r.Totals.Amount);
            var parent = parentTotals[Key(first, depth - 1)];
            return new ReportUnit(
                Name: first.Path[depth - 1],
                District: first.Path[0],
                Block: depth >= 2 ? first.Path[1] : null,
                Panchayat: depth >= 3 ? first.Path[2] : null,
                Machine: depth >= 4 ? first.Path[3] : null,
                Parent: depth == 1 ? "state" : string.Join(", ", first.Path.Take(depth - 1).Reverse()),
                Panchayats: g.Select(r => Key(r, 3)).Distinct(StringComparer.Ordinal).Count(),
                Machines: machineCount,
                Transactions: tx,
                Amount: amount,
                Fees: g.Sum(r => r.Totals.Fees),
                NotPosted: g.Sum(r => r.Totals.NotPosted),
                TransactionsPerMachine: Round((decimal)tx / machineCount),
                AmountPerMachine: Round(amount / machineCount),
                ShareOfParent: parent.Tx == 0 ? 0 : Round(100m * tx / parent.Tx),
                AmountShareOfParent: parent.Amount == 0 ? 0 : Round(100m * amount / parent.Amount),
                Rank: 0,
                RankInParent: 0);
        }).ToList();

        var ranked = Rank(units, _ => string.Empty, (u, r) => u with { Rank = r });
        ranked = Rank(ranked, u => u.Parent, (u, r) => u with { RankInParent = r });
        var ordered = ranked.OrderBy(u => u.Rank).ToList();

        var allTx = rows.Sum(r => r.Totals.Transactions);
        var total = new ReportTotal(
            rows.Select(r => Key(r, 1)).Distinct(StringComparer.Ordinal).Count(),
            rows.Select(r => Key(r, 2)).Distinct(StringComparer.Ordinal).Count(),
            rows.Select(r => Key(r, 3)).Distinct(StringComparer.Ordinal).Count(),
            rows.Count,
            allTx,
            rows.Sum(r => r.Totals.Amount),
            rows.Sum(r => r.Totals.Fees),
            rows.Sum(r => r.Totals.NotPosted),
            rows.Count == 0 ? 0 : Round((decimal)allTx / rows.Count));
        return new FleetReportResult(period, level, total, ordered);
    }

    /// <summary>What a level's parent is called in a column header.</summary>
    public static string ParentName(ReportLevel level) => level switch
    {
        ReportLevel.District => "state",
        ReportLevel.Block => "district",
        ReportLevel.Panchayat => "block",
        _ => "panchayat",
    };

    public static string Name(ReportLevel level) => level.ToString().ToLowerInvariant();

    private static int Depth(ReportLevel level) => level switch
    {
        ReportLevel.District => 1,
        ReportLevel.Block => 2,
        ReportLevel.Panchayat => 3,
        _ => 4,
    };

    /// <summary>Two decimals, half away from zero, always with both digits (60.00, not 60).</summary>
    public static decimal Round(decimal value) => decimal.Round(value, 2, MidpointRounding.AwayFromZero) + 0.00m;

    private static string[] Where(MachineLocation? location) =>
        location is null ? [Unknown, Unknown, Unknown] : [location.District, location.Block, location.Panchayat];

    /// <summary>The unit key at a depth (0 = state): the path joined with a separator no name contains.</summary>
    private static string Key(Row row, int depth) => string.Join('\u001f', row.Path.Take(depth));

    private static List<ReportUnit> Rank(List<ReportUnit> units, Func<ReportUnit, string> group, Func<ReportUnit, int, ReportUnit> set) =>
        units.GroupBy(group, StringComparer.Ordinal)
            .SelectMany(g => g
                .OrderByDescending(u => u.Transactions)
                .ThenByDescending(u => u.Amount)
                .ThenBy(u => u.Name, StringComparer.Ordinal)
                .ThenBy(u => u.Parent, StringComparer.Ordinal)
                .Select((u, i) => set(u, i + 1)))
            .ToList();

    private sealed class Row(StoredMachine machine, string[] where, MachineTotals totals)
    {
        /// <summary>District, block, panchayat, machine id.</summary>
        public string[] Path { get; } = [.. where, machine.MachineId];

        public MachineTotals Totals { get; } = totals;
    }
}
