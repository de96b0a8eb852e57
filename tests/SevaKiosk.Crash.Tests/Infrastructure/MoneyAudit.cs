using System.Globalization;
using System.Text.Json.Nodes;

namespace SevaKiosk.Crash.Tests.Infrastructure;

/// <summary>
/// The checks a cash collector, an auditor and the backend would make after the kiosk came back from a power cut,
/// across the three places money is recorded: the journal, the validator's own counters and the backend's ledger.
/// Returns every violation (not just the first) so one crash point's report says everything that went wrong.
/// </summary>
internal static class MoneyAudit
{
    public sealed record Evidence(
        JournalSnapshot Journal,
        LedgerSnapshot Ledger,
        JsonObject XReport,
        JsonObject ValidatorStatus,
        IReadOnlyList<decimal> StackedByDevice,
        IReadOnlyList<decimal> HandedBack,
        IReadOnlyList<long> Offered);

    public static List<string> Check(Evidence e)
    {
        var problems = new List<string>();
        var journal = e.Journal;
        var credited = journal.Credited.ToList();

        // Every credited note is in exactly one transaction, and is part of its money.
        foreach (var note in credited)
        {
            var owners = note.SessionId is null ? 0 : journal.Transactions.Count(t => t.SessionId == note.SessionId);
            if (owners != 1)
            {
                problems.Add($"credited note {note.Id} (₹{note.Value}, session {note.SessionId ?? "none"}) is in {owners} transactions");
            }
        }

        foreach (var tx in journal.Transactions)
        {
            var inSession = credited.Where(n => n.SessionId == tx.SessionId).Sum(n => n.Value ?? 0);
            if (inSession != tx.Credited)
            {
                problems.Add($"transaction {tx.TxId} says ₹{tx.Credited} credited but its session's credited notes sum to ₹{inSession}");
            }
        }

        foreach (var group in journal.Transactions.GroupBy(t => t.SessionId).Where(g => g.Count() > 1))
        {
            problems.Add($"session {group.Key} has {group.Count()} transactions");
        }

        // Nothing left half-way, nothing the journal gave up on.
        foreach (var note in journal.Notes.Where(n => n.State is "Escrowed" or "Accepting" or "Unresolved"))
        {
            problems.Add($"note {note.Id} (₹{note.Value}) is still {note.State}: {note.Detail}");
        }

        foreach (var session in journal.Sessions.Where(s => !s.Closed))
        {
            problems.Add($"session {session.Id} is still open ({session.State})");
        }

        // Cash box: the validator's stacks = journal credited notes = cash-box counters = X report, per denomination.
        var device = Count(e.StackedByDevice);
        var notes = Count(credited.Select(n => n.Value ?? 0));
        var counters = journal.CashboxCounters.Where(kv => kv.Value != 0).ToDictionary(kv => kv.Key, kv => kv.Value);
        var report = e.XReport["denominations"]!.AsArray().ToDictionary(d => (decimal)d!["value"]!, d => (long)d!["count"]!);
        CompareCounts("validator stacked", device, "journal credited notes", notes, problems);
        CompareCounts("journal credited notes", notes, "cash-box counters", counters, problems);
        CompareCounts("journal credited notes", notes, "X report", report, problems);

        var stackedCounter = (long)e.ValidatorStatus["counters"]!["stacked"]!;
        if (stackedCounter != credited.Count)
        {
            problems.Add($"the validator's stacked counter is {stackedCounter} but the journal credited {credited.Count} notes");
        }

        if (e.ValidatorStatus["note"] is JsonObject inPath)
        {
            problems.Add($"a note is still in the validator's path: {inPath.ToJsonString()}");
        }

        // No money lost: what the citizen put in is in the cash box (and in transactions) or back in their hand.
        var inTransactions = journal.Transactions.Sum(t => t.Credited);
        var stackedTotal = e.StackedByDevice.Sum();
        if (inTransactions != stackedTotal)
        {
            problems.Add($"transactions hold ₹{inTransactions} of credited notes but the validator stacked ₹{stackedTotal}");
        }

        if (e.Offered.Sum() != stackedTotal + e.HandedBack.Sum())
        {
            problems.Add($"the citizen offered ₹{e.Offered.Sum()} ({string.Join(", ", e.Offered)}) but the validator stacked ₹{stackedTotal} and handed back ₹{e.HandedBack.Sum()}");
        }

        if ((long)e.XReport["transactions"]! != journal.Transactions.Count)
        {
            problems.Add($"the X report counts {e.XReport["transactions"]} transactions, the journal has {journal.Transactions.Count}");
        }

        if ((decimal)e.XReport["notesTotal"]! != stackedTotal)
        {
            problems.Add($"the X report's notes total is ₹{e.XReport["notesTotal"]} but the validator stacked ₹{stackedTotal}");
        }

        // The backend: every transaction delivered (maybe more than once), applied once at its latest revision, acknowledged.
        foreach (var tx in journal.Transactions)
        {
            if (!tx.Acknowledged)
            {
                problems.Add($"transaction {tx.TxId} was never acknowledged by the backend");
            }

            var applied = e.Ledger.Transactions.Where(l => l.TxId == tx.TxId).ToList();
            if (applied.Count != 1)
            {
                problems.Add($"transaction {tx.TxId} is in the backend ledger {applied.Count} times");
            }
            else if (applied[0].Revision != tx.Revision || applied[0].PaymentStatus != tx.PaymentStatus)
            {
                problems.Add($"the backend has {tx.TxId} at revision {applied[0].Revision} ({applied[0].PaymentStatus}), the journal at {tx.Revision} ({tx.PaymentStatus})");
            }

            if (tx.PaymentStatus == "Posted")
            {
                var payment = e.Ledger.Payments.SingleOrDefault(p => p.IdempotencyKey == tx.TxId);
                if (payment is null || payment.Result != "Posted" || payment.Reference != tx.ApprovalRef)
                {
                    problems.Add($"posted transaction {tx.TxId} (approval {tx.ApprovalRef}) has no matching payment at the biller: {payment}");
                }
            }
        }

        if (journal.OutboxPending > 0)
        {
            problems.Add($"{journal.OutboxPending} transaction revision(s) still wait in the outbox for the backend's ack");
        }

        foreach (var extra in e.Ledger.Transactions.Where(l => journal.Transactions.All(t => t.TxId != l.TxId)))
        {
            problems.Add($"the backend applied {extra.TxId}, which the journal does not have");
        }

        return problems;
    }

    private static Dictionary<decimal, long> Count(IEnumerable<decimal> values) => values.GroupBy(v => v).ToDictionary(g => g.Key, g => (long)g.Count());

    private static void CompareCounts(string leftName, Dictionary<decimal, long> left, string rightName, Dictionary<decimal, long> right, List<string> problems)
    {
        foreach (var value in left.Keys.Union(right.Keys).Order())
        {
            var l = left.GetValueOrDefault(value);
            var r = right.GetValueOrDefault(value);
            if (l != r)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"₹{value}: {leftName} {l} ≠ {rightName} {r}"));
            }
        }
    }
}
