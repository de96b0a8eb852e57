using System.Globalization;

namespace SevaKiosk.Firmware.Agent.Outbox;

/// <summary>Durable named values of the agent: birth sequence, drop counters, the reported state.</summary>
public sealed class AgentValues
{
    public const string BirthSeq = "birth_seq";
    public const string TelemetryBoot = "telemetry_boot";
    public const string TelemetrySeq = "telemetry_seq";
    public const string ReportedState = "reported_state";

    private readonly AgentStorage _storage;

    public AgentValues(AgentStorage storage) => _storage = storage;

    public static string DroppedCounter(string kind) => "dropped." + kind;

    public string? GetText(string name) => _storage.Run(connection =>
    {
        using var command = connection.Command("SELECT value FROM agent_values WHERE name = $n").With("$n", name);
        return command.ExecuteScalar() as string;
    });

    public void SetText(string name, string value) => _storage.Run(connection =>
    {
        using var command = connection.Command("INSERT INTO agent_values(name, value) VALUES($n, $v) ON CONFLICT(name) DO UPDATE SET value = excluded.value")
            .With("$n", name).With("$v", value);
        return command.ExecuteNonQuery();
    });

    public long GetNumber(string name) =>
        long.TryParse(GetText(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : 0;

    /// <summary>Adds <paramref name="by"/> durably and returns the new value (one commit).</summary>
    public long Increment(string name, long by = 1) => _storage.InTransaction(transaction => Increment(transaction, name, by));

    internal static long Increment(Microsoft.Data.Sqlite.SqliteTransaction transaction, string name, long by)
    {
        using var command = transaction.Command("""
            INSERT INTO agent_values(name, value) VALUES($n, $by)
            ON CONFLICT(name) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + $by AS TEXT)
            RETURNING CAST(value AS INTEGER)
            """).With("$n", name).With("$by", by.ToString(CultureInfo.InvariantCulture));
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
