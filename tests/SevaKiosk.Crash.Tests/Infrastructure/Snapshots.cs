using System.Globalization;
using Microsoft.Data.Sqlite;

namespace SevaKiosk.Crash.Tests.Infrastructure;

internal sealed record NoteRow(long Id, string? SessionId, string State, decimal? Value, string? Detail);

internal sealed record TransactionRow(string TxId, string SessionId, string Kind, decimal Amount, decimal Credited, string PaymentStatus, string? ApprovalRef, int Revision, bool Acknowledged);

internal sealed record SessionRow(string Id, string State, bool Closed, string? Outcome);

/// <summary>The journal's money tables as the firmware left them, read straight from <c>journal.db</c> (read-only).</summary>
internal sealed record JournalSnapshot(
    IReadOnlyList<NoteRow> Notes,
    IReadOnlyList<TransactionRow> Transactions,
    IReadOnlyList<SessionRow> Sessions,
    IReadOnlyDictionary<decimal, long> CashboxCounters,
    long OutboxPending)
{
    public IEnumerable<NoteRow> Credited => Notes.Where(n => n.State == "Credited");

    /// <summary>Everything is settled: no note half-way, no open session, every transaction acknowledged by the backend.</summary>
    public bool Quiet => Notes.All(n => n.State is not ("Escrowed" or "Accepting")) && Sessions.All(s => s.Closed)
        && Transactions.All(t => t.Acknowledged) && OutboxPending == 0;

    public static JournalSnapshot Read(string path)
    {
        if (!File.Exists(path))
        {
            return new JournalSnapshot([], [], [], new Dictionary<decimal, long>(), 0);
        }

        using var connection = Sqlite.OpenReadOnly(path);
        var notes = Sqlite.Query(connection, "SELECT id, session_id, state, value, detail FROM notes ORDER BY id", r =>
            new NoteRow(r.GetInt64(0), Sqlite.Text(r, 1), r.GetString(2), Sqlite.Amount(r, 3), Sqlite.Text(r, 4)));
        var transactions = Sqlite.Query(connection, """
            SELECT tx_id, session_id, kind, amount, credited, payment_status, approval_ref, revision, acknowledged_at IS NOT NULL
            FROM transactions ORDER BY journal_seq
            """, r => new TransactionRow(r.GetString(0), r.GetString(1), r.GetString(2), Sqlite.Amount(r, 3)!.Value, Sqlite.Amount(r, 4)!.Value,
                r.GetString(5), Sqlite.Text(r, 6), r.GetInt32(7), r.GetBoolean(8)));
        var sessions = Sqlite.Query(connection, "SELECT id, state, closed_at IS NOT NULL, outcome FROM sessions ORDER BY opened_at", r =>
            new SessionRow(r.GetString(0), r.GetString(1), r.GetBoolean(2), Sqlite.Text(r, 3)));
        var counters = Sqlite.Query(connection, """
            SELECT value, count FROM cashbox_counters WHERE batch_id = (SELECT id FROM cashbox_batches WHERE closed_at IS NULL)
            """, r => (Value: Sqlite.Amount(r, 0)!.Value, Count: r.GetInt64(1)));
        // The agent's outbox lives in the same database: a revision stays there until the backend acknowledges it.
        var outbox = Sqlite.Query(connection, "SELECT COUNT(*) FROM agent_outbox_tx", r => r.GetInt64(0))[0];
        return new JournalSnapshot(notes, transactions, sessions, counters.ToDictionary(c => c.Value, c => c.Count), outbox);
    }
}

internal sealed record LedgerTransaction(string TxId, int Revision, string PaymentStatus, long Deliveries);

internal sealed record LedgerPayment(string IdempotencyKey, string Result, string? Reference, long Posts);

/// <summary>What the backend (<c>sevakiosk-sim backend --ledger</c>) received from one machine.</summary>
internal sealed record LedgerSnapshot(IReadOnlyList<LedgerTransaction> Transactions, IReadOnlyList<LedgerPayment> Payments)
{
    public static LedgerSnapshot Read(string path, string machineId)
    {
        using var connection = Sqlite.OpenReadOnly(path);
        var transactions = Sqlite.Query(connection, "SELECT tx_id, revision, payment_status, deliveries FROM transactions WHERE machine_id=$m ORDER BY journal_seq", r =>
            new LedgerTransaction(r.GetString(0), r.GetInt32(1), r.GetString(2), r.GetInt64(3)), ("$m", machineId));
        var payments = Sqlite.Query(connection, "SELECT idempotency_key, result, reference, posts FROM payments WHERE machine_id=$m", r =>
            new LedgerPayment(r.GetString(0), r.GetString(1), Sqlite.Text(r, 2), r.GetInt64(3)), ("$m", machineId));
        return new LedgerSnapshot(transactions, payments);
    }
}

internal static class Sqlite
{
    /// <summary>
    /// An unpooled connection that only reads. Opened read-write all the same: a read-only connection cannot create the
    /// WAL index (<c>-shm</c>) when the writer has just closed the database and removed it, and fails with an I/O error.
    /// </summary>
    public static SqliteConnection OpenReadOnly(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false, DefaultTimeout = 30 }.ToString());
        connection.Open();
        return connection;
    }

    public static List<T> Query<T>(SqliteConnection connection, string sql, Func<SqliteDataReader, T> read, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    public static string? Text(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    /// <summary>Amounts are stored as invariant decimal text.</summary>
    public static decimal? Amount(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : decimal.Parse(r.GetString(i), NumberStyles.Number, CultureInfo.InvariantCulture);
}
