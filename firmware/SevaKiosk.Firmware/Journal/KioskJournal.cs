using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.Devices;

namespace SevaKiosk.Firmware.Journal;

/// <summary>
/// The kiosk's durable memory of money. Each public method is one atomic, fsynced commit and appends its journal row,
/// so the state after a power cut is always the state after the last method that returned.
/// </summary>
public sealed partial class KioskJournal : IDisposable
{
    private readonly JournalDatabase _db;
    private readonly TimeProvider _time;

    public KioskJournal(JournalDatabase db, TimeProvider? time = null)
    {
        _db = db;
        _time = time ?? TimeProvider.System;
        _db.Commit(tx =>
        {
            _db.NameStep("OPEN_PERIOD_AND_BATCH");
            EnsureOpenPeriod(tx);
            EnsureOpenBatch(tx, "first start");
            return 0;
        });
    }

    public JournalDatabase Database => _db;

    /// <summary>
    /// Called inside the commit that creates a transaction or changes its payment status: the MQTT outbox enqueues the
    /// record there, so the journal entry and its outbox entry are one atomic commit.
    /// </summary>
    public Action<SqliteTransaction, JournalTransaction>? TransactionChanged { get; set; }

    /// <summary>Raised after a commit that created a transaction or changed it: the outbox can publish now.</summary>
    public event Action? TransactionsCommitted;

    public static KioskJournal Open(string dataDirectory, IEnumerable<IJournalSchema>? schemas = null, TimeProvider? time = null, IJournalCommitHook? hook = null) =>
        new(JournalDatabase.Open(dataDirectory, schemas ?? [], hook), time);

    public void Dispose() => _db.Dispose();

    public void OpenSession(string sessionId, string? language)
    {
        _db.Commit(tx =>
        {
            _db.CreateCommand(tx, "INSERT INTO sessions(id, opened_at, state, language) VALUES ($id, $at, $state, $lang)")
                .With("$id", sessionId).With("$at", Now()).With("$state", SessionState.Started.ToString()).With("$lang", language)
                .Run();
            Append(tx, sessionId, "SESSION_OPENED", new { language });
            return 0;
        });
    }

    public void RecordBill(string sessionId, BillDetails bill)
    {
        _db.Commit(tx =>
        {
            _db.CreateCommand(tx, """
                UPDATE sessions SET state=$state, service=$service, biller_id=$biller, biller_name=$billerName,
                    consumer_number=$consumer, consumer_name=$name, bill_number=$bill, due_date=$due,
                    amount_due=$amount, amount_rule=$rule, fee=$fee, currency=$currency WHERE id=$id
                """)
                .With("$state", SessionState.BillFetched.ToString()).With("$service", bill.Service).With("$biller", bill.BillerId)
                .With("$billerName", bill.BillerName).With("$consumer", bill.ConsumerNumber).With("$name", bill.ConsumerName)
                .With("$bill", bill.BillNumber).With("$due", bill.DueDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
                .With("$amount", SqlText.Amount(bill.AmountDue.Amount)).With("$rule", bill.Rule.ToString())
                .With("$fee", SqlText.Amount(bill.Fee.Amount)).With("$currency", bill.AmountDue.Currency).With("$id", sessionId)
                .Run();
            Append(tx, sessionId, "BILL_FETCHED", new { bill.Service, bill.BillerId, bill.ConsumerNumber, amount = bill.AmountDue.Amount, rule = bill.Rule.ToString() });
            return 0;
        });
    }

    public void SetSessionState(string sessionId, SessionState state, string? message = null)
    {
        _db.Commit(tx =>
        {
            SetState(tx, sessionId, state, message);
            return 0;
        });
    }

    /// <summary>A note reached escrow in <paramref name="sessionId"/>. Returns the note's journal id.</summary>
    public long NoteEscrowed(string sessionId, Note note) => _db.Commit(tx =>
    {
        var id = InsertNote(tx, sessionId, NoteState.Escrowed, note, serial: null, creditSeq: null, detail: null);
        Append(tx, sessionId, "NOTE_ESCROWED", new { noteId = id, value = note.Value?.Amount, code = note.DeviceCode });
        return id;
    });

    /// <summary>The intent to take the note, made durable before the device is told to stack it.</summary>
    public void NoteAccepting(long noteId)
    {
        _db.Commit(tx =>
        {
            var session = UpdateNote(tx, noteId, NoteState.Accepting, "decided_at", null);
            Append(tx, session, "NOTE_ACCEPTING", new { noteId });
            return 0;
        });
    }

    public void NoteReturned(long noteId, ReturnCause cause)
    {
        _db.Commit(tx =>
        {
            var session = UpdateNote(tx, noteId, NoteState.Returned, "settled_at", cause.ToString());
            Append(tx, session, "NOTE_RETURNED", new { noteId, cause = cause.ToString() });
            return 0;
        });
    }

    public void NoteRejected(string? sessionId, string reason)
    {
        _db.Commit(tx =>
        {
            var id = InsertNote(tx, sessionId, NoteState.Rejected, new Note(0, null), null, null, reason);
            Append(tx, sessionId, "NOTE_REJECTED", new { noteId = id, reason });
            return 0;
        });
    }

    /// <summary>
    /// The device's credit for a note. Matches the note we were taking (same session and device code), otherwise the
    /// oldest unsettled note with that code, otherwise records a new credited note so that no credit is ever dropped.
    /// Counts it into the open cash-box batch in the same commit. Returns the note and the session it belongs to.
    /// </summary>
    public JournalNote NoteCredited(NoteCredited credit, string? sessionId) => Crediting(tx =>
    {
        var id = FindUnsettled(tx, sessionId, credit.Note.DeviceCode)
            ?? InsertNote(tx, sessionId, NoteState.Escrowed, credit.Note, credit.DeviceSerial, null, "credit without escrow record");
        var note = Credit(tx, id, credit.Note.Value, credit.DeviceSerial, credit.Sequence, "NOTE_CREDIT");
        Append(tx, note.SessionId, "NOTE_CREDITED", new { noteId = id, value = credit.Note.Value?.Amount, seq = credit.Sequence });
        return note;
    })!;

    /// <summary>
    /// Power-up reconciliation. Into the cash box: the unsettled note it was is credited (the citizen paid).
    /// From the front: it went back. Returns the affected note, or null if the journal had no unsettled note
    /// (then a cash-box note is recorded as credited without a session, for the Z report's attention).
    /// </summary>
    public JournalNote? NoteClearedAtPowerUp(NoteClearedAtPowerUp cleared) => Crediting(tx =>
    {
        var id = FindUnsettled(tx, null, cleared.Note?.DeviceCode ?? 0);
        if (cleared.IntoCashbox)
        {
            id ??= InsertNote(tx, null, NoteState.Escrowed, cleared.Note ?? new Note(0, null), cleared.DeviceSerial, null, "cleared into cash box with no journal record");
            var credited = Credit(tx, id.Value, cleared.Note?.Value, cleared.DeviceSerial, null, "CLEARED_INTO_CASHBOX");
            Append(tx, credited.SessionId, "NOTE_CLEARED_INTO_CASHBOX", new { noteId = id, value = credited.Value?.Amount });
            return credited;
        }

        if (id is null)
        {
            Append(tx, null, "NOTE_CLEARED_FROM_FRONT", new { value = cleared.Note?.Value?.Amount });
            return null;
        }

        var session = UpdateNote(tx, id.Value, NoteState.Returned, "settled_at", "cleared from the front at power-up");
        Append(tx, session, "NOTE_CLEARED_FROM_FRONT", new { noteId = id });
        return ReadNote(tx, id.Value);
    });

    /// <summary>
    /// Runs a commit that may credit a note. A credit whose session has already settled (its transaction exists) is
    /// settled apart in the same commit (<see cref="SettleStrayCredit"/>), so no crash can leave it in no transaction.
    /// Returns the note as it stands after the commit.
    /// </summary>
    private JournalNote? Crediting(Func<SqliteTransaction, JournalNote?> credit)
    {
        var (note, stray) = _db.Commit(tx =>
        {
            var note = credit(tx);
            var stray = note is { State: NoteState.Credited } ? SettleIfLate(tx, note) : null;
            return (stray is null ? note : ReadNote(tx, note!.Id), stray);
        });
        if (stray is not null)
        {
            TransactionsCommitted?.Invoke();
        }

        return note;
    }

    /// <summary>Notes we meant to take whose fate the device never reported: they wait for the cash-box count.</summary>
    public void MarkUnresolved(long noteId, string why)
    {
        _db.Commit(tx =>
        {
            var session = UpdateNote(tx, noteId, NoteState.Unresolved, "settled_at", why);
            Append(tx, session, "NOTE_UNRESOLVED", new { noteId, why });
            return 0;
        });
    }

    /// <summary>Gives a sessionless credited note a session (recovery of unattributed credits).</summary>
    public void AttachNote(long noteId, string sessionId)
    {
        _db.Commit(tx =>
        {
            _db.CreateCommand(tx, "UPDATE notes SET session_id=$s WHERE id=$id AND session_id IS NULL").With("$s", sessionId).With("$id", noteId).Run();
            Append(tx, sessionId, "NOTE_ATTACHED", new { noteId });
            return 0;
        });
    }

    public void CloseSession(string sessionId, SessionState final, string outcome, string? message)
    {
        _db.Commit(tx =>
        {
            _db.CreateCommand(tx, "UPDATE sessions SET state=$state, outcome=$outcome, message=$message, closed_at=$at WHERE id=$id")
                .With("$state", final.ToString()).With("$outcome", outcome).With("$message", message).With("$at", Now()).With("$id", sessionId)
                .Run();
            Append(tx, sessionId, "SESSION_CLOSED", new { state = final.ToString(), outcome, message });
            return 0;
        });
    }

    /// <summary>Cash box removed: the open batch closes (the collector counts it against these counters).</summary>
    public void CloseCashboxBatch(string reason)
    {
        _db.Commit(tx =>
        {
            // The stacker sensor and the cash-box switch both report a removal: the batch closes once.
            if (_db.CreateCommand(tx, "UPDATE cashbox_batches SET closed_at=$at, close_reason=$reason WHERE closed_at IS NULL")
                .With("$at", Now()).With("$reason", reason).Run() > 0)
            {
                Append(tx, null, "CASHBOX_BATCH_CLOSED", new { reason });
            }

            return 0;
        });
    }

    /// <summary>Cash box inserted: a new batch opens (unless one is open already).</summary>
    public void OpenCashboxBatch(string reason)
    {
        _db.Commit(tx =>
        {
            if (EnsureOpenBatch(tx, reason))
            {
                Append(tx, null, "CASHBOX_BATCH_OPENED", new { reason });
            }

            return 0;
        });
    }

    /// <summary>Appends a free-form event (device faults, service mode ...) to the journal.</summary>
    public void RecordEvent(string? sessionId, string kind, object? detail)
    {
        _db.Commit(tx =>
        {
            Append(tx, sessionId, kind, detail);
            return 0;
        });
    }

    internal string Now() => SqlText.Time(_time.GetUtcNow());

    private void SetState(SqliteTransaction tx, string sessionId, SessionState state, string? message)
    {
        _db.CreateCommand(tx, "UPDATE sessions SET state=$state WHERE id=$id").With("$state", state.ToString()).With("$id", sessionId).Run();
        Append(tx, sessionId, "STATE_" + state.ToString().ToUpperInvariant(), message is null ? null : new { message });
    }

    private void Append(SqliteTransaction tx, string? sessionId, string kind, object? detail)
    {
        _db.NameStep(kind);
        _db.CreateCommand(tx, "INSERT INTO journal(at, session_id, kind, detail) VALUES ($at, $session, $kind, $detail)")
            .With("$at", Now()).With("$session", sessionId).With("$kind", kind)
            .With("$detail", detail is null ? null : JsonSerializer.Serialize(detail))
            .Run();
    }

    private long InsertNote(SqliteTransaction tx, string? sessionId, NoteState state, Note note, string? serial, long? creditSeq, string? detail)
    {
        return Convert.ToInt64(
            _db.CreateCommand(tx, """
                INSERT INTO notes(session_id, period_id, state, device_code, value, currency, device_serial, credit_seq, escrowed_at, detail)
                VALUES ($session, (SELECT id FROM periods WHERE closed_at IS NULL), $state, $code, $value, $currency, $serial, $seq, $at, $detail)
                RETURNING id
                """)
                .With("$session", sessionId).With("$state", state.ToString()).With("$code", note.DeviceCode)
                .With("$value", note.Value is { } v ? SqlText.Amount(v.Amount) : null).With("$currency", note.Value?.Currency)
                .With("$serial", serial).With("$seq", creditSeq).With("$at", Now()).With("$detail", detail)
                .Scalar(),
            CultureInfo.InvariantCulture);
    }

    private string? UpdateNote(SqliteTransaction tx, long noteId, NoteState state, string timeColumn, string? detail)
    {
        using var readerCommand = _db.CreateCommand(tx, $"UPDATE notes SET state=$state, {timeColumn}=$at, detail=COALESCE($detail, detail) WHERE id=$id RETURNING session_id")
            .With("$state", state.ToString()).With("$at", Now()).With("$detail", detail).With("$id", noteId)
            ;
        using var reader = readerCommand.ExecuteReader();
        if (!reader.Read())
        {
            throw new InvalidOperationException($"Journal has no note {noteId}.");
        }

        return reader.StringOrNull(0);
    }

    /// <summary>The unsettled note a device report refers to: this session's first, then the oldest anywhere.</summary>
    private long? FindUnsettled(SqliteTransaction tx, string? sessionId, int deviceCode)
    {
        var result = _db.CreateCommand(tx, """
            SELECT id FROM notes
            WHERE state IN ('Accepting', 'Escrowed') AND ($code = 0 OR device_code = $code OR device_code = 0)
            ORDER BY (session_id IS $session) DESC, (state = 'Accepting') DESC, id
            LIMIT 1
            """).With("$code", deviceCode).With("$session", sessionId).Scalar();
        return result is null or DBNull ? null : Convert.ToInt64(result, CultureInfo.InvariantCulture);
    }

    private JournalNote Credit(SqliteTransaction tx, long noteId, Money? value, string? serial, long? creditSeq, string how)
    {
        // A credit always lands in a batch: if the box was reported removed, the note still went somewhere countable.
        EnsureOpenBatch(tx, "credit while no batch was open");
        _db.CreateCommand(tx, """
            UPDATE notes SET state='Credited', settled_at=$at, device_serial=COALESCE($serial, device_serial),
                credit_seq=$seq, detail=$how,
                value=COALESCE($value, value), currency=COALESCE($currency, currency),
                batch_id=(SELECT id FROM cashbox_batches WHERE closed_at IS NULL),
                period_id=(SELECT id FROM periods WHERE closed_at IS NULL)
            WHERE id=$id
            """)
            .With("$at", Now()).With("$serial", serial).With("$seq", creditSeq).With("$how", how)
            .With("$value", value is { } v ? SqlText.Amount(v.Amount) : null).With("$currency", value?.Currency).With("$id", noteId)
            .Run();
        var note = ReadNote(tx, noteId);
        if (note.Value is { } counted)
        {
            _db.CreateCommand(tx, """
                INSERT INTO cashbox_counters(batch_id, value, currency, count)
                VALUES ((SELECT id FROM cashbox_batches WHERE closed_at IS NULL), $value, $currency, 1)
                ON CONFLICT(batch_id, value, currency) DO UPDATE SET count = count + 1
                """).With("$value", SqlText.Amount(counted.Amount)).With("$currency", counted.Currency).Run();
        }

        return note;
    }

    private JournalNote ReadNote(SqliteTransaction tx, long noteId)
    {
        using var readerCommand = _db.CreateCommand(tx, "SELECT id, session_id, state, device_code, value, currency, batch_id, detail FROM notes WHERE id=$id")
            .With("$id", noteId);
        using var reader = readerCommand.ExecuteReader();
        reader.Read();
        return ReadNote(reader);
    }

    internal static JournalNote ReadNote(SqliteDataReader r) => new(
        r.GetInt64(0), r.StringOrNull(1), Enum.Parse<NoteState>(r.GetString(2)), r.IsDBNull(3) ? 0 : r.GetInt32(3),
        r.MoneyOrNull(4, 5), r.LongOrNull(6), r.StringOrNull(7));

    private void EnsureOpenPeriod(SqliteTransaction tx)
    {
        _db.CreateCommand(tx, "INSERT INTO periods(opened_at) SELECT $at WHERE NOT EXISTS (SELECT 1 FROM periods WHERE closed_at IS NULL)")
            .With("$at", Now()).Run();
    }

    private bool EnsureOpenBatch(SqliteTransaction tx, string reason) =>
        _db.CreateCommand(tx, "INSERT INTO cashbox_batches(opened_at, open_reason) SELECT $at, $reason WHERE NOT EXISTS (SELECT 1 FROM cashbox_batches WHERE closed_at IS NULL)")
            .With("$at", Now()).With("$reason", reason).Run() > 0;
}
