using SevaKiosk.Firmware.Journal;
using SevaKiosk.Firmware.Tests.Engine.Support;
using SevaKiosk.Hal.Devices;
using SevaKiosk.Simulator.Devices.Validators.Ssp;
using PaymentStatus = SevaKiosk.Protocol.Mqtt.PaymentStatus;

namespace SevaKiosk.Firmware.Tests.Engine;

/// <summary>
/// The validator fails mid-session: what was credited is settled and receipted, nothing else is taken, and the kiosk
/// goes out of service with the fault's recommended action until the fault clears.
/// </summary>
[Collection(VirtualTimeCollection.Name)]
public sealed class SessionDeviceFaultTests
{
    public enum Fault
    {
        Jam,
        StackerFull,
        PowerOff,
    }

    [Theory]
    [InlineData(Fault.Jam, "validator.jam.safe", RecommendedAction.OperatorCanClear)]
    [InlineData(Fault.StackerFull, "validator.cashbox.full", RecommendedAction.OperatorCanClear)]
    [InlineData(Fault.PowerOff, "validator.offline", RecommendedAction.Reset)]
    public async Task A_fault_mid_session_settles_the_credited_notes_and_takes_the_kiosk_out_of_service(Fault fault, string code, RecommendedAction action)
    {
        await using var rig = await EngineRig.StartAsync(bill: ScriptedBackend.Bill(850m, AmountRule.AtMost));
        var citizen = rig.Citizen().Inserts(500, 200).Then(async () =>
        {
            // Between notes: the ₹200 is in the cash box, the path is empty.
            await rig.UntilAsync(() => rig.Sim.Status is { NotePhase: null, NotesInCashbox: 2 }, "the ₹200 stacked");
            Strike(rig, fault);
        });

        var outcome = await rig.RunAsync(citizen);

        // Settled: the ₹700 credited is posted as a partial payment and receipted.
        Assert.Equal(SessionState.Completed, outcome.State);
        Assert.Equal("partially-paid", outcome.Outcome);
        var tx = rig.Settled(outcome, TransactionKind.Partial, posted: 700, credited: 700, excess: 0, PaymentStatus.Posted);
        Assert.Equal(tx.TxId, Assert.Single(rig.Receipts.Sent).Transaction.TxId);
        Assert.Equal(2, rig.Sim.Status.NotesInCashbox);
        rig.AssertCounted(notes: 700, posted: 700, notPosted: 0);

        // The citizen is told why, and the journal keeps the fault with the session.
        var told = citizen.Shown("device-fault");
        Assert.Contains(action.ToString(), told.Text, StringComparison.Ordinal);
        Assert.Equal(Money.Inr(700), told.Amount);
        Assert.Contains(code, rig.EventDetail(outcome.SessionId, "CASH_IN_FAULTED"), StringComparison.Ordinal);

        // Out of service with the fault's recommended action, and no new session starts.
        Assert.False(rig.Service.InService);
        Assert.Contains($"{code} ({action})", rig.Service.Describe(), StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(() => rig.RunAsync(rig.Citizen()));

        // Cleared by the operator (or by itself): back in service.
        Recover(rig, fault);
        await rig.UntilAsync(() => rig.Service.InService, "the kiosk back in service");
    }

    [Fact]
    public async Task A_jam_with_a_note_still_being_read_takes_nothing_and_the_note_comes_back_out_of_the_front()
    {
        await using var rig = await EngineRig.StartAsync();
        var citizen = rig.Citizen().Inserts(500).Then(async () =>
        {
            await rig.InsertAsync(100, waitUntilSettled: false);
            rig.Sim.Jam(JamKind.Safe);
        });

        var outcome = await rig.RunAsync(citizen);

        Assert.Equal("voucher", outcome.Outcome);
        Assert.Equal(Money.Inr(500), outcome.Transaction!.Credited);
        Assert.Equal(Money.Inr(500), outcome.Transaction.Excess);
        Assert.False(rig.Service.InService);

        // The technician clears the jam: the unaccepted note goes back out of the front, nothing more is counted.
        var before = rig.NotesSettled;
        var cleared = rig.Sim.ClearJam();
        Assert.Equal(NoteDestination.Front, cleared!.Destination);
        await rig.UntilAsync(() => rig.NotesSettled > before, "the cleared note reported");
        await rig.UntilAsync(() => rig.Service.InService, "the kiosk back in service");
        Assert.Equal(1, rig.Sim.Status.NotesInCashbox);
        rig.AssertCounted(notes: 500, posted: 0, notPosted: 500);
        Assert.Empty(rig.Journal.CreditedWithoutTransaction());
    }

    [Fact]
    public async Task A_note_jammed_after_its_credit_point_is_settled_once_and_not_counted_again_when_cleared_into_the_cash_box()
    {
        await using var rig = await EngineRig.StartAsync(bill: ScriptedBackend.Bill(850m, AmountRule.AtMost));
        JamOn(rig, "note-credited", 200);
        var citizen = rig.Citizen().Inserts(500, 200);

        var outcome = await rig.RunAsync(citizen);

        Assert.Equal("partially-paid", outcome.Outcome);
        Assert.Equal(Money.Inr(700), outcome.Transaction!.Amount);
        Assert.False(rig.Service.InService);
        Assert.Equal(1, rig.Sim.Status.NotesInCashbox);

        // Cleared into the cash box: the device reports it, the journal already had its credit.
        var cleared = rig.Sim.ClearJam();
        Assert.Equal((NoteDestination.Cashbox, true), (cleared!.Destination, cleared.CreditDelivered));
        await rig.UntilAsync(() => rig.Service.InService, "the kiosk back in service");
        await rig.UntilAsync(() => rig.Events(outcome.SessionId).Count(k => k == "NOTE_STACKED") == 2, "the ₹200 reported stacked");
        Assert.Equal(2, rig.Sim.Status.NotesInCashbox);
        rig.AssertCounted(notes: 700, posted: 700, notPosted: 0);
    }

    [Fact]
    public async Task A_note_jammed_after_acceptance_but_before_its_credit_ends_up_in_a_transaction_once_cleared_into_the_cash_box()
    {
        await using var rig = await EngineRig.StartAsync(bill: ScriptedBackend.Bill(850m, AmountRule.AtMost));
        JamOn(rig, "note-accepted", 200);
        var citizen = rig.Citizen().Inserts(500).Then(() => rig.InsertAsync(200, waitUntilSettled: false));

        var outcome = await rig.RunAsync(citizen);

        Assert.Equal("partially-paid", outcome.Outcome);
        Assert.Equal(Money.Inr(500), outcome.Transaction!.Amount);
        Assert.False(rig.Service.InService);

        var cleared = rig.Sim.ClearJam();
        Assert.Equal((NoteDestination.Cashbox, false), (cleared!.Destination, cleared.CreditDelivered));
        await rig.UntilAsync(() => rig.Service.InService, "the kiosk back in service");
        await rig.UntilAsync(() => rig.Journal.XReport().NotesTotal == Money.Inr(700), "the ₹200 counted once cleared into the cash box");

        // The late ₹200 is a voucher of its own for the same consumer, linked from the session it came from; a
        // restart's recovery finds nothing left to settle. Every credited note is in exactly one transaction.
        var late = rig.Journal.LastTransaction()!;
        Assert.NotEqual(outcome.Transaction.TxId, late.TxId);
        Assert.Equal((TransactionKind.Voucher, Money.Inr(200), Money.Inr(200), PaymentStatus.NotPosted), (late.Kind, late.Credited, late.Excess, late.PaymentStatus));
        Assert.Equal(ScriptedBackend.Consumer, late.Bill!.ConsumerNumber);
        Assert.Equal("late-credit", rig.Journal.FindSession(late.SessionId)!.Outcome);
        Assert.Contains(late.TxId, rig.EventDetail(outcome.SessionId, "NOTE_SETTLED_SEPARATELY"), StringComparison.Ordinal);
        Assert.Equal(Money.Inr(500), rig.Journal.FindTransaction(outcome.Transaction.TxId)!.Credited);
        Assert.Empty(rig.Journal.CreditedWithoutTransaction());
        var recovered = await rig.Recovery().RecoverAsync(validatorReported: true, CancellationToken.None);
        Assert.Equal(0, recovered.TransactionsCreated);
        Assert.Equal(2, rig.AssertCounted(notes: 700, posted: 500, notPosted: 200).Transactions);
    }

    /// <summary>Jams the validator the moment the simulator reports <paramref name="simEvent"/> for a note of <paramref name="value"/>.</summary>
    private static void JamOn(EngineRig rig, string simEvent, long value)
    {
        var jammed = 0;
        rig.Sim.EventOccurred += e =>
        {
            if ((string?)e["event"] == simEvent && (long?)e["value"] == value && Interlocked.Exchange(ref jammed, 1) == 0)
            {
                rig.Sim.Jam(JamKind.Safe);
            }
        };
    }

    private static void Strike(EngineRig rig, Fault fault)
    {
        switch (fault)
        {
            case Fault.Jam:
                rig.Sim.Jam(JamKind.Safe);
                break;
            case Fault.StackerFull:
                rig.Sim.SetCashbox(CashboxAction.Full);
                break;
            default:
                rig.Sim.Silence();
                break;
        }
    }

    private static void Recover(EngineRig rig, Fault fault)
    {
        switch (fault)
        {
            case Fault.Jam:
                rig.Sim.ClearJam();
                break;
            case Fault.StackerFull:
                rig.Sim.SetCashbox(CashboxAction.Replaced);
                break;
            default:
                rig.Sim.Silence(false);
                break;
        }
    }
}
