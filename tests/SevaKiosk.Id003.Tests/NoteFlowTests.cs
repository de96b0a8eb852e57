using SevaKiosk.Protocol.Id003;
using SevaKiosk.Simulator.Devices.Validators.Id003;

namespace SevaKiosk.Id003.Tests;

/// <summary>Notes through the simulated acceptor: stack, return, hold, escrow timeouts, rejects, disabled notes.</summary>
public class NoteFlowTests
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    [Theory]
    [InlineData(Id003Command.Stack1)]
    [InlineData(Id003Command.Stack2)]
    public async Task Happy_path_credits_once_at_vend_valid_after_the_host_ack(Id003Command stack)
    {
        await using var host = Id003TestHost.Start();
        await host.StartUpAndEnableAsync();

        host.Device.InsertNote(500);
        var seen = await host.PollUntilAsync(Id003Status.Escrow, TimeSpan.FromSeconds(3));
        Assert.Equal(["ACCEPTING", "ESCROW(0x66)"], seen);
        var escrow = (await host.StatusAsync())!;
        var slot = Id003CurrencyAssignment.Parse((await host.SendAsync(Id003Command.CurrencyAssignRequest))!.Data)
            .Single(d => d.EscrowCode == Id003Escrow.Parse(escrow.Data).EscrowCode);
        Assert.Equal(500, slot.Value);

        Assert.Equal("ACK", (await host.SendAsync(stack))!.Name);
        seen = await host.PollUntilAsync(Id003Status.VendValid, TimeSpan.FromSeconds(3));
        Assert.Equal(["STACKING", "VEND_VALID"], seen);
        Assert.Equal(0, host.Device.Snapshot().CreditedCount);

        // Until the host's ACK the unit keeps reporting VEND VALID; the ACK itself gets no reply.
        Assert.Equal("VEND_VALID", (await host.StatusAsync())!.Name);
        Assert.Null(await host.SendAsync(Id003Command.Ack));

        seen = await host.PollUntilAsync(Id003Status.EnableIdling, TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(100));
        Assert.Equal(["STACKED", "ENABLE_IDLING"], seen);
        var stacked = Assert.Single(host.EventsOf("note-stacked"));
        Assert.Equal((500L, true, "INR"), ((long)stacked["value"]!, (bool)stacked["credited"]!, (string)stacked["currency"]!));
        Assert.Equal("0x66", (string)Assert.Single(host.EventsOf("note-credited"))["escrowCode"]!);
        Assert.Equal(Id003Names.Command((byte)stack), (string)host.EventsOf("stacking").Single()["command"]!);
        var snapshot = host.Device.Snapshot();
        Assert.Equal((1, 500L, 1), (snapshot.StackedCount, snapshot.StackedTotal, snapshot.CreditedCount));
    }

    [Fact]
    public async Task Vend_valid_left_without_ack_hangs_the_unit_until_reset_and_the_note_is_stacked_uncredited()
    {
        await using var host = Id003TestHost.Start();
        await host.StartUpAndEnableAsync();
        await host.StackToVendValidAsync(100);

        // Keep polling without ACK: VEND VALID until the (configurable) deadline, then silence.
        for (var t = 0; t < 12; t++)
        {
            Assert.Equal("VEND_VALID", (await host.StatusAsync())!.Name);
            host.Idle(Poll);
        }

        host.Idle(TimeSpan.FromSeconds(1));
        Assert.Null(await host.StatusAsync());
        Assert.Single(host.EventsOf("hung"));
        Assert.Equal(Id003SimulatorPhase.Hung, host.Device.Snapshot().Phase);

        // RESET is the only thing it answers; the note past the stacker point ends in the cash box, not credited.
        Assert.Equal("ACK", (await host.SendAsync(Id003Command.Reset))!.Name);
        await host.PollUntilAsync(Id003Status.DisableInhibit, TimeSpan.FromSeconds(3));
        var stacked = Assert.Single(host.EventsOf("note-stacked"));
        Assert.False((bool)stacked["credited"]!);
        Assert.Equal("reset_after_hang", (string)stacked["cause"]!);
        Assert.Empty(host.EventsOf("note-credited"));
        Assert.Equal((1, 0), (host.Device.Snapshot().StackedCount, host.Device.Snapshot().CreditedCount));
    }

    [Fact]
    public async Task Vend_valid_waits_forever_when_the_hang_is_configured_off()
    {
        await using var host = Id003TestHost.Start(Id003TestHost.TestOptions with { VendValidAckTimeout = null });
        await host.StartUpAndEnableAsync();
        await host.StackToVendValidAsync(100);
        host.Idle(TimeSpan.FromMinutes(5));
        Assert.Equal("VEND_VALID", (await host.StatusAsync())!.Name);
        Assert.Empty(host.EventsOf("hung"));
    }

    [Fact]
    public async Task Return_gives_the_note_back_without_credit()
    {
        await using var host = Id003TestHost.Start();
        await host.StartUpAndEnableAsync();
        await host.InsertToEscrowAsync(200);

        Assert.Equal("ACK", (await host.SendAsync(Id003Command.Return))!.Name);
        var seen = await host.PollUntilAsync(Id003Status.EnableIdling, TimeSpan.FromSeconds(3), Poll);
        Assert.Equal(["RETURNING", "ENABLE_IDLING"], seen);
        var returned = Assert.Single(host.EventsOf("note-returned"));
        Assert.Equal((200L, "host"), ((long)returned["value"]!, (string)returned["cause"]!));
        Assert.Empty(host.EventsOf("note-stacked"));
    }

    [Fact]
    public async Task Hold_extends_escrow_past_the_escrow_timeout_while_it_is_renewed()
    {
        await using var host = Id003TestHost.Start();
        await host.StartUpAndEnableAsync();
        await host.InsertToEscrowAsync(100);

        // Re-HOLD every 5 s for 25 s: far beyond the 10 s escrow timeout.
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("ACK", (await host.SendAsync(Id003Command.Hold))!.Name);
            for (var t = 0; t < 25; t++)
            {
                Assert.Equal("HOLDING", (await host.StatusAsync())!.Name);
                host.Idle(Poll);
            }
        }

        Assert.Equal("ACK", (await host.SendAsync(Id003Command.Stack2))!.Name);
        await host.PollUntilAsync(Id003Status.VendValid, TimeSpan.FromSeconds(3));
        Assert.Null(await host.SendAsync(Id003Command.Ack));
        await host.PollUntilAsync(Id003Status.EnableIdling, TimeSpan.FromSeconds(2));
        Assert.True((bool)Assert.Single(host.EventsOf("note-stacked"))["credited"]!);
        Assert.Equal(5, host.EventsOf("hold").Length);
    }

    [Fact]
    public async Task Hold_not_renewed_ends_like_an_escrow_timeout()
    {
        await using var host = Id003TestHost.Start();
        await host.StartUpAndEnableAsync();
        await host.InsertToEscrowAsync(100);
        await host.SendAsync(Id003Command.Hold);
        var seen = await host.PollUntilAsync(r => r.Code == (byte)Id003Status.Rejecting, TimeSpan.FromSeconds(11), Poll);
        Assert.Equal(["HOLDING", "REJECTING(INHIBITED)"], seen);
    }

    [Theory]
    [InlineData(Id003EscrowTimeoutAction.RejectInhibited, "REJECTING(INHIBITED)", "note-rejected")]
    [InlineData(Id003EscrowTimeoutAction.Return, "RETURNING", "note-returned")]
    public async Task Escrow_left_undecided_while_polled_times_out_after_about_ten_seconds(
        Id003EscrowTimeoutAction action, string expectedStatus, string expectedEvent)
    {
        await using var host = Id003TestHost.Start(Id003TestHost.TestOptions with { EscrowTimeoutAction = action });
        await host.StartUpAndEnableAsync();
        await host.InsertToEscrowAsync(50);
        var escrowAt = host.Time.GetUtcNow();

        var seen = await host.PollUntilAsync(r => r.Code != (byte)Id003Status.Escrow, TimeSpan.FromSeconds(12), Poll);
        Assert.Equal(expectedStatus, seen[^1]);
        var elapsed = host.Time.GetUtcNow() - escrowAt;
        Assert.InRange(elapsed.TotalSeconds, 9.9, 10.5);

        await host.PollUntilAsync(Id003Status.EnableIdling, TimeSpan.FromSeconds(2), Poll);
        Assert.Single(host.EventsOf(expectedEvent));
        Assert.True((bool)Assert.Single(host.EventsOf("escrow-timeout"))["polled"]!);
        Assert.Empty(host.EventsOf("note-stacked"));
    }

    [Fact]
    public async Task Escrow_without_any_poll_is_returned_after_about_three_seconds()
    {
        await using var host = Id003TestHost.Start();
        await host.StartUpAndEnableAsync();
        await host.InsertToEscrowAsync(500);

        host.Idle(TimeSpan.FromSeconds(2.9));
        Assert.Empty(host.EventsOf("escrow-timeout"));
        host.Idle(TimeSpan.FromSeconds(0.2));
        var timeout = Assert.Single(host.EventsOf("escrow-timeout"));
        Assert.False((bool)timeout["polled"]!);
        Assert.Equal("RETURNING", (await host.StatusAsync())!.Name);
        host.Idle(TimeSpan.FromSeconds(1));
        Assert.Equal("unpolled_escrow_timeout", (string)Assert.Single(host.EventsOf("note-returned"))["cause"]!);
    }

    [Theory]
    [InlineData("counterfeit", 0x7F)]
    [InlineData("insertion", 0x71)]
    [InlineData("photo_level", 0x78)]
    [InlineData("length", 0x7D)]
    [InlineData("MAGNETIC_PATTERN_ERROR", 0x72)]
    [InlineData("0x7E", 0x7E)]
    public async Task Reject_reasons_produce_rejecting_with_their_code_and_never_escrow(string reason, byte code)
    {
        await using var host = Id003TestHost.Start();
        await host.StartUpAndEnableAsync();

        var reply = host.Control($$"""{"insert":100,"reject":"{{reason}}"}""");
        Assert.True((bool)reply["taken"]!);
        Assert.Equal($"0x{code:X2}", (string)reply["rejectCode"]!);
        var seen = await host.PollUntilAsync(Id003Status.EnableIdling, TimeSpan.FromSeconds(3), Poll);
        Assert.Equal(["ACCEPTING", $"REJECTING({Id003RejectCodes.Name(code)})", "ENABLE_IDLING"], seen);
        var rejected = Assert.Single(host.EventsOf("note-rejected"));
        Assert.Equal($"0x{code:X2}", (string)rejected["rejectCode"]!);
        Assert.Empty(host.EventsOf("note-escrowed"));
    }

    [Fact]
    public async Task Disabled_denomination_is_rejected_as_inhibited_and_the_others_still_escrow()
    {
        await using var host = Id003TestHost.Start();
        await host.StartUpAndEnableAsync();

        // Disable ₹500 (escrow code 0x66, bit 5) with the fact sheet's polarity: a set bit disables.
        var mask = Id003DenominationMask.Default.EncodeEnabled([(0x61, true), (0x62, true), (0x63, true), (0x64, true), (0x65, true), (0x66, false)]);
        Assert.Equal("2000", Convert.ToHexString(mask));
        await host.ExpectEchoAsync(Id003Command.SetEnableDisable, mask);

        host.Device.InsertNote(500);
        var seen = await host.PollUntilAsync(Id003Status.EnableIdling, TimeSpan.FromSeconds(3), Poll);
        Assert.Contains("REJECTING(INHIBITED)", seen);

        var escrow = await host.InsertToEscrowAsync(100);
        Assert.Equal((byte)0x64, Id003Escrow.Parse(escrow.Data).EscrowCode);
    }

    [Fact]
    public async Task Mask_polarity_is_configurable_in_the_simulator_too()
    {
        var options = Id003TestHost.TestOptions with { DenominationMask = new Id003DenominationMask(SetBitDisables: false) };
        await using var host = Id003TestHost.Start(options);
        await host.StartUpAndEnableAsync();
        await host.ExpectEchoAsync(Id003Command.SetEnableDisable, 0x08, 0x00);

        host.Device.InsertNote(500);
        Assert.Contains("REJECTING(INHIBITED)", await host.PollUntilAsync(Id003Status.EnableIdling, TimeSpan.FromSeconds(3), Poll));
        await host.InsertToEscrowAsync(100);
    }

    [Fact]
    public async Task A_note_missing_from_the_currency_table_is_rejected_by_denomination()
    {
        await using var host = Id003TestHost.Start();
        await host.StartUpAndEnableAsync();
        host.Device.InsertNote(2000);
        Assert.Contains("REJECTING(DENOMINATION_ASSESSING_ERROR)", await host.PollUntilAsync(Id003Status.EnableIdling, TimeSpan.FromSeconds(3), Poll));
    }

    [Theory]
    [InlineData(Id003Command.Stack1)]
    [InlineData(Id003Command.Stack2)]
    [InlineData(Id003Command.Return)]
    [InlineData(Id003Command.Hold)]
    [InlineData(Id003Command.Wait)]
    public async Task Escrow_commands_outside_escrow_get_invalid_command(Id003Command command)
    {
        await using var host = Id003TestHost.Start();
        await host.StartUpAndEnableAsync();
        Assert.Equal("INVALID_COMMAND", (await host.SendAsync(command))!.Name);
        Assert.Equal("ENABLE_IDLING", (await host.StatusAsync())!.Name);

        // Also while the note is still being validated.
        host.Device.InsertNote(10);
        Assert.Equal("ACCEPTING", (await host.StatusAsync())!.Name);
        Assert.Equal("INVALID_COMMAND", (await host.SendAsync(command))!.Name);
    }

    [Fact]
    public async Task Bar_code_ticket_escrows_with_its_number_once_tickets_are_enabled()
    {
        await using var host = Id003TestHost.Start();
        await host.StartUpAndEnableAsync();

        host.Device.InsertTicket("123456");
        Assert.Contains("REJECTING(BARCODE_FUNCTION_NOT_SET)", await host.PollUntilAsync(Id003Status.EnableIdling, TimeSpan.FromSeconds(3), Poll));

        await host.ExpectEchoAsync(Id003Command.SetBarcodeFunction, 0x01, 0x06);
        await host.ExpectEchoAsync(Id003Command.SetBarInhibit, 0xFC);
        host.Device.InsertTicket("123456");
        await host.PollUntilAsync(Id003Status.Escrow, TimeSpan.FromSeconds(3));
        var escrow = (await host.StatusAsync())!;
        Assert.Equal("FC0C136F313233343536D469", Convert.ToHexString(escrow.Wire));
    }

    [Fact]
    public async Task The_bezel_refuses_notes_while_inhibited_and_says_why()
    {
        await using var host = Id003TestHost.Start();
        var reply = host.Control("""{"insert":500}""");
        Assert.Equal((true, false), ((bool)reply["ok"]!, (bool)reply["taken"]!));
        Assert.Contains("POWER_UP", (string)reply["reason"]!, StringComparison.Ordinal);

        await host.SendAsync(Id003Command.Reset);
        await host.PollUntilAsync(Id003Status.DisableInhibit, TimeSpan.FromSeconds(3));
        reply = host.Control("""{"insert":500}""");
        Assert.False((bool)reply["taken"]!);
        Assert.Contains("DISABLE_INHIBIT", (string)reply["reason"]!, StringComparison.Ordinal);
        Assert.Equal(2, host.EventsOf("note-refused").Length);
        Assert.Empty(host.EventsOf("note-accepted"));
    }
}
