using Microsoft.Data.Sqlite;
using SevaKiosk.Hal.Devices;
using PaymentStatus = SevaKiosk.Protocol.Mqtt.PaymentStatus;

namespace SevaKiosk.Firmware.Journal;

/// <summary>One denomination line of a cash report.</summary>
public sealed record DenominationLine(Money Value, long Count, Money Total);

/// <summary>
/// X report (interim, read-only) or Z report (closes the accounting period). Everything is computed from the
/// journal's rows, so it equals what the journal recorded, note by note.
/// </summary>
public sealed record CashReport(
    string Kind,
    string MachineId,
    long PeriodId,
    long? ZNumber,
    DateTimeOffset PeriodStart,
    DateTimeOffset? PeriodEnd,
    IReadOnlyList<DenominationLine> Denominations,
    Money NotesTotal,
    long Transactions,
    Money AmountPosted,
    Money AcceptedNotPosted,
    Money Fees,
    long ReceiptsNotPrinted,
    IReadOnlyDictionary<string, long> RejectedByReason,
    long UnresolvedNotes,
    long CashboxBatch,
    DateTimeOffset CashboxBatchOpened);

public sealed partial class KioskJournal
{
    /// <summary>Interim report for the open period. Changes nothing.</summary>
    public CashReport XReport(string currency = "INR") => _db.Commit(tx =>
    {
        _db.NameStep("X_REPORT");
        return BuildReport(tx, "X", currency, null, null);
    });

    /// <summary>Closes the open period, opens the next one, and returns the closed period's report, in one commit.</summary>
    public CashReport ZReport(string currency = "INR") => _db.Commit(tx =>
    {
        var z = NextCounter(tx, "z_number");
        var closedAt = Now();
        var period = Convert.ToInt64(_db.CreateCommand(tx, "UPDATE periods SET closed_at=$at, z_number=$z WHERE closed_at IS NULL RETURNING id")
            .With("$at", closedAt).With("$z", z).Scalar(), System.Globalization.CultureInfo.InvariantCulture);
        var report = BuildReport(tx, "Z", currency, period, z);
        EnsureOpenPeriod(tx);
        Append(tx, null, "Z_REPORT", new { period, z, notes = report.NotesTotal.Amount, transactions = report.Transactions });
        return report;
    });

    private CashReport BuildReport(SqliteTransaction tx, string kind, string currency, long? periodId, long? z)
    {
        var period = periodId ?? Convert.ToInt64(_db.CreateCommand(tx, "SELECT id FROM periods WHERE closed_at IS NULL").Scalar(), System.Globalization.CultureInfo.InvariantCulture);
        DateTimeOffset start;
        DateTimeOffset? end;
        using (var c = _db.CreateCommand(tx, "SELECT opened_at, closed_at FROM periods WHERE id=$p").With("$p", period))
        using (var r = c.ExecuteReader())
        {
            r.Read();
            start = SqlText.ParseTime(r.GetString(0));
            end = r.StringOrNull(1) is { } closed ? SqlText.ParseTime(closed) : null;
        }

        var zero = Money.Zero(currency);
        var lines = new List<DenominationLine>();
        using (var c = _db.CreateCommand(tx, """
            SELECT value, COUNT(*) FROM notes WHERE period_id=$p AND state='Credited' AND currency=$c AND value IS NOT NULL
            GROUP BY value ORDER BY CAST(value AS REAL)
            """).With("$p", period).With("$c", currency))
        using (var r = c.ExecuteReader())
        {
            while (r.Read())
            {
                var value = new Money(SqlText.ParseAmount(r.GetString(0)), currency);
                var count = r.GetInt64(1);
                lines.Add(new DenominationLine(value, count, new Money(value.Amount * count, currency)));
            }
        }

        var notesTotal = lines.Aggregate(zero, (s, l) => s + l.Total);
        long transactions = 0;
        var posted = zero;
        var fees = zero;
        var creditedInTransactions = zero;
        var creditedPosted = zero;
        using (var c = _db.CreateCommand(tx, "SELECT amount, fee, credited, payment_status FROM transactions WHERE period_id=$p AND currency=$c").With("$p", period).With("$c", currency))
        using (var r = c.ExecuteReader())
        {
            while (r.Read())
            {
                transactions++;
                var credited = new Money(SqlText.ParseAmount(r.GetString(2)), currency);
                creditedInTransactions += credited;
                if (r.GetString(3) == nameof(PaymentStatus.Posted))
                {
                    posted += new Money(SqlText.ParseAmount(r.GetString(0)), currency);
                    fees += new Money(SqlText.ParseAmount(r.GetString(1)), currency);
                    creditedPosted += credited;
                }
            }
        }

        // Everything the machine took in this period that has not been posted to a biller (pending, failed,
        // vouchers, excess, and credits not yet in any transaction).
        var acceptedNotPosted = notesTotal - posted - fees;
        if (acceptedNotPosted.Amount < 0)
        {
            acceptedNotPosted = zero;
        }

        var notPrinted = Convert.ToInt64(_db.CreateCommand(tx, """
            SELECT COUNT(*) FROM receipts r JOIN transactions t ON t.tx_id = r.tx_id
            WHERE t.period_id=$p AND r.printed_at IS NULL
            """).With("$p", period).Scalar(), System.Globalization.CultureInfo.InvariantCulture);
        var rejected = new Dictionary<string, long>(StringComparer.Ordinal);
        using (var c = _db.CreateCommand(tx, "SELECT COALESCE(detail, 'UNKNOWN'), COUNT(*) FROM notes WHERE period_id=$p AND state='Rejected' GROUP BY detail").With("$p", period))
        using (var r = c.ExecuteReader())
        {
            while (r.Read())
            {
                rejected[r.GetString(0)] = r.GetInt64(1);
            }
        }

        var unresolved = Convert.ToInt64(_db.CreateCommand(tx, "SELECT COUNT(*) FROM notes WHERE period_id=$p AND state='Unresolved'").With("$p", period).Scalar(), System.Globalization.CultureInfo.InvariantCulture);
        long batch;
        DateTimeOffset batchOpened;
        using (var c = _db.CreateCommand(tx, "SELECT id, opened_at FROM cashbox_batches ORDER BY (closed_at IS NULL) DESC, id DESC LIMIT 1"))
        using (var r = c.ExecuteReader())
        {
            r.Read();
            batch = r.GetInt64(0);
            batchOpened = SqlText.ParseTime(r.GetString(1));
        }

        return new CashReport(kind, MachineId, period, z, start, end, lines, notesTotal, transactions, posted, acceptedNotPosted, fees, notPrinted, rejected, unresolved, batch, batchOpened);
    }
}

/// <summary>Transactions since a moment (for example local midnight) and what they paid to billers.</summary>
/// <param name="Count">Transactions whose payment was posted or is pending (failed and not-posted ones are not counted).</param>
/// <param name="Amount">The sum of their amounts.</param>
public sealed record TransactionTally(long Count, decimal Amount);

public sealed partial class KioskJournal
{
    /// <summary>The payments created at or after <paramref name="since"/>: the fleet's "transactions today" gauge.</summary>
    public TransactionTally TransactionsSince(DateTimeOffset since) => _db.Read(_ =>
    {
        long count = 0;
        var amount = 0m;
        using var command = _db.CreateCommand(null, "SELECT amount FROM transactions WHERE created_at >= $since AND payment_status IN ($posted, $pending)")
            .With("$since", SqlText.Time(since)).With("$posted", nameof(PaymentStatus.Posted)).With("$pending", nameof(PaymentStatus.Pending));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            count++;
            amount += SqlText.ParseAmount(reader.GetString(0));
        }

        return new TransactionTally(count, amount);
    });
}
