using SevaKiosk.Firmware.Journal;
using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.Devices;
using PaymentStatus = SevaKiosk.Protocol.Mqtt.PaymentStatus;

namespace SevaKiosk.Firmware.Tests.Journal;

/// <summary>Credits with no transaction to go into still end up in exactly one transaction.</summary>
public class StrayCreditTests
{
    private static readonly BillDetails Bill = Engine.Support.ScriptedBackend.Bill(850m, AmountRule.AtMost);

    private static readonly Note Note200 = new(5, Money.Inr(200));

    [Fact]
    public void A_credit_after_its_session_settled_becomes_a_voucher_of_its_own_in_the_same_commit()
    {
        using var dir = new TempDirectory();
        using var journal = KioskJournal.Open(dir.Path);
        journal.OpenSession("s1", "hi+en");
        journal.RecordBill("s1", Bill);
        journal.NoteAccepting(journal.NoteEscrowed("s1", Note200));
        var settled = journal.CreateTransaction("s1", TransactionKind.Voucher, Money.Inr(0), Money.Inr(0), PaymentStatus.NotPosted);
        journal.CloseSession("s1", SessionState.Completed, "voucher", "cash-in ended on a jam");
        var published = 0;
        journal.TransactionsCommitted += () => published++;
        var commits = journal.Database.Commits;

        var note = journal.NoteClearedAtPowerUp(new NoteClearedAtPowerUp(DateTimeOffset.UtcNow, null, Note200, IntoCashbox: true, "0012345678"))!;

        Assert.Equal(commits + 1, journal.Database.Commits);
        Assert.Equal(1, published);
        Assert.Equal(NoteState.Credited, note.State);
        Assert.NotEqual("s1", note.SessionId);
        var voucher = journal.LastTransaction()!;
        Assert.Equal(note.SessionId, voucher.SessionId);
        Assert.Equal((TransactionKind.Voucher, Money.Inr(200), Money.Inr(200)), (voucher.Kind, voucher.Credited, voucher.Excess));
        Assert.Equal(Bill.ConsumerNumber, voucher.Bill!.ConsumerNumber);
        Assert.Equal(Money.Inr(0), journal.FindTransaction(settled.TxId)!.Credited);
        Assert.Empty(journal.CreditedWithoutTransaction());
        Assert.Empty(journal.UnfinishedSessions());
        Assert.Equal(1, journal.CashboxCounters()[Money.Inr(200)]);
    }

    [Fact]
    public void A_credit_with_no_session_is_settled_as_an_unclaimed_voucher_on_request()
    {
        using var dir = new TempDirectory();
        using var journal = KioskJournal.Open(dir.Path);
        var note = journal.NoteCredited(new NoteCredited(DateTimeOffset.UtcNow, null, Note200, 3, "0012345678"), null);
        Assert.Single(journal.CreditedWithoutTransaction());

        var voucher = journal.SettleStrayCredit(note.Id);

        Assert.Equal((TransactionKind.Voucher, Money.Inr(200), PaymentStatus.NotPosted), (voucher.Kind, voucher.Credited, voucher.PaymentStatus));
        Assert.Null(voucher.Bill);
        Assert.Equal("unattributed-credit", journal.FindSession(voucher.SessionId)!.Outcome);
        Assert.Empty(journal.CreditedWithoutTransaction());
    }

    [Fact]
    public void A_credit_whose_session_is_still_open_is_left_to_that_session()
    {
        using var dir = new TempDirectory();
        using var journal = KioskJournal.Open(dir.Path);
        journal.OpenSession("s1", "en");
        var note = journal.NoteCredited(new NoteCredited(DateTimeOffset.UtcNow, null, Note200, 1, "0012345678"), "s1");

        Assert.Equal("s1", note.SessionId);
        Assert.Throws<InvalidOperationException>(() => journal.SettleStrayCredit(note.Id));
        Assert.Null(journal.LastTransaction());
    }
}
