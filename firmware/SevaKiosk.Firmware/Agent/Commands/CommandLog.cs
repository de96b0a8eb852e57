using System.Globalization;
using SevaKiosk.Firmware.Agent.Outbox;
using SevaKiosk.Protocol.Mqtt;

namespace SevaKiosk.Firmware.Agent.Commands;

/// <summary>
/// Durable record of every verified command: the replay-protection set (a CmdId is stored once, ever, until it has
/// expired) and the outcome. A command is stored before its MQTT message is acknowledged.
/// </summary>
public sealed class CommandLog
{
    private readonly AgentStorage _storage;

    public CommandLog(AgentStorage storage) => _storage = storage;

    /// <summary>Stores a verified command; false when its CmdId was seen before (a replay).</summary>
    public bool TryStore(SignedCommand command, byte[] payload, DateTimeOffset receivedAt) => _storage.InTransaction(transaction =>
    {
        using var insert = transaction.Command("""
            INSERT INTO agent_commands(cmd_id, type, expires_at, received_at, payload) VALUES($id, $type, $exp, $at, $payload)
            ON CONFLICT(cmd_id) DO NOTHING
            """)
            .With("$id", command.CmdId)
            .With("$type", command.Type)
            .With("$exp", command.ExpiresAt.ToUnixTimeMilliseconds())
            .With("$at", receivedAt.ToString("O", CultureInfo.InvariantCulture))
            .With("$payload", payload);
        return insert.ExecuteNonQuery() == 1;
    });

    public void Complete(string cmdId, CommandOutcome outcome, string? reason) => _storage.Run(connection =>
    {
        using var update = connection.Command("UPDATE agent_commands SET outcome = $o, reason = $r WHERE cmd_id = $id")
            .With("$id", cmdId).With("$o", outcome == CommandOutcome.Accepted ? "accepted" : "rejected").With("$r", reason);
        return update.ExecuteNonQuery();
    });

    /// <summary>Commands stored but never completed: the machine stopped while carrying them out.</summary>
    public IReadOnlyList<string> Unfinished() => _storage.Run(connection =>
    {
        using var query = connection.Command("SELECT cmd_id FROM agent_commands WHERE outcome IS NULL ORDER BY received_at");
        using var reader = query.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    });

    /// <summary>Forgets commands that expired before <paramref name="before"/>: they are rejected as expired anyway.</summary>
    public int PruneExpired(DateTimeOffset before) => _storage.Run(connection =>
    {
        using var delete = connection.Command("DELETE FROM agent_commands WHERE expires_at < $t AND outcome IS NOT NULL")
            .With("$t", before.ToUnixTimeMilliseconds());
        return delete.ExecuteNonQuery();
    });

    public string? OutcomeOf(string cmdId) => _storage.Run(connection =>
    {
        using var query = connection.Command("SELECT outcome FROM agent_commands WHERE cmd_id = $id").With("$id", cmdId);
        return query.ExecuteScalar() as string;
    });
}
