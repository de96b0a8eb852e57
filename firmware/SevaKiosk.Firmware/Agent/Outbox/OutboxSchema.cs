using Microsoft.Data.Sqlite;

namespace SevaKiosk.Firmware.Agent.Outbox;

/// <summary>
/// The agent's tables in the journal database. The journal calls <see cref="EnsureCreated(SqliteConnection)"/> (or the
/// transaction overload inside its own schema migration) before it enqueues anything; the agent calls it too, so either
/// may start first. Every statement is idempotent.
/// </summary>
public static class OutboxSchema
{
    private const string Ddl = """
        CREATE TABLE IF NOT EXISTS agent_outbox_tx (
            seq          INTEGER PRIMARY KEY AUTOINCREMENT,
            tx_id        TEXT    NOT NULL UNIQUE,
            revision     INTEGER NOT NULL,
            journal_seq  INTEGER NOT NULL,
            payload      BLOB    NOT NULL,
            enqueued_at  TEXT    NOT NULL
        );
        CREATE TABLE IF NOT EXISTS agent_outbox_messages (
            seq      INTEGER PRIMARY KEY AUTOINCREMENT,
            kind     TEXT    NOT NULL,
            topic    TEXT    NOT NULL,
            payload  BLOB    NOT NULL
        );
        CREATE INDEX IF NOT EXISTS agent_outbox_messages_kind ON agent_outbox_messages (kind, seq);
        CREATE TABLE IF NOT EXISTS agent_commands (
            cmd_id       TEXT    PRIMARY KEY,
            type         TEXT    NOT NULL,
            expires_at   INTEGER NOT NULL,
            received_at  TEXT    NOT NULL,
            payload      BLOB    NOT NULL,
            outcome      TEXT,
            reason       TEXT
        );
        CREATE TABLE IF NOT EXISTS agent_values (
            name   TEXT PRIMARY KEY,
            value  TEXT NOT NULL
        );
        """;

    public static void EnsureCreated(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Ddl;
        command.ExecuteNonQuery();
    }

    public static void EnsureCreated(SqliteTransaction transaction)
    {
        using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = Ddl;
        command.ExecuteNonQuery();
    }
}
