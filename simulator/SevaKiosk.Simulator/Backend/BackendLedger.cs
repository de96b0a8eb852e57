using System.Globalization;
using Microsoft.Data.Sqlite;
using SevaKiosk.Protocol.Mqtt;

namespace SevaKiosk.Simulator.Backend;

/// <summary>
/// What the demo backend received, in SQLite: transactions applied once per TxId (the highest revision wins) with a
/// count of deliveries, and payments keyed by their idempotency key so a repeated post returns the first outcome.
/// </summary>
public sealed class BackendLedger : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();

    /// <param name="path">A database file, or ":memory:".</param>
    public BackendLedger(string path)
    {
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        Execute("""
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=FULL;
            CREATE TABLE IF NOT EXISTS transactions (
                tx_id TEXT PRIMARY KEY, machine_id TEXT NOT NULL, journal_seq INTEGER NOT NULL, revision INTEGER NOT NULL,
                amount TEXT NOT NULL, payment_status TEXT NOT NULL, payload BLOB NOT NULL,
                first_received_at TEXT NOT NULL, deliveries INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS payments (
                idempotency_key TEXT PRIMARY KEY, machine_id TEXT NOT NULL, biller_id TEXT NOT NULL, consumer_number TEXT NOT NULL,
                amount TEXT NOT NULL, result TEXT NOT NULL, reference TEXT, message TEXT, posts INTEGER NOT NULL, created_at TEXT NOT NULL);
            """);
    }

    /// <summary>
    /// Applies a batch of transactions in one commit. Each returns true when it changed the ledger (a new TxId or a higher
    /// revision) and false for a duplicate delivery, which only increments its delivery count.
    /// </summary>
    public IReadOnlyList<bool> Apply(IReadOnlyList<(TransactionRecord Record, byte[] Payload)> batch, DateTimeOffset now)
    {
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            using var upsert = _connection.CreateCommand();
            upsert.Transaction = transaction;
            upsert.CommandText = """
                INSERT INTO transactions(tx_id, machine_id, journal_seq, revision, amount, payment_status, payload, first_received_at, deliveries)
                VALUES($id, $m, $j, $r, $a, $s, $p, $t, 1)
                ON CONFLICT(tx_id) DO UPDATE SET deliveries = deliveries + 1,
                    revision = max(revision, excluded.revision),
                    payment_status = CASE WHEN excluded.revision > revision THEN excluded.payment_status ELSE payment_status END,
                    payload = CASE WHEN excluded.revision > revision THEN excluded.payload ELSE payload END
                """;
            var results = new List<bool>(batch.Count);
            foreach (var (record, payload) in batch)
            {
                var before = Revision(transaction, record.TxId);
                upsert.Parameters.Clear();
                upsert.Parameters.AddWithValue("$id", record.TxId);
                upsert.Parameters.AddWithValue("$m", record.MachineId);
                upsert.Parameters.AddWithValue("$j", record.JournalSeq);
                upsert.Parameters.AddWithValue("$r", record.Revision);
                upsert.Parameters.AddWithValue("$a", record.Amount.ToString(CultureInfo.InvariantCulture));
                upsert.Parameters.AddWithValue("$s", record.PaymentStatus.ToString());
                upsert.Parameters.AddWithValue("$p", payload);
                upsert.Parameters.AddWithValue("$t", now.ToString("O", CultureInfo.InvariantCulture));
                upsert.ExecuteNonQuery();
                results.Add(before is null || record.Revision > before);
            }

            transaction.Commit();
            return results;
        }
    }

    /// <summary>The payment recorded under this key, if any.</summary>
    public StoredPayment? FindPayment(string idempotencyKey)
    {
        lock (_gate)
        {
            using var query = _connection.CreateCommand();
            query.CommandText = "SELECT result, reference, message, posts FROM payments WHERE idempotency_key = $k";
            query.Parameters.AddWithValue("$k", idempotencyKey);
            using var reader = query.ExecuteReader();
            return reader.Read()
                ? new StoredPayment(Enum.Parse<PaymentResult>(reader.GetString(0)), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetInt32(3))
                : null;
        }
    }

    /// <summary>Records the first post of a key, or counts a repeat; returns what is stored (the first outcome wins).</summary>
    public StoredPayment RecordPayment(PaymentPostRequest request, PaymentResult result, string? reference, string? message, DateTimeOffset now)
    {
        lock (_gate)
        {
            using var upsert = _connection.CreateCommand();
            upsert.CommandText = """
                INSERT INTO payments(idempotency_key, machine_id, biller_id, consumer_number, amount, result, reference, message, posts, created_at)
                VALUES($k, $m, $b, $c, $a, $r, $ref, $msg, 1, $t)
                ON CONFLICT(idempotency_key) DO UPDATE SET posts = posts + 1
                """;
            upsert.Parameters.AddWithValue("$k", request.IdempotencyKey);
            upsert.Parameters.AddWithValue("$m", request.MachineId);
            upsert.Parameters.AddWithValue("$b", request.BillerId);
            upsert.Parameters.AddWithValue("$c", request.ConsumerNumber);
            upsert.Parameters.AddWithValue("$a", request.Amount.ToString(CultureInfo.InvariantCulture));
            upsert.Parameters.AddWithValue("$r", result.ToString());
            upsert.Parameters.AddWithValue("$ref", (object?)reference ?? DBNull.Value);
            upsert.Parameters.AddWithValue("$msg", (object?)message ?? DBNull.Value);
            upsert.Parameters.AddWithValue("$t", now.ToString("O", CultureInfo.InvariantCulture));
            upsert.ExecuteNonQuery();
        }

        return FindPayment(request.IdempotencyKey)!;
    }

    /// <summary>Resolves a pending payment (the biller answered later).</summary>
    public void ResolvePayment(string idempotencyKey, PaymentResult result, string? reference)
    {
        lock (_gate)
        {
            using var update = _connection.CreateCommand();
            update.CommandText = "UPDATE payments SET result = $r, reference = $ref WHERE idempotency_key = $k AND result = 'Pending'";
            update.Parameters.AddWithValue("$k", idempotencyKey);
            update.Parameters.AddWithValue("$r", result.ToString());
            update.Parameters.AddWithValue("$ref", (object?)reference ?? DBNull.Value);
            update.ExecuteNonQuery();
        }
    }

    /// <summary>Payments recorded so far (approval references continue from here after a restart).</summary>
    public long PaymentCount()
    {
        lock (_gate)
        {
            using var query = _connection.CreateCommand();
            query.CommandText = "SELECT COUNT(*) FROM payments";
            return Convert.ToInt64(query.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Distinct transactions applied, and deliveries received (duplicates included).</summary>
    public (long Transactions, long Deliveries) Counts()
    {
        lock (_gate)
        {
            using var query = _connection.CreateCommand();
            query.CommandText = "SELECT COUNT(*), COALESCE(SUM(deliveries), 0) FROM transactions";
            using var reader = query.ExecuteReader();
            reader.Read();
            return (reader.GetInt64(0), reader.GetInt64(1));
        }
    }

    /// <summary>TxIds applied for a machine, in journal order.</summary>
    public IReadOnlyList<(string TxId, long JournalSeq, int Revision, string PaymentStatus)> TransactionsOf(string machineId)
    {
        lock (_gate)
        {
            using var query = _connection.CreateCommand();
            query.CommandText = "SELECT tx_id, journal_seq, revision, payment_status FROM transactions WHERE machine_id = $m ORDER BY journal_seq";
            query.Parameters.AddWithValue("$m", machineId);
            using var reader = query.ExecuteReader();
            var rows = new List<(string, long, int, string)>();
            while (reader.Read())
            {
                rows.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt32(2), reader.GetString(3)));
            }

            return rows;
        }
    }

    public void Dispose() => _connection.Dispose();

    private int? Revision(SqliteTransaction transaction, string txId)
    {
        using var query = _connection.CreateCommand();
        query.Transaction = transaction;
        query.CommandText = "SELECT revision FROM transactions WHERE tx_id = $id";
        query.Parameters.AddWithValue("$id", txId);
        return query.ExecuteScalar() is long value ? (int)value : null;
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

/// <summary>A payment as the backend recorded it.</summary>
public sealed record StoredPayment(PaymentResult Result, string? Reference, string? Message, int Posts);
