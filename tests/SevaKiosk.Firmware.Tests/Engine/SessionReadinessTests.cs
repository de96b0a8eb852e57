using SevaKiosk.Firmware.Engine;
using SevaKiosk.Firmware.Journal;
using SevaKiosk.Firmware.Tests.Engine.Support;
using SevaKiosk.Hal.Devices;
using SevaKiosk.Simulator.Devices.Validators.Ssp;
using PaymentStatus = SevaKiosk.Protocol.Mqtt.PaymentStatus;

namespace SevaKiosk.Firmware.Tests.Engine;

/// <summary>
/// Before any cash is taken the kiosk checks it can serve: the validator ready, the cash box not full, and a printer
/// with paper, or a citizen who accepts a receipt reference instead. When it cannot, no note is taken.
/// </summary>
[Collection(VirtualTimeCollection.Name)]
public sealed class SessionReadinessTests
{
    [Fact]
    public async Task An_out_of_service_kiosk_starts_no_session_and_says_why()
    {
        await using var rig = await EngineRig.StartAsync();
        rig.Sim.SetCashbox(CashboxAction.Full);
        await rig.UntilAsync(() => !rig.Service.InService, "the full cash box taking the kiosk out of service");

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => rig.RunAsync(rig.Citizen()));

        Assert.Contains("validator.cashbox.full (OperatorCanClear)", refused.Message, StringComparison.Ordinal);
        Assert.Empty(rig.Backend.Fetches);
        Assert.Empty(rig.Journal.UnfinishedSessions());
        Assert.Equal(0, rig.Journal.Database.Read(_ => Convert.ToInt32(rig.Journal.Database.CreateCommand(null, "SELECT COUNT(*) FROM sessions").Scalar(), System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData(true, "validator.offline (Reset)")]
    [InlineData(false, "validator.cashbox.full (OperatorCanClear)")]
    public async Task A_validator_that_stops_being_ready_while_the_citizen_reads_the_bill_takes_no_cash(bool powerOff, string reason)
    {
        await using var rig = await EngineRig.StartAsync();
        var citizen = new ScriptedCitizen(rig)
        {
            WhileReadingBill = async () =>
            {
                if (powerOff)
                {
                    rig.Sim.Silence();
                }
                else
                {
                    rig.Sim.SetCashbox(CashboxAction.Full);
                }

                await rig.UntilAsync(() => !rig.Service.InService, "the validator fault reaching the service state");
            },
        }.Inserts(500);

        var outcome = await rig.RunAsync(citizen);

        Assert.Equal((SessionState.Failed, "machine-not-ready"), (outcome.State, outcome.Outcome));
        Assert.Contains(reason, citizen.Shown("machine-not-ready").Text, StringComparison.Ordinal);
        AssertNoCashTaken(rig, outcome);
    }

    [Fact]
    public async Task Without_paper_a_citizen_who_accepts_a_receipt_reference_pays_and_the_receipt_is_kept_unprinted()
    {
        await using var rig = await EngineRig.StartAsync();
        rig.Receipts.CanPrint = false;
        var citizen = rig.Citizen().Inserts(500, 200, 100, 50);

        var outcome = await rig.RunAsync(citizen);

        Assert.True(citizen.AskedAboutReceipt);
        Assert.Equal("paid", outcome.Outcome);
        var tx = rig.Settled(outcome, TransactionKind.Full, posted: 850, credited: 850, excess: 0, PaymentStatus.Posted);

        // Nothing went to the printer; the citizen has the reference; the receipt waits to be reprinted.
        Assert.Empty(rig.Receipts.Sent);
        Assert.Null(outcome.Receipt);
        Assert.Contains(tx.ReceiptNo, citizen.Shown("paid").Text, StringComparison.Ordinal);
        Assert.False(rig.Journal.Receipt(tx.ReceiptNo)!.Value.Printed);
        Assert.Contains("receipt by reference", rig.PrintError(tx.ReceiptNo), StringComparison.Ordinal);
        Assert.Contains("RECEIPT_NOT_PRINTED", rig.Events(outcome.SessionId));
        Assert.Equal(1, rig.AssertCounted(notes: 850, posted: 850, notPosted: 0).ReceiptsNotPrinted);
    }

    [Fact]
    public async Task Without_paper_a_citizen_who_wants_a_printed_receipt_is_not_asked_for_cash()
    {
        await using var rig = await EngineRig.StartAsync();
        rig.Receipts.CanPrint = false;
        var citizen = new ScriptedCitizen(rig) { AcceptsReceiptReference = false }.Inserts(500);

        var outcome = await rig.RunAsync(citizen);

        Assert.True(citizen.AskedAboutReceipt);
        Assert.Equal((SessionState.Cancelled, "no-receipt"), (outcome.State, outcome.Outcome));
        Assert.Contains("printer", citizen.Shown("no-receipt").Text, StringComparison.Ordinal);
        AssertNoCashTaken(rig, outcome);
        Assert.True(rig.Service.InService);
    }

    [Theory]
    [InlineData(PrinterBehaviour.RunsOutMidway, "paper ran out")]
    [InlineData(PrinterBehaviour.Throws, "printer link lost")]
    public async Task A_receipt_that_fails_part_way_leaves_the_payment_complete_and_the_receipt_reprintable(PrinterBehaviour behaviour, string error)
    {
        await using var rig = await EngineRig.StartAsync();
        rig.Receipts.Behaviour = behaviour;

        var outcome = await rig.RunAsync(rig.Citizen().Inserts(500, 200, 100, 50));

        Assert.Equal((SessionState.Completed, "paid"), (outcome.State, outcome.Outcome));
        var tx = rig.Settled(outcome, TransactionKind.Full, posted: 850, credited: 850, excess: 0, PaymentStatus.Posted);
        Assert.False(outcome.Receipt!.Printed);
        Assert.False(rig.Journal.Receipt(tx.ReceiptNo)!.Value.Printed);
        Assert.Contains(error, rig.PrintError(tx.ReceiptNo), StringComparison.Ordinal);
        Assert.Equal(tx.TxId, rig.Journal.LastTransaction()!.TxId);
        Assert.Equal(1, rig.AssertCounted(notes: 850, posted: 850, notPosted: 0).ReceiptsNotPrinted);
    }

    /// <summary>No cash-in was opened: the validator was never enabled and nothing was escrowed, credited or posted.</summary>
    internal static void AssertNoCashTaken(EngineRig rig, SessionOutcome outcome)
    {
        Assert.Null(outcome.Transaction);
        Assert.Null(rig.Journal.FindSession(outcome.SessionId)!.TransactionId);
        Assert.Equal(outcome.State, rig.Journal.FindSession(outcome.SessionId)!.State);
        Assert.DoesNotContain("STATE_CASHIN", rig.Events(outcome.SessionId));
        Assert.Empty(rig.Journal.NotesOf(outcome.SessionId));
        Assert.DoesNotContain(rig.Sim.Status.PendingEvents, e => e.Contains("READ", StringComparison.Ordinal));
        Assert.Equal(0, rig.Sim.Status.NotesInCashbox);
        Assert.Empty(rig.Backend.Posts);
        Assert.Empty(rig.Receipts.Sent);
        Assert.Equal(0, rig.Journal.XReport().Transactions);
    }
}
