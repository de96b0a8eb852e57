using Microsoft.Data.Sqlite;

namespace SevaKiosk.Firmware.Journal;

/// <summary>
/// Lets another component keep its tables in the journal's database, so its rows commit in the same SQLite
/// transaction as the journal entry that creates them (the MQTT outbox is the reason this exists).
/// </summary>
public interface IJournalSchema
{
    /// <summary>Creates or upgrades the component's tables; called inside the journal's schema transaction.</summary>
    void Create(SqliteConnection connection, SqliteTransaction transaction);
}

/// <summary>
/// The one SQLite database money depends on: WAL, <c>synchronous=FULL</c> on the connection (the setting is per
/// connection and not persistent), one long-lived connection with pooling off so nothing else holds the file.
/// Every write goes through <see cref="Commit{T}"/>: one SQLite transaction, one fsync, all or nothing.
/// </summary>
public sealed class JournalDatabase : IDisposable
{
    public const string FileName = "journal.db";
    private readonly SqliteConnection _connection;
    private readonly object _gate = new();
    private readonly IJournalCommitHook? _hook;
    private long _commits;
    private string? _step;

    private JournalDatabase(SqliteConnection connection, string path, IJournalCommitHook? hook)
    {
        _connection = connection;
        Path = path;
        _hook = hook;
    }

    public string Path { get; }

    /// <summary>Commits since the database was opened (the crash tests stop the process after a given one).</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Opens (creating if needed) <c>DIR/journal.db</c> and brings every schema up to date.</summary>
    public static JournalDatabase Open(string dataDirectory, IEnumerable<IJournalSchema> schemas, IJournalCommitHook? hook = null)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = System.IO.Path.Combine(dataDirectory, FileName);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        connection.Open();
        try
        {
            Execute(connection, null, "PRAGMA journal_mode=WAL;");
            Execute(connection, null, "PRAGMA synchronous=FULL;");
            Execute(connection, null, "PRAGMA foreign_keys=ON;");
            var check = Scalar(connection, "PRAGMA quick_check;");
            if (!string.Equals(check, "ok", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"The journal {path} failed its integrity check ({check}); keep the file for the technician and do not take cash.");
            }

            var db = new JournalDatabase(connection, path, hook);
            db.Commit(tx =>
            {
                db.NameStep("SCHEMA");
                JournalSchema.Create(connection, tx);
                foreach (var schema in schemas)
                {
                    schema.Create(connection, tx);
                }

                return 0;
            });
            return db;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one SQLite transaction and commits it durably. Callers are serialised: the
    /// journal is a single writer.
    /// </summary>
    public T Commit<T>(Func<SqliteTransaction, T> work)
    {
        lock (_gate)
        {
            _step = null;
            using var tx = _connection.BeginTransaction();
            var result = work(tx);
            tx.Commit();
            var n = Interlocked.Increment(ref _commits);
            _hook?.Committed(n, _step);
            return result;
        }
    }

    /// <summary>
    /// Names what the commit in progress records (its journal row kinds, joined with '+'), so fault injection can say
    /// which step it stopped after. Only meaningful inside <see cref="Commit{T}"/>, which holds the gate.
    /// </summary>
    internal void NameStep(string kind) => _step = _step is null ? kind : _step + "+" + kind;

    /// <summary>Runs a read on the journal's connection (serialised with writes).</summary>
    public T Read<T>(Func<SqliteConnection, T> read)
    {
        lock (_gate)
        {
            return read(_connection);
        }
    }

    public SqliteCommand CreateCommand(SqliteTransaction? tx, string sql)
    {
        var command = _connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        return command;
    }

    /// <summary>Effective synchronous level of the connection (2 = FULL); exposed so tests can check it.</summary>
    public long SynchronousLevel() => Read(c => Convert.ToInt64(Scalar(c, "PRAGMA synchronous;"), System.Globalization.CultureInfo.InvariantCulture));

    public string JournalMode() => Read(c => Scalar(c, "PRAGMA journal_mode;") ?? string.Empty);

    public void Dispose() => _connection.Dispose();

    internal static void Execute(SqliteConnection connection, SqliteTransaction? tx, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>Fault injection: told about every durable commit (the crash tests kill the process after commit N).</summary>
public interface IJournalCommitHook
{
    /// <param name="commitNumber">1 for the first commit since the database was opened.</param>
    /// <param name="step">The journal row kinds the commit appended (<c>NOTE_CREDITED</c>, <c>STATE_POSTING</c> ...),
    /// joined with '+'; null for a commit that appends none.</param>
    void Committed(long commitNumber, string? step);
}
