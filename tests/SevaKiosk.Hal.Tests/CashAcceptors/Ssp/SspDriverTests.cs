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
        await Eventually.Holds(() => rig.Driver.ActiveFaults.Count == 0, "jam fault cleared");
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
        await Eventually.Holds(() => rig.Driver.ActiveFaults.Count == 0, "cash box fault cleared");
    }

    [Fact]
    public async Task Stacker_full_puts_the_acceptor_out_with_an_operator_fault()
    {
        await using var rig = await SspRig.StartAsync();

        rig.Sim.SetCashbox(CashboxAction.Full);
        await Eventually.Holds(() => rig.Driver.Status.Cashbox == CashboxState.Full, "cash box full");

        var fault = Assert.Single(rig.Driver.ActiveFaults);
        Assert.Equal(RecommendedAction.OperatorCanClear, fault.Action);
        await Assert.ThrowsAsync<CashAcceptorException>(() => rig.BeginAsync());
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
        await Eventually.Holds(() => rig.Driver.State == DeviceState.Online, "re-initialised");
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
        var handler = new HoldingHandler(rig.Clock, TimeSpan.FromSeconds(5));
        await rig.BeginAsync(handler);

        await rig.InsertAsync(100);
        await handler.WaitUntilHoldingAsync();
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

        await Eventually.Holds(() => rig.Driver.ActiveFaults.Any(f => f.Code == "validator.encryption"), "encryption fault");
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

}
