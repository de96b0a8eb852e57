using Microsoft.Data.Sqlite;

namespace SevaKiosk.Firmware.Journal;

/// <summary>
/// The journal's own tables. Amounts are stored as invariant decimal text (never floating point). Every state change
/// of a session also appends a row to <c>journal</c>, the ordered, append-only record of what happened.
/// </summary>
internal static class JournalSchema
{
    public const int Version = 1;

    private const string Sql = """
        CREATE TABLE IF NOT EXISTS schema_version(component TEXT PRIMARY KEY, version INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS counters(name TEXT PRIMARY KEY, value INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS journal(
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            session_id TEXT,
            kind TEXT NOT NULL,
            detail TEXT);
        CREATE TABLE IF NOT EXISTS periods(
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            opened_at TEXT NOT NULL,
            closed_at TEXT,
            z_number INTEGER);
        CREATE TABLE IF NOT EXISTS cashbox_batches(
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            opened_at TEXT NOT NULL,
            closed_at TEXT,
            open_reason TEXT,
            close_reason TEXT);
        CREATE TABLE IF NOT EXISTS cashbox_counters(
            batch_id INTEGER NOT NULL REFERENCES cashbox_batches(id),
            value TEXT NOT NULL,
            currency TEXT NOT NULL,
            count INTEGER NOT NULL,
            PRIMARY KEY(batch_id, value, currency));
        CREATE TABLE IF NOT EXISTS sessions(
            id TEXT PRIMARY KEY,
            opened_at TEXT NOT NULL,
            state TEXT NOT NULL,
            language TEXT,
            service TEXT,
            biller_id TEXT,
            biller_name TEXT,
            consumer_number TEXT,
            consumer_name TEXT,
            bill_number TEXT,
            due_date TEXT,
            amount_due TEXT,
            amount_rule TEXT,
            fee TEXT,
            currency TEXT,
            closed_at TEXT,
            outcome TEXT,
            message TEXT,
            tx_id TEXT);
        CREATE TABLE IF NOT EXISTS notes(
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            session_id TEXT REFERENCES sessions(id),
            period_id INTEGER REFERENCES periods(id),
            batch_id INTEGER REFERENCES cashbox_batches(id),
            state TEXT NOT NULL,
            device_code INTEGER,
            value TEXT,
            currency TEXT,
            device_serial TEXT,
            credit_seq INTEGER,
            escrowed_at TEXT,
            decided_at TEXT,
            settled_at TEXT,
            detail TEXT);
        CREATE INDEX IF NOT EXISTS notes_session ON notes(session_id);
        CREATE INDEX IF NOT EXISTS notes_state ON notes(state);
        CREATE TABLE IF NOT EXISTS transactions(
            tx_id TEXT PRIMARY KEY,
            journal_seq INTEGER NOT NULL UNIQUE,
            session_id TEXT NOT NULL REFERENCES sessions(id),
            period_id INTEGER REFERENCES periods(id),
            created_at TEXT NOT NULL,
            kind TEXT NOT NULL,
            service TEXT,
            biller_id TEXT,
            biller_name TEXT,
            consumer_number TEXT,
            consumer_name TEXT,
            amount TEXT NOT NULL,
            fee TEXT NOT NULL,
            credited TEXT NOT NULL,
            excess TEXT NOT NULL,
            currency TEXT NOT NULL,
            payment_status TEXT NOT NULL,
            approval_ref TEXT,
            receipt_no TEXT,
            revision INTEGER NOT NULL DEFAULT 1,
            acknowledged_at TEXT);
        CREATE TABLE IF NOT EXISTS receipts(
            receipt_no TEXT PRIMARY KEY,
            tx_id TEXT REFERENCES transactions(tx_id),
            session_id TEXT,
            created_at TEXT NOT NULL,
            printed_at TEXT,
            print_error TEXT,
            image_path TEXT);

        -- Lookups the firmware makes per session or per poll; without these each was a scan of every row ever written,
        -- and a kiosk writes tens of thousands of sessions a year. Created on open, so older journals get them too.
        CREATE INDEX IF NOT EXISTS transactions_session ON transactions(session_id);
        CREATE INDEX IF NOT EXISTS transactions_period ON transactions(period_id);
        CREATE INDEX IF NOT EXISTS transactions_created ON transactions(created_at);
        CREATE INDEX IF NOT EXISTS transactions_status ON transactions(payment_status, journal_seq);
        CREATE INDEX IF NOT EXISTS transactions_unacknowledged ON transactions(journal_seq) WHERE acknowledged_at IS NULL;
        CREATE INDEX IF NOT EXISTS sessions_open ON sessions(opened_at) WHERE closed_at IS NULL;
        CREATE INDEX IF NOT EXISTS notes_period ON notes(period_id, state);
        """;

    public static void Create(SqliteConnection connection, SqliteTransaction tx)
    {
        JournalDatabase.Execute(connection, tx, Sql);
        JournalDatabase.Execute(connection, tx, $"INSERT OR IGNORE INTO schema_version(component, version) VALUES ('journal', {Version});");
    }
}
