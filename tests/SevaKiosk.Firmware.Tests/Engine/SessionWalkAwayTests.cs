using SevaKiosk.Firmware.Engine;
using SevaKiosk.Firmware.Journal;
using SevaKiosk.Firmware.Tests.Engine.Support;
using SevaKiosk.Hal.Devices;
using PaymentStatus = SevaKiosk.Protocol.Mqtt.PaymentStatus;

namespace SevaKiosk.Firmware.Tests.Engine;

/// <summary>
/// A citizen who leaves (or presses Cancel) part-way: stacked notes cannot be given back, so the session completes as
/// a partial payment where the biller allows one and as a credit voucher where it does not, and is receipted either way.
/// </summary>
[Collection(VirtualTimeCollection.Name)]
public sealed class SessionWalkAwayTests
{
    public enum Leaving
    {
        WalksAway,
        PressesCancel,
    }

    [Theory]
    [InlineData(Leaving.WalksAway)]
    [InlineData(Leaving.PressesCancel)]
    public async Task Stacked_notes_become_a_partial_payment_when_the_biller_takes_part_payment(Leaving leaving)
    {
        await using var rig = await EngineRig.StartAsync(bill: ScriptedBackend.Bill(850m, AmountRule.AtMost));
        var citizen = Leave(rig.Citizen().Inserts(500, 200), leaving);

        var outcome = await rig.RunAsync(citizen);

        AssertLeft(rig, citizen, leaving);
        Assert.Equal("partially-paid", outcome.Outcome);
        var tx = rig.Settled(outcome, TransactionKind.Partial, posted: 700, credited: 700, excess: 0, PaymentStatus.Posted);
        Assert.Equal(Money.Inr(700), Assert.Single(rig.Backend.Posts).Amount);

        var receipt = Assert.Single(rig.Receipts.Sent);
        Assert.Equal(TransactionKind.Partial, receipt.Transaction.Kind);
        Assert.True(rig.Journal.Receipt(tx.ReceiptNo)!.Value.Printed);
        Assert.Equal(SessionState.Completed, rig.Journal.FindSession(outcome.SessionId)!.State);
        Assert.Equal(2, rig.Sim.Status.NotesInCashbox);
        rig.AssertCounted(notes: 700, posted: 700, notPosted: 0);
        Assert.True(rig.Service.InService);
    }

    [Theory]
    [InlineData(Leaving.WalksAway)]
    [InlineData(Leaving.PressesCancel)]
    public async Task Stacked_notes_become_a_receipted_credit_voucher_when_the_biller_takes_only_the_exact_amount(Leaving leaving)
    {
        await using var rig = await EngineRig.StartAsync(bill: ScriptedBackend.Bill(850m, AmountRule.Exact, fee: 10m));
        var citizen = Leave(rig.Citizen().Inserts(500), leaving);

        var outcome = await rig.RunAsync(citizen);

        AssertLeft(rig, citizen, leaving);
        Assert.Equal("voucher", outcome.Outcome);
        // Nothing reached the biller, so no fee is taken: the voucher is every rupee the citizen put in.
        var tx = rig.Settled(outcome, TransactionKind.Voucher, posted: 0, credited: 500, excess: 500, PaymentStatus.NotPosted);
        Assert.Equal(Money.Inr(0), tx.Fee);
        Assert.Empty(rig.Backend.Posts);
        var receipt = Assert.Single(rig.Receipts.Sent);
        Assert.Equal([$"Credit voucher {tx.TxId}: {Money.Inr(500)}"], receipt.ExtraLines);

        rig.AssertCounted(notes: 500, posted: 0, notPosted: 500);
        Assert.Equal(1, rig.Sim.Status.NotesInCashbox);
    }

    [Fact]
    public async Task A_note_still_in_the_validator_when_the_citizen_is_given_up_on_is_handed_back_not_taken()
    {
        await using var rig = await EngineRig.StartAsync();

        // The citizen comes back just as the kiosk gives up on them and feeds a ₹100 note.
        var citizen = rig.Citizen().Inserts(500)
            .On("timeout", _ => Assert.True(rig.Sim.InsertNote(100).Taken));

        var outcome = await rig.RunAsync(citizen);

        Assert.Equal("voucher", outcome.Outcome);
        Assert.Equal([500m], outcome.AcceptedNotes.Select(n => n.Amount));
        Assert.Equal(Money.Inr(500), outcome.Transaction!.Credited);
        Assert.DoesNotContain(rig.Journal.NotesOf(outcome.SessionId), n => n.State == NoteState.Credited && n.Value == Money.Inr(100));

        // The validator hands the note back when cash-in closes; the journal records it as handed back, uncounted.
        var handedBack = Assert.Single(rig.Journal.NotesOf(outcome.SessionId), n => n.State is NoteState.Rejected or NoteState.Returned);
        Assert.Null(handedBack.BatchId);
        await rig.UntilAsync(() => rig.Sim.Status.NotePhase is null, "the ₹100 note out of the validator's path");
        Assert.Equal(1, rig.Sim.Status.NotesInCashbox);
        rig.AssertCounted(notes: 500, posted: 0, notPosted: 500);
    }

    [Fact]
    public async Task Cancel_before_any_note_takes_nothing_and_creates_no_transaction()
    {
        await using var rig = await EngineRig.StartAsync();
        var citizen = rig.Citizen().Presses(CitizenAction.Cancel);

        var outcome = await rig.RunAsync(citizen);

        Assert.Equal(SessionState.Cancelled, outcome.State);
        Assert.Equal("nothing-paid", outcome.Outcome);
        Assert.Null(outcome.Transaction);
        Assert.Null(rig.Journal.FindSession(outcome.SessionId)!.TransactionId);
        Assert.Empty(rig.Backend.Posts);
        Assert.Empty(rig.Receipts.Sent);
        Assert.Equal(0, rig.Journal.XReport().Transactions);
        Assert.Contains("STATE_CASHIN", rig.Events(outcome.SessionId));
        Assert.Equal("SESSION_CLOSED", rig.Events(outcome.SessionId)[^1]);
        await rig.UntilAsync(() => !rig.Sim.Status.Enabled, "the validator disabled after cash-in");
    }

    private static ScriptedCitizen Leave(ScriptedCitizen citizen, Leaving leaving) =>
        leaving == Leaving.PressesCancel ? citizen.Presses(CitizenAction.Cancel) : citizen;

    private static void AssertLeft(EngineRig rig, ScriptedCitizen citizen, Leaving leaving)
    {
        if (leaving == Leaving.WalksAway)
        {
            Assert.Contains(citizen.Messages, m => m.Code == "timeout");
            Assert.True(rig.Clock.Elapsed >= rig.Options.InactivityTimeout, $"gave up after {rig.Clock.Elapsed}");
        }
        else
        {
            Assert.DoesNotContain(citizen.Messages, m => m.Code == "timeout");
        }
    }
}
