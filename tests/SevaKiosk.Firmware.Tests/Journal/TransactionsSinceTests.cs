using Microsoft.Extensions.Time.Testing;
using SevaKiosk.Firmware.Journal;
using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.Devices;
using PaymentStatus = SevaKiosk.Protocol.Mqtt.PaymentStatus;

namespace SevaKiosk.Firmware.Tests.Journal;

/// <summary>The "transactions today" gauge the fleet watch shows, counted from the journal.</summary>
public class TransactionsSinceTests
{
    [Fact]
    public void Counts_posted_and_pending_payments_from_the_moment_on_and_leaves_failed_ones_out()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 9, 18, 20, 0, TimeSpan.Zero)); // 23:50 IST
        using var journal = KioskJournal.Open(dir.Path, time: time);
        Pay(journal, "s1", 850m, PaymentStatus.Posted);                 // yesterday, IST
        time.Advance(TimeSpan.FromMinutes(20));                          // 00:10 IST on the 10th
        Pay(journal, "s2", 300m, PaymentStatus.Posted);
        Pay(journal, "s3", 120m, PaymentStatus.Pending);
        Pay(journal, "s4", 500m, PaymentStatus.Failed);

        var istMidnight = new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.FromHours(5.5));
        Assert.Equal(new TransactionTally(2, 420m), journal.TransactionsSince(istMidnight));
        Assert.Equal(new TransactionTally(3, 1270m), journal.TransactionsSince(istMidnight.AddDays(-1)));
    }

    private static void Pay(KioskJournal journal, string session, decimal amount, PaymentStatus status)
    {
        journal.OpenSession(session, "hi");
        var id = journal.NoteEscrowed(session, new Note(6, Money.Inr(amount)));
        journal.NoteAccepting(id);
        journal.NoteCredited(new NoteCredited(DateTimeOffset.UtcNow, null, new Note(6, Money.Inr(amount)), 1, "0001234567"), session);
        journal.CreateTransaction(session, TransactionKind.Full, Money.Inr(amount), Money.Inr(0), status);
    }
}
