using SevaKiosk.Protocol.Ssp;
using SevaKiosk.Simulator.Devices.Validators.Ssp;

namespace SevaKiosk.Simulator.Tests.Validators.Ssp;

/// <summary>Power cuts with a note in the path, jams, the cash box and POLL WITH ACK: where money gets lost or doubled.</summary>
public class SspPowerAndFaultTests
{
    [Fact]
    public async Task Power_cycle_with_a_note_in_escrow_clears_it_from_the_front_with_no_credit()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();
        await sim.NoteInEscrowAsync(500);

        var cleared = sim.Device.PowerCycle();
        var events = await PollAfterBootAsync(sim);

        Assert.Equal(new ClearedNote(NoteDestination.Front, 6, 500, CreditDelivered: false), cleared);
        Assert.Equal(["SLAVE_RESET", "NOTE_CLEARED_FROM_FRONT(6)", "DISABLED"], events);
        Assert.Equal(0u, sim.Device.Status.Counters.Stacked);
    }

    [Fact]
    public async Task Power_cycle_while_reading_clears_from_the_front_with_channel_0()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();
        sim.Device.InsertNote(100);

        sim.Device.PowerCycle();

        Assert.Equal(["SLAVE_RESET", "NOTE_CLEARED_FROM_FRONT(0)", "DISABLED"], await PollAfterBootAsync(sim));
    }

    [Fact]
    public async Task Power_cycle_while_stacking_before_the_credit_point_clears_into_the_cashbox_for_the_host_to_reconcile()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();
        await sim.NoteInEscrowAsync(200);
        Assert.Equal(["STACKING"], await sim.Host.PollAsync());

        var cleared = sim.Device.PowerCycle();

        Assert.Equal(new ClearedNote(NoteDestination.Cashbox, 5, 200, CreditDelivered: false), cleared);
        Assert.Equal(["SLAVE_RESET", "NOTE_CLEARED_INTO_CASHBOX(5)", "DISABLED"], await PollAfterBootAsync(sim));
        Assert.Equal(1u, sim.Device.Status.Counters.Stacked);
        Assert.Equal("cashbox", (string)sim.LastEvent("power-cycle")["noteCleared"]!["to"]!);
    }

    [Fact]
    public async Task Power_cycle_after_the_credit_went_out_still_reports_the_cashbox_and_says_the_credit_was_delivered()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();
        await sim.NoteInEscrowAsync(200);
        await sim.Host.PollAsync();
        sim.Advance(400);
        Assert.Equal(["NOTE_CREDIT(5)", "STACKING"], await sim.Host.PollAsync());

        var cleared = sim.Device.PowerCycle();

        Assert.True(cleared!.CreditDelivered);
        Assert.Equal(["SLAVE_RESET", "NOTE_CLEARED_INTO_CASHBOX(5)", "DISABLED"], await PollAfterBootAsync(sim));
        Assert.Equal(1u, sim.Device.Status.Counters.Stacked);
    }

    [Fact]
    public async Task A_queued_credit_that_never_went_out_is_lost_at_power_cycle_and_replaced_by_the_cashbox_event()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();
        await sim.NoteInEscrowAsync(100);
        await sim.Host.PollAsync();
        sim.Advance(500);

        var cleared = sim.Device.PowerCycle();

        Assert.False(cleared!.CreditDelivered);
        Assert.DoesNotContain("NOTE_CREDIT(4)", await PollAfterBootAsync(sim));
    }

    [Theory]
    [InlineData(NoteDestination.Cashbox, "NOTE_CLEARED_INTO_CASHBOX(3)", 1u)]
    [InlineData(NoteDestination.Front, "NOTE_CLEARED_FROM_FRONT(3)", 0u)]
    public async Task Power_cycle_can_force_where_an_escrowed_note_goes(NoteDestination to, string expected, uint stacked)
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();
        await sim.NoteInEscrowAsync(50);

        sim.Device.PowerCycle(to);

        Assert.Equal(["SLAVE_RESET", expected, "DISABLED"], await PollAfterBootAsync(sim));
        Assert.Equal(stacked, sim.Device.Status.Counters.Stacked);
    }

    [Fact]
    public async Task Forcing_a_destination_with_an_empty_path_is_refused_and_nothing_reboots()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();

        Assert.Throws<InvalidOperationException>(() => sim.Device.PowerCycle(NoteDestination.Cashbox));

        Assert.False(sim.Device.Status.Booting);
        Assert.Empty(await sim.Host.PollAsync());
    }

    [Fact]
    public async Task Counters_survive_a_power_cycle_while_protocol_encryption_and_inhibits_do_not()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();
        await NoteFlow.StackAsync(sim, 500);
        await sim.Host.NegotiateKeyAsync();

        sim.Device.PowerCycle();
        sim.Advance(sim.Device.Firmware.Options.BootTime);

        var status = sim.Device.Status;
        Assert.Equal(1u, status.Counters.Stacked);
        Assert.False(status.KeyNegotiated);
        Assert.Equal(6, status.ProtocolVersion);
        Assert.Empty(status.EnabledChannels);
    }

    [Theory]
    [InlineData(JamKind.Safe, "SAFE_NOTE_JAM")]
    [InlineData(JamKind.Unsafe, "UNSAFE_NOTE_JAM")]
    public async Task Jam_is_reported_on_every_poll_and_blocks_notes_until_cleared(JamKind kind, string wire)
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();
        await sim.NoteInEscrowAsync(100);

        sim.Device.Jam(kind);
        Assert.Equal([wire], await sim.Host.PollAsync());
        sim.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal([wire], await sim.Host.PollAsync());
        Assert.Equal(NotePhase.Escrow, sim.Device.Status.NotePhase);

        var cleared = sim.Device.ClearJam();

        Assert.Equal(NoteDestination.Front, cleared!.Destination);
        Assert.Equal(["NOTE_CLEARED_FROM_FRONT(4)"], await sim.Host.PollAsync());
        Assert.True(sim.Device.InsertNote(100).Taken);
    }

    [Fact]
    public async Task Note_jammed_while_stacking_is_cleared_into_the_cashbox()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();
        await sim.NoteInEscrowAsync(500);
        await sim.Host.PollAsync();

        sim.Device.Jam(JamKind.Safe);
        Assert.Equal("jammed", sim.Device.InsertNote(10).Refusal);
        sim.Device.ClearJam();

        Assert.Equal(["NOTE_CLEARED_INTO_CASHBOX(6)"], await sim.Host.PollAsync());
        Assert.Equal(1u, sim.Device.Status.Counters.Stacked);
        Assert.Throws<InvalidOperationException>(() => sim.Device.ClearJam());
    }

    [Fact]
    public async Task Cashbox_removed_is_reported_while_it_is_out_and_replaced_once()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();

        sim.Device.SetCashbox(CashboxAction.Removed);
        Assert.Equal(["CASHBOX_REMOVED"], await sim.Host.PollAsync());
        Assert.Equal(["CASHBOX_REMOVED"], await sim.Host.PollAsync());
        Assert.Equal("cash box removed", sim.Device.InsertNote(100).Refusal);

        sim.Device.SetCashbox(CashboxAction.Replaced);
        Assert.Equal(["CASHBOX_REPLACED"], await sim.Host.PollAsync());
        Assert.Empty(await sim.Host.PollAsync());
    }

    [Fact]
    public async Task Full_stacker_is_reported_until_the_box_is_emptied()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync(new SspValidatorOptions { CashboxCapacity = 2 });
        await NoteFlow.StackAsync(sim, 100);
        await NoteFlow.StackAsync(sim, 100);

        Assert.Equal(["STACKER_FULL"], await sim.Host.PollAsync());
        Assert.Equal("stacker full", sim.Device.InsertNote(100).Refusal);

        sim.Device.SetCashbox(CashboxAction.Replaced);
        Assert.Equal(["CASHBOX_REMOVED", "CASHBOX_REPLACED"], await sim.Host.PollAsync());
        sim.Device.SetCashbox(CashboxAction.Full);
        Assert.Equal(["STACKER_FULL"], await sim.Host.PollAsync());
    }

    [Fact]
    public async Task Poll_with_ack_repeats_the_credit_until_event_ack_and_takes_no_note_meanwhile()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();
        await sim.NoteInEscrowAsync(500);
        Assert.Equal(["STACKING"], await sim.Host.PollAsync(withAck: true));
        sim.Advance(400);

        Assert.Equal(["NOTE_CREDIT(6)", "STACKING"], await sim.Host.PollAsync(withAck: true));
        sim.Advance(400);
        Assert.Equal(["NOTE_CREDIT(6)", "STACKED"], await sim.Host.PollAsync(withAck: true));
        Assert.Equal(["NOTE_CREDIT(6)"], await sim.Host.PollAsync(withAck: true));
        Assert.Equal("waiting for EVENT ACK", sim.Device.InsertNote(100).Refusal);

        Assert.True((await sim.Host.SendAsync(SspCommand.EventAck)).IsOk);
        Assert.Empty(await sim.Host.PollAsync(withAck: true));
        var nothingToAck = await sim.Host.SendAsync(SspCommand.EventAck);
        Assert.Equal((byte)SspGenericResponse.CommandCannotBeProcessed, nothingToAck.Generic);
        Assert.True(sim.Device.InsertNote(100).Taken);
    }

    [Fact]
    public async Task Poll_with_ack_holds_a_second_acked_event_back_until_the_first_is_acknowledged()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();
        await sim.NoteInEscrowAsync(500);
        await sim.Host.PollAsync(withAck: true);
        sim.Advance(400);
        Assert.Equal(["NOTE_CREDIT(6)", "STACKING"], await sim.Host.PollAsync(withAck: true));

        // The credited note is pulled back out of a jam: a second event that needs an ACK, queued behind the first.
        sim.Device.Jam(JamKind.Unsafe);
        sim.Device.ClearJam(NoteDestination.Front);

        Assert.Equal(["NOTE_CREDIT(6)"], await sim.Host.PollAsync(withAck: true));
        await sim.Host.SendAsync(SspCommand.EventAck);
        Assert.Equal(["NOTE_CLEARED_FROM_FRONT(6)"], await sim.Host.PollAsync(withAck: true));
        await sim.Host.SendAsync(SspCommand.EventAck);
        Assert.Empty(await sim.Host.PollAsync(withAck: true));
    }

    private static async Task<string[]> PollAfterBootAsync(SspSimulatorHarness sim)
    {
        Assert.True(sim.Device.Status.Booting);
        sim.Advance(sim.Device.Firmware.Options.BootTime);
        await sim.Host.SyncAsync();
        return await sim.Host.PollAsync();
    }
}
