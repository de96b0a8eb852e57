using Microsoft.Data.Sqlite;

namespace SevaKiosk.Firmware.Agent.Outbox;

/// <summary>
/// Opens the journal database the way every connection to it must be opened: WAL (persistent in the file),
/// <c>synchronous=FULL</c> (per connection, not persistent, so set after every open: a commit then survives a power
/// cut), a busy timeout so the journal's writer and the agent's writer wait for each other instead of failing,
/// and no pooling so a closed connection really closes the file.
/// </summary>
public static class AgentDatabase
{
    /// <summary>How long a writer waits for the other writer's transaction before failing.</summary>
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);

    public static SqliteConnection Open(string path)
    {
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            Configure(connection);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>The PRAGMAs every connection needs; call it on connections opened elsewhere (the journal's).</summary>
    public static void Configure(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=FULL;
            PRAGMA busy_timeout={(int)BusyTimeout.TotalMilliseconds};
            PRAGMA foreign_keys=ON;
            """;
        command.ExecuteNonQuery();
    }
}
