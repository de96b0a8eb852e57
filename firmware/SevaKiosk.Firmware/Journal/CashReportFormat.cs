using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SevaKiosk.Firmware.Journal;

/// <summary>The X/Z report as a technician reads it (text) and as tools read it (JSON); one shape for both.</summary>
public static class CashReportFormat
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string ToText(CashReport r)
    {
        var c = CultureInfo.InvariantCulture;
        var s = new StringBuilder();
        s.AppendLine(c, $"{r.Kind} REPORT  {r.MachineId}  period {r.PeriodId}{(r.ZNumber is { } z ? $"  Z #{z}" : string.Empty)}");
        s.AppendLine(c, $"  from {r.PeriodStart:yyyy-MM-dd HH:mm:ss zzz}  to {(r.PeriodEnd is { } e ? e.ToString("yyyy-MM-dd HH:mm:ss zzz", c) : "(open)")}");
        s.AppendLine(c, $"  cash box batch {r.CashboxBatch} since {r.CashboxBatchOpened:yyyy-MM-dd HH:mm:ss zzz}");
        s.AppendLine("  notes by denomination");
        foreach (var line in r.Denominations)
        {
            s.AppendLine(c, $"    {line.Value.Amount,6:0} x {line.Count,6} = {line.Total.Amount,12:0.00}");
        }

        s.AppendLine(c, $"    {"total",-17} {r.NotesTotal.Amount,12:0.00}");
        s.AppendLine(c, $"  transactions               {r.Transactions,12}");
        s.AppendLine(c, $"  amount posted              {r.AmountPosted.Amount,12:0.00}");
        s.AppendLine(c, $"  accepted, not posted       {r.AcceptedNotPosted.Amount,12:0.00}");
        s.AppendLine(c, $"  fees                       {r.Fees.Amount,12:0.00}");
        s.AppendLine(c, $"  receipts not printed       {r.ReceiptsNotPrinted,12}");
        s.AppendLine(c, $"  notes unresolved           {r.UnresolvedNotes,12}");
        s.AppendLine("  rejected notes by reason");
        if (r.RejectedByReason.Count == 0)
        {
            s.AppendLine("    none");
        }

        foreach (var (reason, count) in r.RejectedByReason.OrderByDescending(p => p.Value))
        {
            s.AppendLine(c, $"    {reason,-24} {count,6}");
        }

        return s.ToString();
    }

    public static JsonObject ToJson(CashReport r) => new()
    {
        ["kind"] = r.Kind,
        ["machineId"] = r.MachineId,
        ["periodId"] = r.PeriodId,
        ["zNumber"] = r.ZNumber,
        ["periodStart"] = r.PeriodStart,
        ["periodEnd"] = r.PeriodEnd,
        ["currency"] = r.NotesTotal.Currency,
        ["denominations"] = new JsonArray(r.Denominations.Select(d => (JsonNode)new JsonObject
        {
            ["value"] = d.Value.Amount,
            ["count"] = d.Count,
            ["total"] = d.Total.Amount,
        }).ToArray()),
        ["notesTotal"] = r.NotesTotal.Amount,
        ["transactions"] = r.Transactions,
        ["amountPosted"] = r.AmountPosted.Amount,
        ["acceptedNotPosted"] = r.AcceptedNotPosted.Amount,
        ["fees"] = r.Fees.Amount,
        ["receiptsNotPrinted"] = r.ReceiptsNotPrinted,
        ["unresolvedNotes"] = r.UnresolvedNotes,
        ["rejectedByReason"] = new JsonObject(r.RejectedByReason.Select(p => new KeyValuePair<string, JsonNode?>(p.Key, p.Value))),
        ["cashboxBatch"] = r.CashboxBatch,
        ["cashboxBatchOpened"] = r.CashboxBatchOpened,
    };

    public static string ToJsonText(CashReport r) => ToJson(r).ToJsonString(Indented);
}
