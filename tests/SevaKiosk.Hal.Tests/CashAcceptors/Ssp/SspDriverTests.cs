using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.CashAcceptors.Ssp;
using SevaKiosk.Hal.Devices;
using SevaKiosk.Hal.Tests.Support;
using SevaKiosk.Protocol.Ssp;
using SevaKiosk.Simulator.Devices.Validators.Ssp;

namespace SevaKiosk.Hal.Tests.CashAcceptors.Ssp;

/// <summary>Every flow of the SSP driver against the simulated NV200 (in-process pipe, virtual time).</summary>
[Collection(VirtualTimeCollection.Name)]
public class SspDriverTests
{
    [Fact]
    public async Task Start_up_reads_identity_and_channel_values_from_the_device_and_leaves_it_disabled()
    {
        await using var rig = await SspRig.StartAsync();

        var c = rig.Driver.Capabilities!;
        Assert.Equal("ssp", c.Protocol);
        Assert.Equal(8, c.ProtocolVersion);
        Assert.Equal("0012345678", c.SerialNumber);
        Assert.Equal("NV02004141498000", c.FirmwareVersion);
        Assert.Equal("INR01001", c.DatasetVersion);
        Assert.Equal([10m, 20m, 50m, 100m, 200m, 500m], c.Denominations.Select(d => d.Value.Amount));
        Assert.All(c.Denominations, d => Assert.True(d.Enabled));
        Assert.Equal(DeviceState.Online, rig.Driver.State);
        Assert.Equal(AcceptorState.Disabled, rig.Driver.Status.Acceptor);
        Assert.False(rig.Sim.Status.Enabled);
        Assert.Equal([1, 2, 3, 4, 5, 6], rig.Sim.Status.EnabledChannels);
    }

    [Fact]
    public async Task Only_the_configured_notes_are_enabled_on_the_device()
    {
        await using var rig = await SspRig.StartAsync(
            new SspValidatorOptions { ChannelValues = [10, 20, 50, 100, 200, 500, 2000] },
            new SspOptions { AcceptedNotes = [100m, 200m, 500m] });

        Assert.Equal([4, 5, 6], rig.Sim.Status.EnabledChannels);
        Assert.Equal([false, false, false, true, true, true, false], rig.Driver.Capabilities!.Denominations.Select(d => d.Enabled));
    }

    [Fact]
    public async Task Cash_in_of_850_credits_each_note_exactly_once_at_note_credit()
    {
        await using var rig = await SspRig.StartAsync();
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
        Assert.Equal(4u, rig.Sim.Status.Counters.Stacked);
        Assert.False(rig.Sim.Status.Enabled);
    }

    [Fact]
    public async Task Returned_note_goes_back_with_no_credit()
    {
        await using var rig = await SspRig.StartAsync();
        await rig.BeginAsync(ScriptedHandler.ReturnAll);

        await rig.InsertAsync(500);
        var returned = await rig.Events.WaitForAsync<NoteReturned>();

        Assert.Equal(ReturnCause.Decision, returned.Cause);
        Assert.Equal(Money.Inr(500), returned.Note.Value);
        Assert.Empty(rig.Events.Of<NoteCredited>());
        Assert.Equal(SspRejectReason.RejectByHost, rig.Sim.Status.LastRejectCode);
    }

    [Fact]
    public async Task A_slow_decision_keeps_the_note_held_past_the_devices_10_s_escrow_timeout()
    {
        await using var rig = await SspRig.StartAsync();
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
        Assert.True(rig.Clock.Elapsed > TimeSpan.FromSeconds(25));
    }

    [Fact]
    public async Task A_decision_that_never_comes_returns_the_note_as_timed_out()
    {
        await using var rig = await SspRig.StartAsync();
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
    }

    [Fact]
    public async Task Limits_return_a_note_without_asking_the_handler()
    {
        await using var rig = await SspRig.StartAsync();
        var handler = new ScriptedHandler((_, _) => Task.FromResult(EscrowDecision.Accept));
        await rig.BeginAsync(handler, new CashInRequest("INR", MaxAmount: 100));

        await rig.InsertAsync(500);
        var returned = await rig.Events.WaitForAsync<NoteReturned>();

        Assert.Equal(ReturnCause.Limit, returned.Cause);
        Assert.Equal(0, handler.Calls);
    }

    [Fact]
    public async Task A_note_the_device_rejects_is_reported_with_its_reason_and_never_credited()
    {
        await using var rig = await SspRig.StartAsync();
        await rig.BeginAsync();

        await rig.InsertAsync(500, NoteOutcome.Rejected(SspRejectReason.AverageFail));
        var rejected = await rig.Events.WaitForAsync<NoteRejected>();

        Assert.Equal("AVERAGE_FAIL", rejected.Reason);
        Assert.Empty(rig.Events.Of<NoteCredited>());
    }

    [Fact]
    public async Task Fraud_attempt_raises_a_fraud_fault_and_event_and_credits_nothing()
    {
        await using var rig = await SspRig.StartAsync();
        await rig.BeginAsync();

        await rig.InsertAsync(500, NoteOutcome.FraudAttempt);
        await rig.Events.WaitForAsync<FraudDetected>();

        Assert.Contains(rig.Driver.ActiveFaults, f => f.Code == "validator.fraud");
        Assert.Empty(rig.Events.Of<NoteCredited>());
    }

    [Fact]
    public async Task Unsafe_jam_faults_the_transaction_and_clears_with_the_jam()
    {
        await using var rig = await SspRig.StartAsync();
        var tx = await rig.BeginAsync();

        rig.Sim.Jam(JamKind.Unsafe);
        var result = await tx.Completion.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(CashInOutcome.Faulted, result.Outcome);
        Assert.Equal("validator.jam.unsafe", result.Fault!.Code);
        Assert.Equal(RecommendedAction.OperatorCanClear, result.Fault.Action);
        Assert.Equal(AcceptorState.Jammed, rig.Driver.Status.Acceptor);

        rig.Sim.ClearJam();
        await SspRig.Eventually(() => rig.Driver.ActiveFaults.Count == 0, "jam fault cleared");
        Assert.Equal(DeviceState.Online, rig.Driver.State);
    }

    [Fact]
    public async Task Cash_box_removal_and_replacement_are_reported()
    {
        await using var rig = await SspRig.StartAsync();

        rig.Sim.SetCashbox(CashboxAction.Removed);
        await rig.Events.WaitForAsync<CashboxChanged>(c => c.State == CashboxState.Removed);
        Assert.Contains(rig.Driver.ActiveFaults, f => f.Code == "validator.cashbox.removed");

        rig.Sim.SetCashbox(CashboxAction.Replaced);
        await rig.Events.WaitForAsync<CashboxChanged>(c => c.State == CashboxState.Present);
        await SspRig.Eventually(() => rig.Driver.ActiveFaults.Count == 0, "cash box fault cleared");
    }

    [Fact]
    public async Task Stacker_full_puts_the_acceptor_out_with_an_operator_fault()
    {
        await using var rig = await SspRig.StartAsync();

        rig.Sim.SetCashbox(CashboxAction.Full);
        await SspRig.Eventually(() => rig.Driver.Status.Cashbox == CashboxState.Full, "cash box full");

        var fault = Assert.Single(rig.Driver.ActiveFaults);
        Assert.Equal(RecommendedAction.OperatorCanClear, fault.Action);
        await Assert.ThrowsAsync<CashAcceptorException>(() => rig.BeginAsync());
    }

    [Fact]
    public async Task A_silent_device_is_offline_within_1_s_and_comes_back_without_losing_the_credit()
    {
        await using var rig = await SspRig.StartAsync();
        var tx = await rig.BeginAsync();
        DateTimeOffset? silentAt = null;

        // The cable goes the moment the note passes the credit point, before the driver has polled the credit.
        rig.Sim.EventOccurred += e =>
        {
            if ((string?)e["event"] == "note-credited" && silentAt is null)
            {
                silentAt = rig.Clock.GetUtcNow();
                rig.Sim.Silence();
            }
        };
        await rig.InsertAsync(500);
        await SspRig.Eventually(() => rig.Driver.State == DeviceState.Offline, "offline");
        var offlineFault = rig.Driver.ActiveFaults.Single(f => f.Code == "validator.offline");
        Assert.True(offlineFault.RaisedAt - silentAt!.Value <= TimeSpan.FromSeconds(1), $"offline after {offlineFault.RaisedAt - silentAt}");
        Assert.Empty(rig.Events.Of<NoteCredited>());

        rig.Sim.Silence(false);
        var credit = await rig.Events.WaitForAsync<NoteCredited>();
        await SspRig.Eventually(() => rig.Driver.State == DeviceState.Online && rig.Sim.Status.NotePhase is null, "online, path empty");
        await Task.Delay(200);

        Assert.Equal(Money.Inr(500), credit.Note.Value);
        Assert.Single(rig.Events.Of<NoteCredited>());
        Assert.Empty(rig.Events.Of<NoteClearedAtPowerUp>());
        Assert.Equal(1u, rig.Sim.Status.Counters.Stacked);
        Assert.Equal(CashInOutcome.Faulted, (await tx.Completion).Outcome);
    }

    [Fact]
    public async Task Power_cycle_during_stacking_settles_the_note_once()
    {
        await using var rig = await SspRig.StartAsync();
        ClearedNote? cleared = null;
        rig.Sim.EventOccurred += e =>
        {
            if ((string?)e["event"] == "note-accepted")
            {
                cleared = rig.Sim.PowerCycle(NoteDestination.Cashbox);
            }
        };
        await rig.BeginAsync();

        await rig.InsertAsync(200);
        await rig.Events.WaitForAsync<DeviceReset>();
        var settled = await rig.Events.WaitForAsync<NoteClearedAtPowerUp>();
        await SspRig.Eventually(() => rig.Driver.State == DeviceState.Online, "re-initialised");
        await Task.Delay(200);

        Assert.NotNull(cleared);
        Assert.True(settled.IntoCashbox);
        Assert.Equal(Money.Inr(200), settled.Note!.Value);
        Assert.Empty(rig.Events.Of<NoteCredited>());
        Assert.Single(rig.Events.Of<NoteClearedAtPowerUp>());
    }

    [Fact]
    public async Task Power_cycle_with_a_note_in_escrow_returns_it_with_no_credit()
    {
        await using var rig = await SspRig.StartAsync();
        var held = new TaskCompletionSource();
        await rig.BeginAsync(new ScriptedHandler(async (_, ct) =>
        {
            held.TrySetResult();
            await Task.Delay(TimeSpan.FromSeconds(5), rig.Clock, ct);
            return EscrowDecision.Accept;
        }));

        await rig.InsertAsync(100);
        await held.Task.WaitAsync(TimeSpan.FromSeconds(30));
        rig.Sim.PowerCycle(NoteDestination.Front);

        var cleared = await rig.Events.WaitForAsync<NoteClearedAtPowerUp>();
        await Task.Delay(200);
        Assert.False(cleared.IntoCashbox);
        Assert.Empty(rig.Events.Of<NoteCredited>());
    }

    [Fact]
    public async Task Encrypted_link_negotiates_keys_and_carries_credits()
    {
        await using var rig = await SspRig.StartAsync(
            new SspValidatorOptions { EncryptionRequired = true, FixedKey = 0x1122334455667788 },
            new SspOptions { Encrypted = true, FixedKey = 0x1122334455667788 });
        Assert.True(rig.Driver.Capabilities!.Encrypted);

        await rig.BeginAsync();
        await rig.InsertAsync(500);
        var credit = await rig.Events.WaitForAsync<NoteCredited>();

        Assert.Equal(Money.Inr(500), credit.Note.Value);
        Assert.True(rig.Sim.Status.KeyNegotiated);
    }

    [Fact]
    public async Task A_device_that_requires_encryption_gives_a_configuration_fault_to_a_plain_driver()
    {
        await using var rig = await SspRig.StartAsync(new SspValidatorOptions { EncryptionRequired = true }, start: false);
        _ = rig.Driver.StartAsync(rig.Events, CancellationToken.None);

        await SspRig.Eventually(() => rig.Driver.ActiveFaults.Any(f => f.Code == "validator.encryption"), "encryption fault");
        Assert.Equal(RecommendedAction.Configuration, rig.Driver.ActiveFaults.First(f => f.Code == "validator.encryption").Action);
    }

    [Fact]
    public async Task An_adapter_that_echoes_our_bytes_does_not_confuse_the_driver()
    {
        await using var rig = await SspRig.StartAsync();
        rig.Sim.SetEcho(true);
        await rig.BeginAsync();

        await rig.InsertAsync(100);
        await rig.Events.WaitForAsync<NoteCredited>();

        Assert.True(rig.Driver.LinkStatistics.EchoesSkipped > 0);
        Assert.Single(rig.Events.Of<NoteCredited>());
    }

    [Fact]
    public async Task Lifetime_counters_come_from_the_device()
    {
        await using var rig = await SspRig.StartAsync();
        await rig.BeginAsync();
        await rig.InsertAsync(100);
        await rig.Events.WaitForAsync<NoteCredited>();
        await rig.Events.WaitForAsync<NoteStacked>();

        var counters = await rig.Driver.ReadCountersAsync(CancellationToken.None);

        Assert.Equal(1, counters.Stacked);
    }

    [Fact]
    public async Task Rollback_returns_the_note_in_escrow_and_keeps_credited_notes_credited()
    {
        await using var rig = await SspRig.StartAsync();
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
    }
}
