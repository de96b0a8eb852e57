using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.CashAcceptors.Id003;
using SevaKiosk.Hal.Devices;
using SevaKiosk.Hal.Tests.Support;
using SevaKiosk.Protocol.Id003;
using SevaKiosk.Simulator.Devices.Validators.Id003;

namespace SevaKiosk.Hal.Tests.CashAcceptors.Id003;

/// <summary>The note flows of the ID-003 driver against the simulated JCM acceptor (in-process pipe, virtual time).</summary>
[Collection(VirtualTimeCollection.Name)]
public class Id003DriverTests
{
    [Fact]
    public async Task Start_up_reads_identity_and_the_currency_table_from_the_device_and_leaves_it_inhibited()
    {
        await using var rig = await Id003Rig.StartAsync();

        var c = rig.Driver.Capabilities!;
        Assert.Equal("id003", c.Protocol);
        Assert.Equal(5, c.ProtocolVersion);
        Assert.Equal("i(IND)100-SS", c.Model);
        Assert.Equal("V100-00 (boot B05)", c.FirmwareVersion);
        Assert.Equal([0x61, 0x62, 0x63, 0x64, 0x65, 0x66], c.Denominations.Select(d => d.DeviceCode));
        Assert.Equal([10m, 20m, 50m, 100m, 200m, 500m], c.Denominations.Select(d => d.Value.Amount));
        Assert.All(c.Denominations, d => Assert.Equal("INR", d.Value.Currency));
        Assert.All(c.Denominations, d => Assert.True(d.Enabled));
        Assert.Equal(7, rig.Driver.Identity!.CurrencyTable.Count);
        Assert.Equal(DeviceState.Online, rig.Driver.State);
        Assert.Equal(AcceptorState.Disabled, rig.Driver.Status.Acceptor);
        Assert.Equal(CashboxState.Present, rig.Driver.Status.Cashbox);
        Assert.True(rig.Sim.Snapshot().Inhibited);
        Assert.False(rig.Driver.AdapterEchoes);

        // The reference sequence: RESET after POWER UP, then every setting, the inhibit last.
        Assert.Single(rig.SimEvents("reset"));
        Assert.Equal(
            ["SET_ENABLE_DISABLE", "SET_SECURITY", "SET_COMMUNICATION_MODE", "SET_DIRECTION", "SET_INHIBIT"],
            rig.SimEvents("setting").Select(e => (string)e["command"]!).Distinct());
        Assert.Equal("00", (string)rig.SimEvents("setting").Last(e => (string)e["command"]! == "SET_COMMUNICATION_MODE")["data"]!);
    }

    [Fact]
    public async Task Only_the_configured_notes_are_enabled_on_the_device()
    {
        await using var rig = await Id003Rig.StartAsync(
            Id003Rig.DeviceOptions with { Denominations = Id003SimulatorOptions.InrTable(include2000: true) },
            new Id003Options { AcceptedNotes = [100m, 200m, 500m] });

        Assert.Equal([false, false, false, true, true, true, false], rig.Driver.Capabilities!.Denominations.Select(d => d.Enabled));
        await rig.BeginAsync();
        await rig.InsertAsync(50);
        var rejected = await rig.Events.WaitForAsync<NoteRejected>();

        Assert.Equal("INHIBITED", rejected.Reason);
        Assert.Equal(0x79, rejected.ReasonCode);
        Assert.Empty(rig.Events.Of<NoteEscrowed>());
    }

    [Fact]
    public async Task Cash_in_of_850_credits_each_note_exactly_once_at_vend_valid()
    {
        await using var rig = await Id003Rig.StartAsync();
        var tx = await rig.BeginAsync();

        foreach (var value in new long[] { 500, 200, 100, 50 })
        {
            await rig.InsertAsync(value);
            await rig.Events.WaitForAsync<NoteCredited>(c => c.Note.Value == Money.Inr(value));
        }

        var result = await tx.EndAsync(CancellationToken.None);

        Assert.Equal(CashInOutcome.Ended, result.Outcome);
        Assert.Equal(Money.Inr(850), result.Total);
        Assert.Equal([500m, 200m, 100m, 50m], result.Credited.Select(c => c.Note.Value!.Value.Amount));
        Assert.Equal([1L, 2, 3, 4], result.Credited.Select(c => c.Sequence));
        Assert.All(result.Credited, c => Assert.Equal(tx.Id, c.TransactionId));
        Assert.Equal(4, rig.Events.Of<NoteCredited>().Count);
        Assert.Equal(4, rig.Events.Of<NoteStacked>().Count);
        var device = rig.Sim.Snapshot();
        Assert.Equal(4, device.StackedCount);
        Assert.Equal(850, device.StackedTotal);
        Assert.Equal(4, device.CreditedCount);
        Assert.True(device.Inhibited);
        Assert.Equal(["STACK_1"], rig.SimEvents("stacking").Select(e => (string)e["command"]!).Distinct());
    }

    [Fact]
    public async Task Stack_2_is_used_when_configured_and_credits_the_same_way()
    {
        await using var rig = await Id003Rig.StartAsync(driver: new Id003Options { StackCommand = Id003Command.Stack2 });
        await rig.BeginAsync();

        await rig.InsertAsync(100);
        var credit = await rig.Events.WaitForAsync<NoteCredited>();

        Assert.Equal(Money.Inr(100), credit.Note.Value);
        Assert.Equal("STACK_2", (string)Assert.Single(rig.SimEvents("stacking"))["command"]!);
    }

    [Fact]
    public async Task Returned_note_goes_back_with_no_credit()
    {
        await using var rig = await Id003Rig.StartAsync();
        await rig.BeginAsync(ScriptedHandler.ReturnAll);

        await rig.InsertAsync(500);
        var returned = await rig.Events.WaitForAsync<NoteReturned>();

        Assert.Equal(ReturnCause.Decision, returned.Cause);
        Assert.Equal(Money.Inr(500), returned.Note.Value);
        Assert.Empty(rig.Events.Of<NoteCredited>());
        await Eventually.Holds(() => rig.SimEvents("note-returned").Count == 1, "note back at the bezel");
        Assert.Equal("host", (string)rig.SimEvents("note-returned")[0]["cause"]!);
        Assert.Equal(0, rig.Sim.Snapshot().StackedCount);
    }

    [Fact]
    public async Task A_slow_decision_keeps_the_note_held_past_the_devices_10_s_escrow_timeout()
    {
        await using var rig = await Id003Rig.StartAsync();
        var handler = new ScriptedHandler(async (_, ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(25), rig.Clock, ct);
            return EscrowDecision.Accept;
        });
        await rig.BeginAsync(handler, new CashInRequest("INR", DecisionTimeout: TimeSpan.FromSeconds(60)));

        await rig.InsertAsync(200);
        var credit = await rig.Events.WaitForAsync<NoteCredited>();

        Assert.Equal(Money.Inr(200), credit.Note.Value);
        Assert.Empty(rig.Events.Of<NoteReturned>());
        Assert.Empty(rig.SimEvents("escrow-timeout"));
        Assert.NotEmpty(rig.SimEvents("hold"));
        Assert.True(rig.Clock.Elapsed > TimeSpan.FromSeconds(25));
    }

    [Fact]
    public async Task A_decision_that_never_comes_returns_the_note_as_timed_out()
    {
        await using var rig = await Id003Rig.StartAsync();
        var handler = new ScriptedHandler(async (_, ct) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            return EscrowDecision.Accept;
        });
        await rig.BeginAsync(handler, new CashInRequest("INR", DecisionTimeout: TimeSpan.FromSeconds(15)));

        await rig.InsertAsync(100);
        var returned = await rig.Events.WaitForAsync<NoteReturned>();

        Assert.Equal(ReturnCause.Timeout, returned.Cause);
        Assert.Empty(rig.Events.Of<NoteCredited>());
        Assert.Empty(rig.SimEvents("escrow-timeout"));
    }

    [Fact]
    public async Task Limits_return_a_note_without_asking_the_handler()
    {
        await using var rig = await Id003Rig.StartAsync();
        var handler = new ScriptedHandler((_, _) => Task.FromResult(EscrowDecision.Accept));
        await rig.BeginAsync(handler, new CashInRequest("INR", MaxAmount: 100));

        await rig.InsertAsync(500);
        var returned = await rig.Events.WaitForAsync<NoteReturned>();

        Assert.Equal(ReturnCause.Limit, returned.Cause);
        Assert.Equal(0, handler.Calls);
        Assert.Empty(rig.Events.Of<NoteCredited>());
    }

    [Fact]
    public async Task A_note_the_device_rejects_is_reported_once_with_its_reason_and_never_credited()
    {
        await using var rig = await Id003Rig.StartAsync();
        await rig.BeginAsync();

        await rig.InsertAsync(500, (byte)Id003RejectCode.PhotoLevelError);
        var rejected = await rig.Events.WaitForAsync<NoteRejected>();
        await Eventually.Holds(() => rig.SimEvents("note-rejected").Count == 1, "note back at the bezel");
        await rig.InsertAsync(100, (byte)Id003RejectCode.TrueBillFeatureError);
        var counterfeit = await rig.Events.WaitForAsync<NoteRejected>(r => r.ReasonCode == 0x7F);

        Assert.Equal("PHOTO_LEVEL_ERROR", rejected.Reason);
        Assert.False(rejected.FraudSuspected);
        Assert.Equal("TRUE_BILL_FEATURE_ERROR", counterfeit.Reason);
        Assert.True(counterfeit.FraudSuspected);
        Assert.Equal(2, rig.Events.Of<NoteRejected>().Count);
        Assert.Empty(rig.Events.Of<NoteCredited>());
        Assert.Empty(rig.Events.Of<NoteEscrowed>());
    }

    [Fact]
    public async Task Cheated_raises_a_fraud_fault_and_event_and_credits_nothing()
    {
        await using var rig = await Id003Rig.StartAsync();
        var tx = await rig.BeginAsync();

        await Eventually.Holds(() => rig.Sim.Snapshot() is { Phase: Id003SimulatorPhase.Ready, Inhibited: false }, "enabled");
        Assert.True(rig.Sim.InsertFraudulentNote(500).Taken);
        var fraud = await rig.Events.WaitForAsync<FraudDetected>();
        var result = await tx.Completion.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("ID-003 CHEATED", fraud.Detail);
        Assert.Contains(rig.Driver.ActiveFaults, f => f.Code == "validator.fraud");
        Assert.Equal(DeviceState.FraudAttempt, rig.Driver.State);
        Assert.Equal(CashInOutcome.Faulted, result.Outcome);
        Assert.Single(rig.Events.Of<FraudDetected>());
        Assert.Empty(rig.Events.Of<NoteCredited>());
    }

    [Fact]
    public async Task A_ticket_in_escrow_is_returned_because_the_kiosk_takes_banknotes_only()
    {
        await using var rig = await Id003Rig.StartAsync();
        await rig.BeginAsync();
        await Eventually.Holds(() => rig.Sim.Snapshot() is { Phase: Id003SimulatorPhase.Ready, Inhibited: false }, "enabled");

        // Tickets need the bar-code function on; the driver never sets it, so the unit refuses them itself.
        Assert.True(rig.Sim.InsertTicket("123456").Taken);
        var rejected = await rig.Events.WaitForAsync<NoteRejected>();

        Assert.Equal("BARCODE_FUNCTION_NOT_SET", rejected.Reason);
        Assert.Empty(rig.Events.Of<NoteCredited>());
    }

    [Fact]
    public async Task Rollback_returns_the_note_in_escrow_and_keeps_credited_notes_credited()
    {
        await using var rig = await Id003Rig.StartAsync();
        var second = new TaskCompletionSource();
        var tx = await rig.BeginAsync(new ScriptedHandler(async (note, ct) =>
        {
            if (note.NotesSoFar == 0)
            {
                return EscrowDecision.Accept;
            }

            second.TrySetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            return EscrowDecision.Accept;
        }), new CashInRequest("INR", DecisionTimeout: TimeSpan.FromMinutes(5)));

        await rig.InsertAsync(500);
        await rig.Events.WaitForAsync<NoteCredited>();
        await rig.InsertAsync(200);
        await second.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var result = await tx.RollbackAsync(CancellationToken.None);

        Assert.Equal(CashInOutcome.RolledBack, result.Outcome);
        Assert.Equal(Money.Inr(500), result.Total);
        var returned = Assert.Single(result.Returned);
        Assert.Equal(ReturnCause.Rollback, returned.Cause);
        Assert.Equal(Money.Inr(200), returned.Note.Value);
        Assert.True(rig.Sim.Snapshot().Inhibited);
    }

    [Fact]
    public async Task Lifetime_counters_are_null_because_id003_has_none()
    {
        await using var rig = await Id003Rig.StartAsync();

        var counters = await rig.Driver.ReadCountersAsync(CancellationToken.None);

        Assert.Equal(new CashAcceptorCounters(null, null, null, null, null), counters);
    }
}
