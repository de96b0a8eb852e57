using SevaKiosk.Protocol.Id003;
using SevaKiosk.Simulator.Devices.Validators.Id003;

namespace SevaKiosk.Id003.Tests;

/// <summary>Jams, cash box, failures, fraud and pause as the host sees them, and what happens to a note caught in them.</summary>
public class FaultTests
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task Jam_in_acceptor_during_escrow_blocks_commands_and_clearing_it_gives_the_note_back()
    {
        await using var host = Id003TestHost.Start();
        await host.StartUpAndEnableAsync();
        await host.InsertToEscrowAsync(500);

        Assert.True((bool)host.Control("""{"jam":"acceptor"}""")["ok"]!);
        Assert.Equal("FC05458642", Convert.ToHexString((await host.StatusAsync())!.Wire));
        Assert.Equal("INVALID_COMMAND", (await host.SendAsync(Id003Command.Stack2))!.Name);

        // The jam outlasts any escrow timeout: the unit does not move the note on its own.
        host.Idle(TimeSpan.FromSeconds(30));
        Assert.Equal("JAM_IN_ACCEPTOR", (await host.StatusAsync())!.Name);

        host.Control("""{"jam":"clear"}""");
        Assert.Equal("ENABLE_IDLING", (await host.StatusAsync())!.Name);
        var returned = Assert.Single(host.EventsOf("note-returned"));
        Assert.Equal((500L, "jam_cleared"), ((long)returned["value"]!, (string)returned["cause"]!));
        Assert.Empty(host.EventsOf("note-stacked"));
    }

    [Fact]
    public async Task Jam_in_stacker_past_the_point_of_no_return_ends_in_the_cash_box_without_credit()
    {
        await using var host = Id003TestHost.Start();
        await host.StartUpAndEnableAsync();
        await host.InsertToEscrowAsync(200);
        await host.SendAsync(Id003Command.Stack2);
        host.Idle(TimeSpan.FromMilliseconds(600));
        Assert.Equal("STACKING", (await host.StatusAsync())!.Name);

        host.Device.Jam(Id003JamLocation.Stacker);
        Assert.Equal("JAM_IN_STACKER", (await host.StatusAsync())!.Name);
        host.Device.ClearJam();

        var stacked = Assert.Single(host.EventsOf("note-stacked"));
        Assert.Equal((200L, false, "jam_cleared"), ((long)stacked["value"]!, (bool)stacked["credited"]!, (string)stacked["cause"]!));
        Assert.Equal("ENABLE_IDLING", (await host.StatusAsync())!.Name);
    }

    [Fact]
    public async Task Cash_box_removed_reports_stacker_open_and_a_new_box_resumes()
    {
        await using var host = Id003TestHost.Start();
        await host.StartUpAndEnableAsync();

        host.Control("""{"cashbox":"removed"}""");
        Assert.Equal("FC05440F53", Convert.ToHexString((await host.StatusAsync())!.Wire));
        Assert.False((bool)host.Control("""{"insert":100}""")["taken"]!);

        host.Control("""{"cashbox":"replaced"}""");
        Assert.Equal("ENABLE_IDLING", (await host.StatusAsync())!.Name);
        Assert.Equal(["removed", "replaced"], host.EventsOf("cashbox").Select(e => (string)e["state"]!));
    }

    [Fact]
    public async Task Stacker_full_by_command_or_by_capacity_refuses_notes_until_the_box_is_replaced()
    {
        await using var host = Id003TestHost.Start(Id003TestHost.TestOptions with { StackerCapacity = 2 });
        await host.StartUpAndEnableAsync();

        for (var i = 0; i < 2; i++)
        {
            await host.StackToVendValidAsync(100);
            await host.SendAsync(Id003Command.Ack);
            await host.PollUntilAsync(r => r.Code != (byte)Id003Status.Stacked, TimeSpan.FromSeconds(2));
        }

        Assert.Equal("FC0543B027", Convert.ToHexString((await host.StatusAsync())!.Wire));
        Assert.False(host.Device.InsertNote(100).Taken);
        Assert.Single(host.EventsOf("stacker-full"));

        host.Control("""{"cashbox":"replaced"}""");
        Assert.Equal("ENABLE_IDLING", (await host.StatusAsync())!.Name);
        Assert.Equal(0, host.Device.Snapshot().StackedCount);

        host.Control("""{"cashbox":"full"}""");
        Assert.Equal("STACKER_FULL", (await host.StatusAsync())!.Name);
    }

    [Fact]
    public async Task Failure_code_is_reported_survives_reset_and_clears_on_repair()
    {
        await using var host = Id003TestHost.Start();
        await host.StartUpAndEnableAsync();

        var reply = host.Control("""{"failure":"A2"}""");
        Assert.Equal("STACK_MOTOR", (string)reply["failure"]!);
        var status = (await host.StatusAsync())!;
        Assert.Equal("FC0649A2A021", Convert.ToHexString(status.Wire));
        Assert.Equal("FAILURE(STACK_MOTOR)", status.ToString());

        await host.SendAsync(Id003Command.Reset);
        host.Idle(TimeSpan.FromSeconds(2));
        Assert.Equal("FAILURE(STACK_MOTOR)", (await host.StatusAsync())!.ToString());

        host.Control("""{"failure":"clear"}""");
        Assert.Equal("DISABLE_INHIBIT", (await host.StatusAsync())!.Name);
    }

    [Fact]
    public async Task Fraud_attempt_reports_cheated_and_never_reaches_escrow()
    {
        await using var host = Id003TestHost.Start();
        await host.StartUpAndEnableAsync();

        var reply = host.Control("""{"insert":500,"reject":"fraud"}""");
        Assert.Equal("fraud-attempt", (string)reply["outcome"]!);
        var seen = await host.PollUntilAsync(Id003Status.EnableIdling, TimeSpan.FromSeconds(5), Poll);
        Assert.Equal(["ACCEPTING", "CHEATED", "ENABLE_IDLING"], seen);
        Assert.Single(host.EventsOf("fraud-attempt"));
        Assert.Empty(host.EventsOf("note-escrowed"));
        Assert.Equal(0, host.Device.Snapshot().CreditedCount);
    }

    [Fact]
    public async Task Pause_is_reported_while_set()
    {
        await using var host = Id003TestHost.Start();
        await host.StartUpAndEnableAsync();
        host.Control("""{"pause":true}""");
        Assert.Equal("FC05479461", Convert.ToHexString((await host.StatusAsync())!.Wire));
        Assert.Equal("PAUSE", (await host.StatusAsync())!.Name);
        host.Control("""{"pause":false}""");
        Assert.Equal("ENABLE_IDLING", (await host.StatusAsync())!.Name);
    }
}
