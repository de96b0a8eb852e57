using Microsoft.Data.Sqlite;
using SevaKiosk.Firmware.Agent;
using SevaKiosk.Firmware.Agent.Outbox;
using SevaKiosk.Firmware.Journal;
using SevaKiosk.Protocol.Mqtt;

namespace SevaKiosk.Firmware.Hosting;

/// <summary>
/// Puts the agent's outbox tables in the journal's database and enqueues every transaction (and every change of its
/// payment status, as a new revision) inside the journal commit that makes it, so the journal entry and its outbox
/// entry are one atomic commit. The agent publishes after the commit.
/// </summary>
public sealed class OutboxBridge : IJournalSchema
{
    private readonly string _machineId;
    private readonly IMachineClock _clock;

    public OutboxBridge(string machineId, IMachineClock clock)
    {
        _machineId = machineId;
        _clock = clock;
    }

    public void Create(SqliteConnection connection, SqliteTransaction transaction) => OutboxSchema.EnsureCreated(transaction);

    /// <summary>Wires the journal to the outbox and the agent's acknowledgements back to the journal.</summary>
    public void Connect(KioskJournal journal, KioskAgent agent)
    {
        journal.TransactionChanged = (tx, record) => OutboxStore.Enqueue(tx, ToRecord(record));
        agent.TransactionAcknowledged += (_, e) => journal.RecordAcknowledged(e.TxId, e.Revision);
    }

    /// <summary>
    /// Start-up reconciliation, before the agent runs: a transaction the journal has not marked acknowledged but whose
    /// outbox entry is gone was acknowledged. The agent deletes the entry in its own commit and the journal records the
    /// ack in the next one; a power cut between the two (found by the crash tests) would otherwise leave the transaction
    /// "unacknowledged" for ever, since nothing is left to send. Every journal change re-enqueues the transaction in the
    /// same commit, so a missing entry always means the latest revision was acknowledged. Returns how many it marked.
    /// </summary>
    public static int ReconcileAcknowledged(KioskJournal journal)
    {
        ArgumentNullException.ThrowIfNull(journal);
        var waiting = journal.Database.Read(connection =>
        {
            using var command = journal.Database.CreateCommand(null, "SELECT tx_id FROM agent_outbox_tx");
            using var reader = command.ExecuteReader();
            var ids = new HashSet<string>(StringComparer.Ordinal);
            while (reader.Read())
            {
                ids.Add(reader.GetString(0));
            }

            return ids;
        });
        var marked = 0;
        foreach (var tx in journal.UnacknowledgedTransactions().Where(t => !waiting.Contains(t.TxId)))
        {
            journal.RecordAcknowledged(tx.TxId, tx.Revision);
            marked++;
        }

        return marked;
    }

    /// <summary>Call after a journal commit that may have enqueued something.</summary>
    public static void Committed(KioskAgent agent) => agent.NotifyTransactionsCommitted();

    public TransactionRecord ToRecord(JournalTransaction t)
    {
        var now = _clock.Now();
        var bill = t.Bill;
        return new TransactionRecord
        {
            TxId = t.TxId,
            Revision = t.Revision,
            MachineId = _machineId,
            JournalSeq = t.JournalSeq,
            SessionId = t.SessionId,
            Service = bill?.Service ?? "unattributed",
            BillerId = bill?.BillerId ?? "-",
            BillerName = bill?.BillerName,
            ConsumerNumber = bill?.ConsumerNumber ?? "-",
            ConsumerName = bill?.ConsumerName,
            Amount = t.Amount.Amount,
            Fee = t.Fee.Amount,
            Currency = t.Amount.Currency,
            Notes = (t.Credits ?? []).Select(c => new NoteCredit(c.Value.Amount, Stamp(now, c.CreditedAt), c.DeviceSerial)).ToArray(),
            Voucher = t.Excess.Amount,
            PaymentStatus = t.PaymentStatus,
            ReceiptNumber = t.ReceiptNo,
            PaymentReference = t.ApprovalRef,
            CreatedAt = Stamp(now, t.CreatedAt),
        };
    }

    /// <summary>A past moment of this boot, placed on the monotonic clock by its distance from now.</summary>
    private static MachineStamp Stamp(MachineStamp now, DateTimeOffset at) =>
        now with { Wall = at, MonotonicMs = Math.Max(0, now.MonotonicMs - (long)(now.Wall - at).TotalMilliseconds) };
}
