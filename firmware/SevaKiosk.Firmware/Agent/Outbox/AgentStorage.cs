using Microsoft.Data.Sqlite;

namespace SevaKiosk.Firmware.Agent.Outbox;

/// <summary>
/// The agent's own connection to the journal database. One connection, used under one lock: SQLite serialises writers
/// anyway, and the agent's statements are short. The journal keeps its own connection(s) to the same file.
/// </summary>
public sealed class AgentStorage : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();
    private bool _disposed;

    public AgentStorage(string databasePath)
    {
        DatabasePath = databasePath;
        _connection = AgentDatabase.Open(databasePath);
        OutboxSchema.EnsureCreated(_connection);
    }

    public string DatabasePath { get; }

    /// <summary>Runs <paramref name="work"/> on the connection under the lock.</summary>
    public T Run<T>(Func<SqliteConnection, T> work)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return work(_connection);
        }
    }

    /// <summary>Runs <paramref name="work"/> inside one transaction (one FULL commit) under the lock.</summary>
    public T InTransaction<T>(Func<SqliteTransaction, T> work)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var transaction = _connection.BeginTransaction();
            var result = work(transaction);
            transaction.Commit();
            return result;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _connection.Dispose();
        }
    }
}

/// <summary>Small helpers so statements read as one line each.</summary>
public static class SqliteCommandExtensions
{
    public static SqliteCommand Command(this SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    public static SqliteCommand Command(this SqliteTransaction transaction, string sql) =>
        transaction.Connection!.Command(sql, transaction);

    public static SqliteCommand With(this SqliteCommand command, string name, object? value)
    {
        command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }
}
