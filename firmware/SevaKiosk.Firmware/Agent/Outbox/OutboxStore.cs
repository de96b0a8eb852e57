using System.Globalization;
using Microsoft.Data.Sqlite;
using SevaKiosk.Protocol.Mqtt;

namespace SevaKiosk.Firmware.Agent.Outbox;

/// <summary>A transaction waiting in the outbox for the backend's <c>tx/ack</c>.</summary>
public sealed record OutboxTransaction(long Seq, string TxId, int Revision, long JournalSeq, byte[] Payload);

/// <summary>A telemetry batch, fault or command reply waiting for its PUBACK.</summary>
public sealed record OutboxMessage(long Seq, string Kind, string Topic, byte[] Payload);

/// <summary>
/// The durable outbox. Two classes of entries:
/// <list type="bullet">
/// <item>transactions: never dropped; enqueued by the journal in its own SQLite transaction (the same commit as the
/// journal entry), deleted only when the backend acknowledges that TxId at that revision or higher;</item>
/// <item>messages (telemetry, faults, command replies): bounded per kind, the oldest dropped and counted; deleted on
/// PUBACK.</item>
/// </list>
/// </summary>
public sealed class OutboxStore
{
    public const string TelemetryKind = "telemetry";
    public const string FaultKind = "fault";
    public const string ReplyKind = "cmd-reply";

    private readonly AgentStorage _storage;

    public OutboxStore(AgentStorage storage) => _storage = storage;

    /// <summary>
    /// Enqueues a transaction inside the caller's SQLite transaction, so the journal entry and its outbox entry commit
    /// (or roll back) together. The caller commits, then tells the agent (<c>KioskAgent.NotifyTransactionsCommitted</c>).
    /// Re-enqueueing a TxId replaces the waiting record only with a higher revision; it never drops anything, whatever the
    /// outbox size: the firmware must watch the agent's outbox status and stop taking cash when it is full.
    /// </summary>
    /// <remarks>
    /// A higher revision replaces the old row with a new one (a new <c>seq</c>), not in place: the pump sends rows after
    /// its cursor, and an update in place behind the cursor (revision 1 already sent, revision 2 carrying the payment
    /// outcome) would not go out until the firmware restarted.
    /// </remarks>
    public static void Enqueue(SqliteTransaction transaction, TransactionRecord record)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(record);
        using var command = transaction.Command("""
            DELETE FROM agent_outbox_tx WHERE tx_id = $id AND revision < $rev;
            INSERT INTO agent_outbox_tx(tx_id, revision, journal_seq, payload, enqueued_at)
            VALUES($id, $rev, $jseq, $payload, $at)
            ON CONFLICT(tx_id) DO NOTHING
            """)
            .With("$id", record.TxId)
            .With("$rev", record.Revision)
            .With("$jseq", record.JournalSeq)
            .With("$payload", KioskJson.Serialize(record))
            .With("$at", record.CreatedAt.Wall.ToString("O", CultureInfo.InvariantCulture));
        command.ExecuteNonQuery();
    }

    /// <summary>Enqueues in a transaction of the agent's own (tools, tests, benchmarks; the journal uses the static overload).</summary>
    public void Enqueue(TransactionRecord record) => _storage.InTransaction(transaction =>
    {
        Enqueue(transaction, record);
        return 0;
    });

    /// <summary>Transactions in enqueue order after <paramref name="afterSeq"/>.</summary>
    public IReadOnlyList<OutboxTransaction> ReadTransactions(long afterSeq, int limit) => _storage.Run(connection =>
    {
        using var command = connection.Command("SELECT seq, tx_id, revision, journal_seq, payload FROM agent_outbox_tx WHERE seq > $after ORDER BY seq LIMIT $limit")
            .With("$after", afterSeq).With("$limit", limit);
        using var reader = command.ExecuteReader();
        var rows = new List<OutboxTransaction>();
        while (reader.Read())
        {
            rows.Add(new OutboxTransaction(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt64(3), (byte[])reader[4]));
        }

        return rows;
    });

    /// <summary>Deletes acknowledged transactions in one commit; returns how many were deleted.</summary>
    public int DeleteAcknowledged(IReadOnlyCollection<TransactionAck> acks) => acks.Count == 0 ? 0 : _storage.InTransaction(transaction =>
    {
        using var command = transaction.Command("DELETE FROM agent_outbox_tx WHERE tx_id = $id AND revision <= $rev");
        var id = command.Parameters.Add("$id", SqliteType.Text);
        var revision = command.Parameters.Add("$rev", SqliteType.Integer);
        var deleted = 0;
        foreach (var ack in acks)
        {
            id.Value = ack.TxId;
            revision.Value = ack.Revision;
            deleted += command.ExecuteNonQuery();
        }

        return deleted;
    });

    public long PendingTransactionCount() => _storage.Run(connection =>
    {
        using var command = connection.Command("SELECT COUNT(*) FROM agent_outbox_tx");
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    });

    /// <summary>
    /// Enqueues a message; keeps at most <paramref name="maxOfKind"/> of its kind by dropping the oldest, counted in
    /// <see cref="AgentValues.DroppedCounter"/>. One commit. Returns the number dropped.
    /// </summary>
    public long EnqueueMessage(string kind, string topic, byte[] payload, int maxOfKind) => _storage.InTransaction(transaction =>
    {
        using (var insert = transaction.Command("INSERT INTO agent_outbox_messages(kind, topic, payload) VALUES($k, $t, $p)"))
        {
            insert.With("$k", kind).With("$t", topic).With("$p", payload).ExecuteNonQuery();
        }

        using var trim = transaction.Command("""
            DELETE FROM agent_outbox_messages WHERE kind = $k AND seq <= (
                SELECT seq FROM agent_outbox_messages WHERE kind = $k ORDER BY seq DESC LIMIT 1 OFFSET $max)
            """).With("$k", kind).With("$max", maxOfKind);
        var dropped = trim.ExecuteNonQuery();
        if (dropped > 0)
        {
            AgentValues.Increment(transaction, AgentValues.DroppedCounter(kind), dropped);
        }

        return (long)dropped;
    });

    public IReadOnlyList<OutboxMessage> ReadMessages(long afterSeq, int limit) => _storage.Run(connection =>
    {
        using var command = connection.Command("SELECT seq, kind, topic, payload FROM agent_outbox_messages WHERE seq > $after ORDER BY seq LIMIT $limit")
            .With("$after", afterSeq).With("$limit", limit);
        using var reader = command.ExecuteReader();
        var rows = new List<OutboxMessage>();
        while (reader.Read())
        {
            rows.Add(new OutboxMessage(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), (byte[])reader[3]));
        }

        return rows;
    });

    public void DeleteMessages(IReadOnlyCollection<long> seqs)
    {
        if (seqs.Count == 0)
        {
            return;
        }

        _storage.InTransaction(transaction =>
        {
            using var command = transaction.Command("DELETE FROM agent_outbox_messages WHERE seq = $s");
            var seq = command.Parameters.Add("$s", SqliteType.Integer);
            foreach (var value in seqs)
            {
                seq.Value = value;
                command.ExecuteNonQuery();
            }

            return 0;
        });
    }

    public long PendingMessageCount(string kind) => _storage.Run(connection =>
    {
        using var command = connection.Command("SELECT COUNT(*) FROM agent_outbox_messages WHERE kind = $k").With("$k", kind);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    });
}
