using Microsoft.Data.Sqlite;
using SevaKiosk.Firmware.Agent.Outbox;
using SevaKiosk.Protocol.Mqtt;

namespace SevaKiosk.Mqtt.Tests.Infrastructure;

/// <summary>
/// Stands in for the firmware's journal: its own connection to the same database, a table of its own, and the outbox
/// entry written in the same SQLite transaction as the journal row, exactly as the real journal must do it.
/// </summary>
public sealed class TestJournal : IDisposable
{
    private readonly SqliteConnection _connection;

    public TestJournal(string databasePath)
    {
        _connection = AgentDatabase.Open(databasePath);
        using var transaction = _connection.BeginTransaction();
        OutboxSchema.EnsureCreated(transaction);
        using var create = _connection.CreateCommand();
        create.Transaction = transaction;
        create.CommandText = "CREATE TABLE IF NOT EXISTS test_journal (seq INTEGER PRIMARY KEY, tx_id TEXT NOT NULL, amount TEXT NOT NULL)";
        create.ExecuteNonQuery();
        transaction.Commit();
    }

    /// <summary>Journals a payment and enqueues its record in one commit (or neither, when <paramref name="commit"/> is false).</summary>
    public void Record(TransactionRecord record, bool commit = true)
    {
        using var transaction = _connection.BeginTransaction();
        using var insert = _connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO test_journal(seq, tx_id, amount) VALUES($s, $t, $a)";
        insert.Parameters.AddWithValue("$s", record.JournalSeq);
        insert.Parameters.AddWithValue("$t", record.TxId);
        insert.Parameters.AddWithValue("$a", record.Amount);
        insert.ExecuteNonQuery();
        OutboxStore.Enqueue(transaction, record);
        if (commit)
        {
            transaction.Commit();
        }
        else
        {
            transaction.Rollback();
        }
    }

    public void Dispose() => _connection.Dispose();
}
