using SevaKiosk.Protocol.Id003;
using SevaKiosk.Simulator.Devices.Validators.Id003;

namespace SevaKiosk.Id003.Tests;

/// <summary>Power cuts with a note inside: POWER UP WITH BILL IN ACCEPTOR (returned) and IN STACKER (stacked).</summary>
public class PowerCycleTests
{
    [Fact]
    public async Task Power_cut_with_a_note_in_escrow_reports_bill_in_acceptor_and_returns_it_after_reset()
    {
        await using var host = Id003TestHost.Start();
        await host.StartUpAndEnableAsync();
        await host.InsertToEscrowAsync(500);

        Assert.Equal("POWER_UP_WITH_BILL_IN_ACCEPTOR", (string)host.Control("""{"power":"cycle"}""")["status"]!);
        Assert.Equal("FC0541A204", Convert.ToHexString((await host.StatusAsync())!.Wire));
        Assert.Equal("ACK", (await host.SendAsync(Id003Command.Reset))!.Name);
        await host.PollUntilAsync(Id003Status.DisableInhibit, TimeSpan.FromSeconds(3));

        var returned = Assert.Single(host.EventsOf("note-returned"));
        Assert.Equal((500L, "power_up"), ((long)returned["value"]!, (string)returned["cause"]!));
        Assert.Empty(host.EventsOf("note-stacked"));
    }

    [Fact]
    public async Task Power_cut_while_stacking_before_the_stacker_point_still_counts_as_bill_in_acceptor()
    {
        await using var host = Id003TestHost.Start();
        await host.StartUpAndEnableAsync();
        await host.InsertToEscrowAsync(100);
        await host.SendAsync(Id003Command.Stack2);
        host.Idle(TimeSpan.FromMilliseconds(100));

        host.Device.PowerCycle();
        Assert.Equal("POWER_UP_WITH_BILL_IN_ACCEPTOR", (await host.StatusAsync())!.Name);
    }

    [Fact]
    public async Task Power_cut_at_vend_valid_reports_bill_in_stacker_and_stacks_it_uncredited_after_reset()
    {
        await using var host = Id003TestHost.Start();
        await host.StartUpAndEnableAsync();
        await host.StackToVendValidAsync(200, Id003Command.Stack1);

        host.Device.PowerCycle();
        Assert.Equal("FC05423936", Convert.ToHexString((await host.StatusAsync())!.Wire));
        await host.SendAsync(Id003Command.Reset);
        await host.PollUntilAsync(Id003Status.DisableInhibit, TimeSpan.FromSeconds(3));

        var stacked = Assert.Single(host.EventsOf("note-stacked"));
        Assert.Equal((200L, false, "power_up"), ((long)stacked["value"]!, (bool)stacked["credited"]!, (string)stacked["cause"]!));
        Assert.Equal((1, 0), (host.Device.Snapshot().StackedCount, host.Device.Snapshot().CreditedCount));
    }

    [Theory]
    [InlineData("acceptor", "POWER_UP_WITH_BILL_IN_ACCEPTOR", "note-returned")]
    [InlineData("stacker", "POWER_UP_WITH_BILL_IN_STACKER", "note-stacked")]
    public async Task Power_cycle_can_force_a_note_into_either_position(string position, string status, string outcome)
    {
        await using var host = Id003TestHost.Start();
        await host.StartUpAndEnableAsync();

        host.Control($$"""{"power":"cycle","note":"{{position}}","value":50}""");
        Assert.Equal(status, (await host.StatusAsync())!.Name);
        await host.SendAsync(Id003Command.Reset);
        await host.PollUntilAsync(Id003Status.DisableInhibit, TimeSpan.FromSeconds(3));
        Assert.Equal(50L, (long)Assert.Single(host.EventsOf(outcome))["value"]!);
    }

    [Fact]
    public async Task Power_cut_after_a_completed_stack_is_a_plain_power_up()
    {
        await using var host = Id003TestHost.Start();
        await host.StartUpAndEnableAsync();
        await host.StackToVendValidAsync(20);
        await host.SendAsync(Id003Command.Ack);
        Assert.Equal("STACKED", (await host.StatusAsync())!.Name);

        host.Device.PowerCycle();
        Assert.Equal("POWER_UP", (await host.StatusAsync())!.Name);
        Assert.Single(host.EventsOf("note-stacked"));
    }

    [Fact]
    public async Task Powered_off_unit_answers_nothing_and_powers_up_again()
    {
        await using var host = Id003TestHost.Start();
        await host.StartUpAndEnableAsync();
        host.Control("""{"power":"off"}""");
        Assert.Null(await host.StatusAsync());
        host.Control("""{"power":"on"}""");
        Assert.Equal("POWER_UP", (await host.StatusAsync())!.Name);
        Assert.Equal(Id003SimulatorPhase.PowerUp, host.Device.Snapshot().Phase);
    }
}
