using Microsoft.Data.Sqlite;
using SevaKiosk.Hal.Devices;
using PaymentStatus = SevaKiosk.Protocol.Mqtt.PaymentStatus;

namespace SevaKiosk.Firmware.Journal;

/// <summary>
/// Credits that have no transaction to go into: a note credited outside any session, or one credited after its
/// session was already settled (a device fault ended cash-in while the note was between acceptance and its credit
/// point, and it reached the cash box only when the jam was cleared). Each gets a session and a voucher transaction
/// of its own, so every credited note is in exactly one transaction and the reports and the backend see it.
/// </summary>
public sealed partial class KioskJournal
{
    /// <summary>Settles a credited note that belongs to no transaction as a voucher of its own, in one commit.</summary>
    /// <exception cref="InvalidOperationException">The note is not credited, or its session has not settled yet.</exception>
    public JournalTransaction SettleStrayCredit(long noteId)
    {
        var created = _db.Commit(tx =>
        {
            var note = ReadNote(tx, noteId);
            if (note.State != NoteState.Credited || (note.SessionId is { } session && TransactionOfSession(tx, session) is null))
            {
                throw new InvalidOperationException($"Note {noteId} is not a stray credit ({note.State}, session {note.SessionId ?? "none"}).");
            }

            return SettleStray(tx, note);
        });
        TransactionsCommitted?.Invoke();
        return created;
    }

    /// <summary>Called in the commit that credits a note: a credit that arrives after its session settled is settled apart.</summary>
    private JournalTransaction? SettleIfLate(SqliteTransaction tx, JournalNote credited) =>
        credited.SessionId is { } session && TransactionOfSession(tx, session) is not null ? SettleStray(tx, credited) : null;

    private JournalTransaction SettleStray(SqliteTransaction tx, JournalNote note)
    {
        var from = note.SessionId;
        var sessionId = Guid.CreateVersion7().ToString();
        var value = note.Value?.ToString() ?? "a note of unknown value";
        var (outcome, message) = from is null
            ? ("unattributed-credit", $"{value} credited with no session; held as an unclaimed voucher")
            : ("late-credit", $"{value} credited after session {from} was settled (held in the validator by a fault); held as a voucher for that consumer");

        // The voucher belongs to the consumer of the session the note came from: copy its bill.
        _db.CreateCommand(tx, """
            INSERT INTO sessions(id, opened_at, state, language, service, biller_id, biller_name, consumer_number, consumer_name,
                bill_number, due_date, amount_due, amount_rule, fee, currency)
            SELECT $id, $at, $state, language, service, biller_id, biller_name, consumer_number, consumer_name,
                bill_number, due_date, amount_due, amount_rule, fee, currency FROM sessions WHERE id=$from
            UNION ALL SELECT $id, $at, $state, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL WHERE $from IS NULL
            """).With("$id", sessionId).With("$at", Now()).With("$state", SessionState.Started.ToString()).With("$from", from).Run();
        _db.CreateCommand(tx, "UPDATE notes SET session_id=$s WHERE id=$id").With("$s", sessionId).With("$id", note.Id).Run();
        Append(tx, sessionId, "SESSION_OPENED", new { strayNote = note.Id, from });

        var currency = note.Value?.Currency ?? ReadSession(tx, sessionId)?.Bill?.AmountDue.Currency ?? "INR";
        var zero = Money.Zero(currency);
        var record = InsertTransaction(tx, sessionId, TransactionKind.Voucher, zero, zero, PaymentStatus.NotPosted);
        _db.CreateCommand(tx, "UPDATE sessions SET state=$state, outcome=$outcome, message=$message, closed_at=$at WHERE id=$id")
            .With("$state", SessionState.Completed.ToString()).With("$outcome", outcome).With("$message", message).With("$at", Now()).With("$id", sessionId)
            .Run();
        Append(tx, sessionId, "SESSION_CLOSED", new { state = SessionState.Completed.ToString(), outcome, message });
        if (from is not null)
        {
            Append(tx, from, "NOTE_SETTLED_SEPARATELY", new { noteId = note.Id, record.TxId });
        }

        return record;
    }
}
