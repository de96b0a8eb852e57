using SevaKiosk.Firmware.Agent;
using SevaKiosk.Firmware.Agent.Outbox;
using SevaKiosk.Firmware.Hosting;
using SevaKiosk.Firmware.Journal;
using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.Devices;
using PaymentStatus = SevaKiosk.Protocol.Mqtt.PaymentStatus;

namespace SevaKiosk.Firmware.Tests.Journal;

public class KioskJournalTests
{
    private static readonly BillDetails Bill = new(
        "electricity", "JVVNL", "Jaipur Vidyut Vitran Nigam", "K-2104-3391", "Ramesh Kumar", "B-7781", new DateOnly(2026, 12, 10),
        Money.Inr(850), AmountRule.Exact, Money.Inr(0));

    private static Note N(int code, decimal value) => new(code, Money.Inr(value));

    private static NoteCredited Credit(Note note, long seq) => new(DateTimeOffset.UtcNow, null, note, seq, "0001234567");

    [Fact]
    public void Database_runs_in_wal_mode_with_synchronous_full()
    {
        using var dir = new TempDirectory();
        using var journal = KioskJournal.Open(dir.Path);

        Assert.Equal("wal", journal.Database.JournalMode());
        Assert.Equal(2, journal.Database.SynchronousLevel());
    }

    [Fact]
    public void Escrow_intent_credit_moves_one_note_and_counts_it_once_in_the_cash_box()
    {
        using var dir = new TempDirectory();
        using var journal = KioskJournal.Open(dir.Path);
        journal.OpenSession("s1", "hi");
        journal.RecordBill("s1", Bill);

        var id = journal.NoteEscrowed("s1", N(6, 500));
        journal.NoteAccepting(id);
        var credited = journal.NoteCredited(Credit(N(6, 500), 1), "s1");

        Assert.Equal(id, credited.Id);
        Assert.Equal(NoteState.Credited, credited.State);
        Assert.Equal("s1", credited.SessionId);
        Assert.Equal(Money.Inr(500), journal.CreditedTotal("s1", "INR"));
        Assert.Equal(1, journal.CashboxCounters()[Money.Inr(500)]);
        Assert.Equal(journal.CashboxCounters(), journal.CashboxCountsFromNotes());
    }

    [Fact]
    public void A_credit_the_journal_never_saw_escrowed_is_still_recorded()
    {
        using var dir = new TempDirectory();
        using var journal = KioskJournal.Open(dir.Path);

        var note = journal.NoteCredited(Credit(N(4, 100), 7), null);

        Assert.Equal(NoteState.Credited, note.State);
        Assert.Single(journal.CreditedWithoutTransaction());
        Assert.Equal(1, journal.CashboxCounters()[Money.Inr(100)]);
    }

    [Fact]
    public void Note_cleared_into_the_cash_box_at_power_up_settles_the_note_being_taken()
    {
        using var dir = new TempDirectory();
        using var journal = KioskJournal.Open(dir.Path);
        journal.OpenSession("s1", "en");
        var id = journal.NoteEscrowed("s1", N(5, 200));
        journal.NoteAccepting(id);

        var settled = journal.NoteClearedAtPowerUp(new NoteClearedAtPowerUp(DateTimeOffset.UtcNow, null, N(5, 200), IntoCashbox: true, "0001234567"));

        Assert.Equal(id, settled!.Id);
        Assert.Equal(NoteState.Credited, settled.State);
        Assert.Empty(journal.UnsettledNotes());
    }

    [Fact]
    public void Note_cleared_from_the_front_is_returned_and_never_counted()
    {
        using var dir = new TempDirectory();
        using var journal = KioskJournal.Open(dir.Path);
        journal.OpenSession("s1", "en");
        var id = journal.NoteEscrowed("s1", N(5, 200));

        journal.NoteClearedAtPowerUp(new NoteClearedAtPowerUp(DateTimeOffset.UtcNow, null, null, IntoCashbox: false, "x"));

        Assert.Equal(NoteState.Returned, Assert.Single(journal.NotesOf("s1")).State);
        Assert.Empty(journal.CashboxCounters());
    }

    [Fact]
    public void Transaction_is_created_once_with_its_outbox_entry_in_the_same_commit()
    {
        using var dir = new TempDirectory();
        using var journal = KioskJournal.Open(dir.Path);
        var outbox = new List<string>();
        journal.TransactionChanged = (tx, t) => outbox.Add(t.TxId);
        journal.OpenSession("s1", "hi");
        journal.RecordBill("s1", Bill);
        foreach (var (code, value, seq) in new[] { (6, 500m, 1L), (5, 200m, 2L), (4, 100m, 3L), (3, 50m, 4L) })
        {
            var id = journal.NoteEscrowed("s1", N(code, value));
            journal.NoteAccepting(id);
            journal.NoteCredited(Credit(N(code, value), seq), "s1");
        }

        var first = journal.CreateTransaction("s1", TransactionKind.Full, Money.Inr(850), Money.Inr(0), PaymentStatus.Pending);
        var again = journal.CreateTransaction("s1", TransactionKind.Full, Money.Inr(850), Money.Inr(0), PaymentStatus.Pending);

        Assert.Equal(first.TxId, again.TxId);
        Assert.Equal([first.TxId], outbox);
        Assert.Equal(Money.Inr(850), first.Credited);
        Assert.Equal(Money.Inr(0), first.Excess);
        Assert.Equal([500m, 200m, 100m, 50m], first.Notes.Select(n => n.Amount));
        Assert.Equal("K-2104-3391", first.Bill!.ConsumerNumber);
    }

    [Fact]
    public void A_transaction_counts_as_acknowledged_only_once_its_latest_revision_is()
    {
        using var dir = new TempDirectory();
        using var journal = KioskJournal.Open(dir.Path);
        journal.OpenSession("s1", "hi");
        journal.RecordBill("s1", Bill);
        var created = journal.CreateTransaction("s1", TransactionKind.Full, Money.Inr(850), Money.Inr(0), PaymentStatus.Pending);

        journal.RecordAcknowledged(created.TxId, 1);
        Assert.NotNull(journal.FindTransaction(created.TxId)!.AcknowledgedAt);

        // The payment outcome is revision 2: acknowledged again only when the backend has that revision.
        journal.RecordPayment(created.TxId, PaymentStatus.Posted, "BBPS-1");
        Assert.Null(journal.FindTransaction(created.TxId)!.AcknowledgedAt);
        Assert.Single(journal.UnacknowledgedTransactions());
        journal.RecordAcknowledged(created.TxId, 1);
        Assert.Null(journal.FindTransaction(created.TxId)!.AcknowledgedAt);
        journal.RecordAcknowledged(created.TxId, 2);
        Assert.NotNull(journal.FindTransaction(created.TxId)!.AcknowledgedAt);
        Assert.Empty(journal.UnacknowledgedTransactions());
    }

    [Fact]
    public void At_start_a_transaction_whose_outbox_entry_is_gone_is_marked_acknowledged()
    {
        using var dir = new TempDirectory();
        var bridge = new OutboxBridge("kiosk-1", new SystemMachineClock(TimeProvider.System));
        using var journal = KioskJournal.Open(dir.Path, [bridge]);
        journal.TransactionChanged = (tx, t) => OutboxStore.Enqueue(tx, bridge.ToRecord(t));
        var paid = PaidTransaction(journal, "s1");
        var waiting = PaidTransaction(journal, "s2");
        journal.RecordPayment(paid.TxId, PaymentStatus.Posted, "BBPS-1");

        // The agent deleted the entry on the backend's ack of revision 2; the power went before the journal's commit.
        journal.Database.Commit(tx =>
        {
            using var delete = journal.Database.CreateCommand(tx, "DELETE FROM agent_outbox_tx WHERE tx_id = $id");
            delete.Parameters.AddWithValue("$id", paid.TxId);
            return delete.ExecuteNonQuery();
        });

        Assert.Equal(1, OutboxBridge.ReconcileAcknowledged(journal));
        Assert.NotNull(journal.FindTransaction(paid.TxId)!.AcknowledgedAt);
        Assert.Null(journal.FindTransaction(waiting.TxId)!.AcknowledgedAt); // still in the outbox: it goes out and waits for its ack
        Assert.Equal(0, OutboxBridge.ReconcileAcknowledged(journal));
    }

    private static JournalTransaction PaidTransaction(KioskJournal journal, string session)
    {
        journal.OpenSession(session, "hi");
        journal.RecordBill(session, Bill);
        return journal.CreateTransaction(session, TransactionKind.Full, Money.Inr(850), Money.Inr(0), PaymentStatus.Pending);
    }

    [Fact]
    public void A_failing_outbox_rolls_the_transaction_back()
    {
        using var dir = new TempDirectory();
        using var journal = KioskJournal.Open(dir.Path);
        journal.TransactionChanged = (_, _) => throw new InvalidOperationException("disk full");
        journal.OpenSession("s1", "hi");

        Assert.Throws<InvalidOperationException>(() => journal.CreateTransaction("s1", TransactionKind.Full, Money.Inr(10), Money.Inr(0), PaymentStatus.Pending));

        Assert.Null(journal.LastTransaction());
        Assert.Null(journal.FindSession("s1")!.TransactionId);
    }

    [Fact]
    public void Everything_survives_closing_and_reopening_the_database()
    {
        using var dir = new TempDirectory();
        using (var journal = KioskJournal.Open(dir.Path))
        {
            journal.OpenSession("s1", "hi");
            var id = journal.NoteEscrowed("s1", N(6, 500));
            journal.NoteAccepting(id);
        }

        using var reopened = KioskJournal.Open(dir.Path);
        var open = Assert.Single(reopened.UnfinishedSessions());
        Assert.Equal("s1", open.Id);
        Assert.Equal(NoteState.Accepting, Assert.Single(reopened.UnsettledNotes()).State);
    }
}
