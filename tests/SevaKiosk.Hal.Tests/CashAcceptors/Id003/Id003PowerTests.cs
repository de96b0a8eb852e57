using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.CashAcceptors.Id003;
using SevaKiosk.Hal.Devices;
using SevaKiosk.Hal.Tests.Support;
using SevaKiosk.Simulator.Devices.Validators.Id003;

namespace SevaKiosk.Hal.Tests.CashAcceptors.Id003;

/// <summary>Power cuts and hangs: POWER UP WITH BILL IN ACCEPTOR / STACKER reconciled, credits neither lost nor repeated.</summary>
[Collection(VirtualTimeCollection.Name)]
public class Id003PowerTests
{
    /// <summary>The unit hangs 100 ms into VEND VALID while the driver waits 300 ms before its ACK: the ACK is lost
    /// after the driver has credited, the case a lost ACK on a real line produces.</summary>
    private static readonly Id003SimulatorOptions AckLost = Id003Rig.DeviceOptions with { VendValidAckTimeout = TimeSpan.FromMilliseconds(100) };

    [Fact]
    public async Task Power_cycle_with_a_note_in_the_acceptor_returns_it_with_no_credit()
    {
        await using var rig = await Id003Rig.StartAsync();
        var handler = new HoldingHandler(rig.Clock, TimeSpan.FromSeconds(5));
        await rig.BeginAsync(handler);

        await rig.InsertAsync(100);
        await handler.WaitUntilHoldingAsync();
        rig.Sim.PowerCycle();

        var cleared = await rig.Events.WaitForAsync<NoteClearedAtPowerUp>();
        await rig.Events.WaitForAsync<DeviceReset>();
        await Eventually.Holds(() => rig.DeviceEventsOf("note-returned").Count == 1 && rig.Driver.State == DeviceState.Online, "note back out, re-initialised");

        Assert.False(cleared.IntoCashbox);
        Assert.Equal(Money.Inr(100), cleared.Note!.Value);
        Assert.Equal("NOTE_CLEARED_FROM_FRONT", cleared.Kind);
        Assert.Single(rig.Events.Of<NoteClearedAtPowerUp>());
        Assert.Empty(rig.Events.Of<NoteCredited>());
        Assert.Equal(0, rig.Sim.Snapshot().StackedCount);
    }

    [Fact]
    public async Task Power_cycle_with_a_note_past_the_stacker_point_settles_it_once_as_taken()
    {
        await using var rig = await Id003Rig.StartAsync();
        rig.Sim.EventOccurred += e =>
        {
            if ((string?)e["event"] == "stacking")
            {
                rig.Sim.PowerCycle(Id003NotePosition.Stacker);
            }
        };
        var tx = await rig.BeginAsync();

        await rig.InsertAsync(200);
        var settled = await rig.Events.WaitForAsync<NoteClearedAtPowerUp>();
        await Eventually.Holds(() => rig.Sim.Snapshot().StackedCount == 1 && rig.Driver.State == DeviceState.Online, "stacked, re-initialised");

        Assert.True(settled.IntoCashbox);
        Assert.Equal(Money.Inr(200), settled.Note!.Value);
        Assert.Equal(tx.Id, settled.TransactionId);
        Assert.Single(rig.Events.Of<NoteClearedAtPowerUp>());
        Assert.Empty(rig.Events.Of<NoteCredited>());
        Assert.Single(rig.Events.Of<DeviceReset>());
        Assert.False(tx.Completion.IsCompleted);
    }

    [Fact]
    public async Task A_note_credited_whose_ack_was_lost_is_not_settled_again_after_a_power_cycle()
    {
        await using var rig = await Id003Rig.StartAsync(AckLost, new Id003Options { VendValidAckDelay = TimeSpan.FromMilliseconds(300), ResetHungUnit = false });
        await rig.BeginAsync();

        await rig.InsertAsync(500);
        var credit = await rig.Events.WaitForAsync<NoteCredited>();
        await Eventually.Holds(() => rig.Driver.State == DeviceState.Offline, "hung unit offline");
        rig.Sim.PowerCycle();
        var stacked = await rig.Events.WaitForAsync<NoteStacked>();
        await Eventually.Holds(() => rig.Driver.State == DeviceState.Online && rig.Sim.Snapshot().StackedCount == 1, "re-initialised, note stacked");

        Assert.Equal(Money.Inr(500), credit.Note.Value);
        Assert.Equal(credit.Note, stacked.Note);
        Assert.Single(rig.Events.Of<NoteCredited>());
        Assert.Empty(rig.Events.Of<NoteClearedAtPowerUp>());
        Assert.Single(rig.DeviceEventsOf("hung"));
        Assert.Equal(0, rig.Sim.Snapshot().CreditedCount);
    }

    [Fact]
    public async Task A_unit_hung_on_a_lost_ack_after_the_credit_is_reset_and_the_note_stacked_once()
    {
        await using var rig = await Id003Rig.StartAsync(AckLost, new Id003Options { VendValidAckDelay = TimeSpan.FromMilliseconds(300) });
        var tx = await rig.BeginAsync();

        await rig.InsertAsync(200);
        await rig.Events.WaitForAsync<NoteCredited>();
        var stacked = await rig.Events.WaitForAsync<NoteStacked>();
        await rig.Events.WaitForAsync<DeviceReset>();
        await Eventually.Holds(() => rig.Driver.State == DeviceState.Online && rig.Sim.Snapshot().StackedCount == 1, "reset, note stacked");

        Assert.Equal(Money.Inr(200), stacked.Note!.Value);
        Assert.Single(rig.Events.Of<NoteCredited>());
        Assert.Equal("reset_after_hang", (string)rig.DeviceEventsOf("note-stacked").Single()["cause"]!);
        Assert.Equal(CashInOutcome.Faulted, (await tx.Completion).Outcome);
    }

    [Fact]
    public async Task A_unit_hung_on_a_vend_valid_the_driver_never_saw_is_left_alone_until_its_power_up_report_settles_the_note()
    {
        await using var rig = await Id003Rig.StartAsync();
        rig.Sim.EventOccurred += e =>
        {
            if ((string?)e["event"] == "vend-valid")
            {
                rig.Sim.Silence();
            }
        };
        await rig.BeginAsync();

        await rig.InsertAsync(500);
        await Eventually.Holds(() => rig.Driver.State == DeviceState.Offline, "offline");
        await Eventually.Holds(() => rig.Sim.Snapshot().Phase == Id003SimulatorPhase.Hung, "unit hung on VEND VALID");
        rig.Sim.Silence(false);
        var hungAt = rig.Clock.Elapsed;
        await Eventually.Holds(() => rig.Clock.Elapsed - hungAt > TimeSpan.FromSeconds(10), "ten seconds of reconnect attempts");

        // A RESET would stack or return the note without saying which: the driver does not send one.
        Assert.Empty(rig.DeviceEventsOf("reset").Skip(1));
        Assert.Equal(DeviceState.Offline, rig.Driver.State);

        rig.Sim.PowerCycle();
        var settled = await rig.Events.WaitForAsync<NoteClearedAtPowerUp>();
        await Eventually.Holds(() => rig.Driver.State == DeviceState.Online, "back online");

        Assert.True(settled.IntoCashbox);
        Assert.Equal(Money.Inr(500), settled.Note!.Value);
        Assert.Empty(rig.Events.Of<NoteCredited>());
    }

    [Fact]
    public async Task A_power_cut_with_nothing_in_the_path_re_initialises_and_the_transaction_goes_on()
    {
        await using var rig = await Id003Rig.StartAsync();
        var tx = await rig.BeginAsync();

        rig.Sim.PowerCycle();
        await rig.Events.WaitForAsync<DeviceReset>();
        await rig.InsertAsync(100);
        await rig.Events.WaitForAsync<NoteCredited>();

        Assert.Equal(2, rig.DeviceEventsOf("reset").Count);
        Assert.Empty(rig.Events.Of<NoteClearedAtPowerUp>());
        Assert.False(tx.Completion.IsCompleted);
        Assert.Equal(Money.Inr(100), tx.Credited);
    }
}
