using SevaKiosk.Protocol.Ssp;
using SevaKiosk.Simulator.Devices.Validators.Ssp;

namespace SevaKiosk.Simulator.Tests.Validators.Ssp;

/// <summary>The note path as a host sees it on the wire: escrow, accept, credit point, reject, hold, timeout.</summary>
public class SspNoteFlowTests
{
    [Fact]
    public async Task Genuine_note_is_read_escrowed_accepted_by_the_next_poll_credited_once_and_stacked()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();

        var inserted = sim.Device.InsertNote(500);
        Assert.Equal(["READ(0)"], await sim.Host.PollAsync());
        sim.Advance(200);
        Assert.Equal(["READ(0)"], await sim.Host.PollAsync());
        sim.Advance(300);
        Assert.Equal(["READ(6)"], await sim.Host.PollAsync());
        Assert.Equal(["STACKING"], await sim.Host.PollAsync());
        sim.Advance(400);
        Assert.Equal(["NOTE_CREDIT(6)", "STACKING"], await sim.Host.PollAsync());
        sim.Advance(400);
        Assert.Equal(["STACKED"], await sim.Host.PollAsync());
        Assert.Empty(await sim.Host.PollAsync());

        Assert.Equal(6, inserted.Channel);
        Assert.Equal(1u, sim.Device.Status.Counters.Stacked);
        Assert.Equal(["note-escrowed", "note-accepted", "note-credited", "note-stacked"], sim.EventNames().Where(e => e.StartsWith("note-", StringComparison.Ordinal)));
        Assert.Equal(500, (long)sim.LastEvent("note-credited")["value"]!);
    }

    [Fact]
    public async Task Events_that_happen_between_polls_come_together_oldest_first()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();
        await sim.NoteInEscrowAsync(100);
        Assert.Equal(["STACKING"], await sim.Host.PollAsync());

        sim.Advance(2000);
        sim.Device.SetCashbox(CashboxAction.Replaced);

        Assert.Equal(["NOTE_CREDIT(4)", "STACKED", "CASHBOX_REMOVED", "CASHBOX_REPLACED"], await sim.Host.PollAsync());
    }

    [Fact]
    public async Task Host_reject_returns_the_note_with_reject_code_08()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();
        await sim.NoteInEscrowAsync(200);

        Assert.True((await sim.Host.SendAsync(SspCommand.Reject)).IsOk);
        Assert.Equal(["REJECTING"], await sim.Host.PollAsync());
        sim.Advance(sim.Device.Firmware.Options.RejectingTime);
        Assert.Equal(["REJECTED"], await sim.Host.PollAsync());

        Assert.Equal([0xF0, 0x08], (await sim.Host.SendAsync(SspCommand.LastRejectCode)).Data);
        Assert.Equal(0u, sim.Device.Status.Counters.Stacked);
        Assert.Equal("REJECT_BY_HOST", (string)sim.LastEvent("note-returned")["reason"]!);
    }

    [Fact]
    public async Task Ten_seconds_without_a_command_returns_the_escrowed_note_with_code_13()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();
        await sim.NoteInEscrowAsync(100);

        sim.Advance(TimeSpan.FromSeconds(9.9));
        Assert.Equal(NotePhase.Escrow, sim.Device.Status.NotePhase);
        sim.Advance(TimeSpan.FromSeconds(0.1));

        // The timer fired on its own, with nobody polling: the note is on its way back.
        Assert.Equal(NotePhase.Rejecting, sim.Device.Status.NotePhase);
        sim.Advance(sim.Device.Firmware.Options.RejectingTime);
        Assert.Equal(["REJECTED"], await sim.Host.PollAsync());
        Assert.Equal([0xF0, 0x13], (await sim.Host.SendAsync(SspCommand.LastRejectCode)).Data);
        Assert.Contains("note-returned", sim.EventNames());
    }

    [Fact]
    public async Task Hold_every_five_seconds_keeps_the_note_for_as_long_as_the_host_needs_then_a_poll_accepts()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();
        var channel = await sim.NoteInEscrowAsync(500);

        for (var i = 0; i < 6; i++)
        {
            sim.Advance(TimeSpan.FromSeconds(5));
            Assert.True((await sim.Host.SendAsync(SspCommand.Hold)).IsOk);
        }

        Assert.Equal(NotePhase.Escrow, sim.Device.Status.NotePhase);
        Assert.Equal(["STACKING"], await sim.Host.PollAsync());
        sim.Advance(1000);
        Assert.Equal([$"NOTE_CREDIT({channel})", "STACKED"], await sim.Host.PollAsync());
    }

    [Fact]
    public async Task Any_non_poll_command_also_restarts_the_escrow_timer()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();
        await sim.NoteInEscrowAsync(50);

        sim.Advance(TimeSpan.FromSeconds(8));
        await sim.Host.SendAsync(SspCommand.GetSerialNumber);
        sim.Advance(TimeSpan.FromSeconds(8));

        Assert.Equal(NotePhase.Escrow, sim.Device.Status.NotePhase);
    }

    [Fact]
    public async Task Note_on_an_inhibited_channel_is_rejected_with_code_06()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();
        await sim.Host.SendAsync(SspCommands.SetInhibits([1, 2, 3, 4, 5]));

        sim.Device.InsertNote(500);
        sim.Advance(500);
        Assert.Equal(["REJECTING"], await sim.Host.PollAsync());
        sim.Advance(500);
        Assert.Equal(["REJECTED"], await sim.Host.PollAsync());

        Assert.Equal([0xF0, 0x06], (await sim.Host.SendAsync(SspCommand.LastRejectCode)).Data);
        Assert.Equal("note-rejected", sim.EventNames()[^1]);
    }

    [Theory]
    [InlineData(SspRejectReason.GraphFail)]
    [InlineData(SspRejectReason.NoteTooLong)]
    [InlineData(SspRejectReason.DoubleNote)]
    [InlineData(SspRejectReason.SlowMech)]
    public async Task Note_with_a_reject_reason_is_read_then_rejected_with_that_code(SspRejectReason reason)
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();

        Assert.True(sim.Device.InsertNote(100, reason).Taken);
        Assert.Equal(["READ(0)"], await sim.Host.PollAsync());
        sim.Advance(1000);

        Assert.Equal(["REJECTED"], await sim.Host.PollAsync());
        Assert.Equal([0xF0, (byte)reason], (await sim.Host.SendAsync(SspCommand.LastRejectCode)).Data);
        Assert.Equal(1u, sim.Device.Status.Counters.Rejected);
    }

    [Fact]
    public async Task Fraud_attempt_reports_the_channel_and_gives_nothing()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();

        sim.Device.InsertFraudulentNote(200);
        sim.Advance(500);

        Assert.Equal(["FRAUD_ATTEMPT(5)"], await sim.Host.PollAsync());
        Assert.Equal(default, sim.Device.Status.Counters);
        Assert.Null(sim.Device.Status.NotePhase);
    }

    [Fact]
    public async Task Note_not_in_the_dataset_is_rejected_on_length()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();

        var result = sim.Device.InsertNote(2000);
        sim.Advance(1000);

        Assert.Equal(0, result.Channel);
        Assert.Equal(["REJECTED"], await sim.Host.PollAsync());
        Assert.Equal([0xF0, 0x01], (await sim.Host.SendAsync(SspCommand.LastRejectCode)).Data);
    }

    [Fact]
    public async Task Note_offered_to_a_disabled_unit_is_not_taken()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();
        await sim.Host.SendAsync(SspCommand.Disable);

        var result = sim.Device.InsertNote(500);

        Assert.False(result.Taken);
        Assert.Equal("disabled", result.Refusal);
        Assert.Equal(["DISABLED"], await sim.Host.PollAsync());
    }

    [Fact]
    public async Task Second_note_while_one_is_in_the_path_is_not_taken()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();
        sim.Device.InsertNote(500);

        Assert.Equal("busy with another note", sim.Device.InsertNote(100).Refusal);
    }

    [Fact]
    public async Task Disable_while_a_note_is_held_returns_it_instead_of_taking_money()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();
        await sim.NoteInEscrowAsync(500);

        await sim.Host.SendAsync(SspCommand.Disable);
        sim.Advance(500);

        Assert.Equal(["REJECTED", "DISABLED"], await sim.Host.PollAsync());
        Assert.Equal([0xF0, 0x0C], (await sim.Host.SendAsync(SspCommand.LastRejectCode)).Data);
        Assert.Equal(0u, sim.Device.Status.Counters.Stacked);
    }
}
