using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.CashAcceptors.Id003;
using SevaKiosk.Hal.Devices;
using SevaKiosk.Hal.Tests.Support;
using SevaKiosk.Simulator.Devices.Validators.Id003;

namespace SevaKiosk.Hal.Tests.CashAcceptors.Id003;

/// <summary>The line misbehaving: silence, an echoing adapter, refused commands, garbled frames.</summary>
[Collection(VirtualTimeCollection.Name)]
public class Id003LinkTests
{
    [Fact]
    public async Task An_adapter_that_echoes_our_bytes_is_recognised_and_does_not_confuse_the_driver()
    {
        var device = Id003Rig.DeviceOptions;
        await using var rig = await Id003Rig.StartAsync(device, start: false);
        rig.Sim.SetEcho(true);
        await rig.StartDriverAsync();

        Assert.True(rig.Driver.AdapterEchoes);
        var tx = await rig.BeginAsync();
        await rig.InsertAsync(100);
        await rig.Events.WaitForAsync<NoteCredited>();
        await rig.InsertAsync(50);
        await rig.Events.WaitForCountAsync<NoteCredited>(2);
        var result = await tx.EndAsync(CancellationToken.None);

        // Idle polls: an echoed STATUS REQUEST reads as ENABLE, so only the real reply may count.
        await Eventually.Holds(() => rig.Sim.Snapshot().Inhibited, "inhibited after the transaction");
        Assert.Equal(Money.Inr(150), result.Total);
        Assert.True(rig.Driver.LinkStatistics.EchoesSkipped > 20);
        Assert.Equal(DeviceState.Online, rig.Driver.State);
        Assert.Equal(2, rig.Sim.Snapshot().StackedCount);
    }

    [Fact]
    public async Task With_echo_set_present_a_silent_unit_behind_an_echoing_adapter_is_offline_not_idle()
    {
        await using var rig = await Id003Rig.StartAsync(driver: new Id003Options { Echo = Id003EchoMode.Present }, start: false);
        rig.Sim.SetEcho(true);
        await rig.StartDriverAsync();

        // Unit off, adapter still powered: every STATUS REQUEST comes back, and it looks exactly like ENABLE.
        rig.Sim.PowerOff();
        await Eventually.Holds(() => rig.Driver.State == DeviceState.Offline, "offline");

        Assert.Contains(rig.Driver.ActiveFaults, f => f.Code == "validator.offline");
    }

    [Fact]
    public async Task Commands_the_unit_refuses_are_counted_and_the_note_is_followed_by_its_status()
    {
        // The unit gives up on a held note after 500 ms: the driver's next HOLD and its STACK are refused.
        await using var rig = await Id003Rig.StartAsync(Id003Rig.DeviceOptions with { HoldTimeout = TimeSpan.FromMilliseconds(500) });
        await rig.BeginAsync(new ScriptedHandler(async (_, ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(3), rig.Clock, ct);
            return EscrowDecision.Accept;
        }));

        await rig.InsertAsync(200);
        var returned = await rig.Events.WaitForAsync<NoteReturned>();

        Assert.Equal(Money.Inr(200), returned.Note.Value);
        Assert.Empty(rig.Events.Of<NoteCredited>());
        Assert.True(rig.Driver.LinkStatistics.InvalidCommands >= 2, $"{rig.Driver.LinkStatistics}");
        Assert.NotEmpty(rig.DeviceEventsOf("invalid-command"));
        Assert.Equal(DeviceState.Online, rig.Driver.State);
    }

    [Fact]
    public async Task Garbled_frames_both_ways_are_retried_and_every_note_is_credited_exactly_once()
    {
        await using var rig = await Id003Rig.StartAsync();
        var tx = await rig.BeginAsync(request: new CashInRequest("INR", DecisionTimeout: TimeSpan.FromMinutes(1)));
        rig.Sim.SetNoise(0.03);

        long[] notes = [500, 200, 100, 50, 20, 10, 500, 200, 100, 50];
        foreach (var value in notes)
        {
            await rig.InsertAsync(value);
            await rig.Events.WaitForAsync<NoteCredited>(c => c.Note.Value == Money.Inr(value));
        }

        rig.Sim.SetNoise(0);
        await Eventually.Holds(() => rig.Sim.Snapshot().NoteValue is null, "last note stacked");
        var stats = rig.Driver.LinkStatistics;

        Assert.Equal(notes.Length, rig.Events.Of<NoteCredited>().Count);
        Assert.Equal(notes.Sum(), rig.Sim.Snapshot().StackedTotal);
        Assert.Equal(notes.Length, rig.Sim.Snapshot().StackedCount);
        Assert.True(stats.CommunicationErrors > 0, $"{stats}");
        Assert.True(stats.CrcErrors > 0, $"{stats}");
        Assert.True(stats.GarbageBytes > 0, $"{stats}");
        Assert.True(stats.Retransmissions > 0, $"{stats}");
        Assert.False(tx.Completion.IsCompleted);
    }
}
