using System.Globalization;
using Microsoft.Data.Sqlite;
using SevaKiosk.Hal.Devices;

namespace SevaKiosk.Firmware.Journal;

/// <summary>Reading sessions and notes back: what recovery and reports need.</summary>
public sealed partial class KioskJournal
{
    public JournalSession? FindSession(string sessionId) => _db.Read(_ => ReadSession(null, sessionId));

    /// <summary>Sessions that were open when the firmware last stopped (power cut, crash, kill).</summary>
    public IReadOnlyList<JournalSession> UnfinishedSessions() => _db.Read(_ =>
    {
        var ids = new List<string>();
        using (var rCommand = _db.CreateCommand(null, "SELECT id FROM sessions WHERE closed_at IS NULL ORDER BY opened_at"))
        using (var r = rCommand.ExecuteReader())
        {
            while (r.Read())
            {
                ids.Add(r.GetString(0));
            }
        }

        return ids.Select(id => ReadSession(null, id)!).ToArray();
    });

    public IReadOnlyList<JournalNote> NotesOf(string sessionId) => _db.Read(_ => QueryNotes(null, "session_id=$s", ("$s", sessionId)));

    /// <summary>Notes in escrow or being taken, in any session: the device's next report settles them.</summary>
    public IReadOnlyList<JournalNote> UnsettledNotes() => _db.Read(_ => QueryNotes(null, "state IN ('Escrowed', 'Accepting')"));

    /// <summary>Credited notes that belong to no transaction yet (a session cut short before its transaction).</summary>
    public IReadOnlyList<JournalNote> CreditedWithoutTransaction() => _db.Read(_ => QueryNotes(
        null, "state='Credited' AND (session_id IS NULL OR session_id NOT IN (SELECT session_id FROM transactions))"));

    /// <summary>Sum of the credited notes of a session.</summary>
    public Money CreditedTotal(string sessionId, string currency) =>
        NotesOf(sessionId).Where(n => n.State == NoteState.Credited && n.Value is not null)
            .Aggregate(Money.Zero(currency), (s, n) => s + n.Value!.Value);

    /// <summary>Per-denomination counts of the open cash-box batch, from the counters kept with every credit.</summary>
    public IReadOnlyDictionary<Money, long> CashboxCounters() => _db.Read(_ =>
    {
        var counts = new Dictionary<Money, long>();
        using var rCommand = _db.CreateCommand(null, """
            SELECT value, currency, count FROM cashbox_counters
            WHERE batch_id = (SELECT id FROM cashbox_batches WHERE closed_at IS NULL)
            """);
        using var r = rCommand.ExecuteReader();
        while (r.Read())
        {
            counts[new Money(SqlText.ParseAmount(r.GetString(0)), r.GetString(1))] = r.GetInt64(2);
        }

        return counts;
    });

    /// <summary>The same counts recomputed from the note rows: the invariant the crash tests check.</summary>
    public IReadOnlyDictionary<Money, long> CashboxCountsFromNotes() => _db.Read(_ =>
    {
        var counts = new Dictionary<Money, long>();
        using var rCommand = _db.CreateCommand(null, """
            SELECT value, currency, COUNT(*) FROM notes
            WHERE state='Credited' AND value IS NOT NULL AND batch_id = (SELECT id FROM cashbox_batches WHERE closed_at IS NULL)
            GROUP BY value, currency
            """);
        using var r = rCommand.ExecuteReader();
        while (r.Read())
        {
            counts[new Money(SqlText.ParseAmount(r.GetString(0)), r.GetString(1))] = r.GetInt64(2);
        }

        return counts;
    });

    private JournalSession? ReadSession(SqliteTransaction? tx, string sessionId)
    {
        using var rCommand = _db.CreateCommand(tx, """
            SELECT id, state, opened_at, language, service, biller_id, biller_name, consumer_number, consumer_name,
                   bill_number, due_date, amount_due, amount_rule, fee, currency, tx_id, outcome
            FROM sessions WHERE id=$id
            """).With("$id", sessionId);
        using var r = rCommand.ExecuteReader();
        if (!r.Read())
        {
            return null;
        }

        BillDetails? bill = null;
        if (!r.IsDBNull(11))
        {
            var currency = r.GetString(14);
            bill = new BillDetails(
                r.GetString(4), r.GetString(5), r.StringOrNull(6) ?? string.Empty, r.GetString(7), r.StringOrNull(8) ?? string.Empty,
                r.StringOrNull(9), r.StringOrNull(10) is { } due ? DateOnly.ParseExact(due, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
                new Money(SqlText.ParseAmount(r.GetString(11)), currency), Enum.Parse<AmountRule>(r.GetString(12)),
                new Money(SqlText.ParseAmount(r.GetString(13)), currency));
        }

        return new JournalSession(
            r.GetString(0), Enum.Parse<SessionState>(r.GetString(1)), SqlText.ParseTime(r.GetString(2)), r.StringOrNull(3), bill,
            r.StringOrNull(15), r.StringOrNull(16));
    }

    private List<JournalNote> QueryNotes(SqliteTransaction? tx, string where, params (string Name, object Value)[] parameters)
    {
        var command = _db.CreateCommand(tx, $"SELECT id, session_id, state, device_code, value, currency, batch_id, detail FROM notes WHERE {where} ORDER BY id");
        foreach (var (name, value) in parameters)
        {
            command.With(name, value);
        }

        using (command)
        {
            using var r = command.ExecuteReader();
            var notes = new List<JournalNote>();
            while (r.Read())
            {
                notes.Add(ReadNote(r));
            }

            return notes;
        }
    }
}
