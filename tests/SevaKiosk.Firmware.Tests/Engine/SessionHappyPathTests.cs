using SevaKiosk.Firmware.Engine;
using SevaKiosk.Firmware.Journal;
using SevaKiosk.Firmware.Tests.Engine.Support;
using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.Devices;
using PaymentStatus = SevaKiosk.Protocol.Mqtt.PaymentStatus;

namespace SevaKiosk.Firmware.Tests.Engine;

/// <summary>A citizen pays the bill: exact notes, a note the machine cannot take without giving change, a voucher.</summary>
[Collection(VirtualTimeCollection.Name)]
public sealed class SessionHappyPathTests
{
    [Fact]
    public async Task Exact_850_with_500_200_100_50_is_posted_printed_and_counted()
    {
        await using var rig = await EngineRig.StartAsync();
        var citizen = rig.Citizen().Inserts(500, 200, 100, 50);
        var ended = new List<bool>();
        rig.Engine.SessionEnded += (_, _) => ended.Add(rig.Engine.Busy);

        var outcome = await rig.RunAsync(citizen);

        // The host's between-citizens hook ran once, after the engine stopped being busy.
        Assert.Equal([false], ended);

        // The citizen: the bill, the prompt, the result.
        Assert.Equal(Money.Inr(850), citizen.BillShown!.AmountDue);
        Assert.Equal(Money.Inr(850), citizen.Shown("insert-notes").Amount);
        Assert.Equal("paid", outcome.Outcome);
        Assert.Equal(SessionState.Completed, outcome.State);
        Assert.Equal([500m, 200m, 100m, 50m], outcome.AcceptedNotes.Select(n => n.Amount));
        Assert.Empty(outcome.ReturnedNotes);

        // The transaction and the backend: posted once, under the transaction id.
        var tx = rig.Settled(outcome, TransactionKind.Full, posted: 850, credited: 850, excess: 0, PaymentStatus.Posted);
        Assert.Equal("APR-0001", tx.ApprovalRef);
        Assert.Equal([tx.TxId], rig.Backend.Posts.Select(p => p.TxId));
        Assert.All(tx.Credits!, c => Assert.Equal(rig.Validator.Capabilities!.SerialNumber, c.DeviceSerial));

        // The receipt: printed, for the posted payment, no voucher line.
        var receipt = Assert.Single(rig.Receipts.Sent);
        Assert.Equal(tx.TxId, receipt.Transaction.TxId);
        Assert.Equal(PaymentStatus.Posted, receipt.Transaction.PaymentStatus);
        Assert.Equal([500m, 200m, 100m, 50m], receipt.Transaction.Notes.Select(n => n.Amount));
        Assert.Empty(receipt.ExtraLines);
        Assert.True(rig.Journal.Receipt(tx.ReceiptNo)!.Value.Printed);

        // The journal: every transition, in order.
        var session = rig.Journal.FindSession(outcome.SessionId)!;
        Assert.Equal(SessionState.Completed, session.State);
        Assert.Equal(tx.TxId, session.TransactionId);
        Assert.Equal(
            ["SESSION_OPENED", "BILL_FETCHED", "STATE_READY", "STATE_CASHIN", "STATE_POSTING", "TRANSACTION_CREATED", "PAYMENT_POSTED", "STATE_PRINTING", "RECEIPT_PRINTED", "SESSION_CLOSED"],
            rig.Events(outcome.SessionId).Where(k => !k.StartsWith("NOTE_", StringComparison.Ordinal)));
        Assert.Equal(4, rig.Events(outcome.SessionId).Count(k => k == "NOTE_CREDITED"));
        Assert.Equal(4, rig.Events(outcome.SessionId).Count(k => k == "NOTE_ACCEPTING"));
        Assert.All(rig.Journal.NotesOf(outcome.SessionId), n => Assert.Equal(NoteState.Credited, n.State));

        // The cash box and the X report agree with the validator.
        Assert.Equal(4, rig.Sim.Status.NotesInCashbox);
        var x = rig.AssertCounted(notes: 850, posted: 850, notPosted: 0);
        Assert.Equal(1, x.Transactions);
        Assert.Equal(0, x.ReceiptsNotPrinted);
        Assert.Equal([(50m, 1L), (100m, 1L), (200m, 1L), (500m, 1L)], x.Denominations.Select(d => (d.Value.Amount, d.Count)));
        Assert.True(rig.Service.InService);
    }

    [Fact]
    public async Task A_2000_note_that_would_need_change_comes_back_from_escrow_with_the_no_change_message()
    {
        await using var rig = await EngineRig.StartAsync();
        var citizen = rig.Citizen().Inserts(2000, 500, 200, 100, 50);

        var outcome = await rig.RunAsync(citizen);

        var returned = Assert.Single(outcome.ReturnedNotes);
        Assert.Equal(Money.Inr(2000), returned.Note.Value);
        Assert.Equal(ReturnCause.Decision, returned.Cause);
        var message = citizen.Shown("note-returned");
        Assert.Equal(Money.Inr(2000), message.Amount);
        Assert.Contains("gives no change", message.Text, StringComparison.Ordinal);

        Assert.Equal("paid", outcome.Outcome);
        Assert.Equal([500m, 200m, 100m, 50m], outcome.AcceptedNotes.Select(n => n.Amount));
        rig.Settled(outcome, TransactionKind.Full, posted: 850, credited: 850, excess: 0, PaymentStatus.Posted);

        // The ₹2000 is journaled as escrowed then returned, never credited; the cash box holds the four notes only.
        var notes = rig.Journal.NotesOf(outcome.SessionId);
        var big = Assert.Single(notes, n => n.Value == Money.Inr(2000));
        Assert.Equal(NoteState.Returned, big.State);
        Assert.Equal(4, notes.Count(n => n.State == NoteState.Credited));
        Assert.Equal(4, rig.Sim.Status.NotesInCashbox);
        rig.AssertCounted(notes: 850, posted: 850, notPosted: 0);
    }

    [Fact]
    public async Task With_the_voucher_policy_the_excess_of_a_2000_note_is_credited_as_a_voucher_on_the_receipt()
    {
        await using var rig = await EngineRig.StartAsync(EngineRig.DefaultOptions with { Excess = ExcessPolicy.Voucher });
        var citizen = rig.Citizen().Inserts(500, 200, 2000);

        var outcome = await rig.RunAsync(citizen);

        Assert.Empty(outcome.ReturnedNotes);
        Assert.Equal([500m, 200m, 2000m], outcome.AcceptedNotes.Select(n => n.Amount));
        Assert.Contains("credit voucher", citizen.Shown("note-excess").Text, StringComparison.Ordinal);

        // ₹850 posted to the biller; ₹1,850 of the ₹2,700 credited is the citizen's voucher.
        var tx = rig.Settled(outcome, TransactionKind.Full, posted: 850, credited: 2700, excess: 1850, PaymentStatus.Posted);
        Assert.Equal(Money.Inr(850), Assert.Single(rig.Backend.Posts).Amount);

        var receipt = Assert.Single(rig.Receipts.Sent);
        Assert.Equal(Money.Inr(1850), receipt.Transaction.Excess);
        Assert.Equal([$"Credit voucher {tx.TxId}: {Money.Inr(1850)}"], receipt.ExtraLines);

        rig.AssertCounted(notes: 2700, posted: 850, notPosted: 1850);
        Assert.Equal(3, rig.Sim.Status.NotesInCashbox);
    }
}
