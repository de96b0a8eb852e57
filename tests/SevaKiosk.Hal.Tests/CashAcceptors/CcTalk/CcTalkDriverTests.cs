using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.CashAcceptors.CcTalk;
using SevaKiosk.Hal.Devices;
using SevaKiosk.Hal.Tests.Support;
using SevaKiosk.Protocol.CcTalk;
using SevaKiosk.Simulator.Devices.Validators.CcTalk;

namespace SevaKiosk.Hal.Tests.CashAcceptors.CcTalk;

/// <summary>Every flow of the ccTalk driver against the simulated bill validator (in-process pipe, virtual time).</summary>
[Collection(VirtualTimeCollection.Name)]
public class CcTalkDriverTests
{
    [Fact]
    public async Task Start_up_reads_identity_and_bill_ids_from_the_device_and_leaves_master_inhibit_on()
    {
        await using var rig = await CcTalkRig.StartAsync();

        var c = rig.Driver.Capabilities!;
        Assert.Equal("cctalk", c.Protocol);
        Assert.Equal("SevaKiosk SIM-BV", c.Model);
        Assert.Equal("1234567", c.SerialNumber);
        Assert.Equal("SIM-1.0.0", c.FirmwareVersion);
        Assert.Equal("SIM1", c.DatasetVersion);
        Assert.True(c.CanHoldEscrow);
        Assert.Equal([1, 2, 3, 4, 5, 6], c.Denominations.Select(d => d.DeviceCode));
        Assert.Equal([10m, 20m, 50m, 100m, 200m, 500m], c.Denominations.Select(d => d.Value.Amount));
        Assert.All(c.Denominations, d => Assert.Equal("INR", d.Value.Currency));
        Assert.Equal(DeviceState.Online, rig.Driver.State);
        Assert.Equal(AcceptorState.Disabled, rig.Driver.Status.Acceptor);
        var status = rig.Status;
        Assert.False((bool)status["accepting"]!);
        Assert.True((bool)status["escrowMode"]!);
        Assert.Equal([1, 2, 3, 4, 5, 6], status["enabledTypes"]!.AsArray().Select(t => (int)t!));
    }

    [Fact]
    public async Task Values_are_the_bill_id_value_codes_times_the_devices_scaling_factor()
    {
        // Value codes in tens of rupees: a driver that took the code for the value would be off by ten.
        await using var rig = await CcTalkRig.StartAsync(new CcTalkValidatorOptions
        {
            ScalingFactor = new CcTalkScalingFactor(10, 0),
            Bills = [new(1, 1), new(2, 2), new(3, 5), new(4, 10), new(5, 20), new(6, 50), new(7, 200)],
        });

        Assert.Equal([10m, 20m, 50m, 100m, 200m, 500m, 2000m], rig.Driver.Capabilities!.Denominations.Select(d => d.Value.Amount));
        await rig.BeginAsync();
        await rig.InsertAsync(200);
        var credit = await rig.Events.WaitForAsync<NoteCredited>();
        Assert.Equal(Money.Inr(200), credit.Note.Value);
    }

    [Fact]
    public async Task Only_the_configured_notes_are_enabled_on_the_device()
    {
        await using var rig = await CcTalkRig.StartAsync(
            new CcTalkValidatorOptions { Bills = CcTalkValidatorOptions.IndianRupeeBills(include2000: true) },
            new CcTalkOptions { AcceptedNotes = [100m, 200m, 500m] });

        Assert.Equal([4, 5, 6], rig.Status["enabledTypes"]!.AsArray().Select(t => (int)t!));
        Assert.Equal([false, false, false, true, true, true, false], rig.Driver.Capabilities!.Denominations.Select(d => d.Enabled));

        await rig.BeginAsync();
        await rig.InsertAsync(50);
        var rejected = await rig.Events.WaitForAsync<NoteRejected>();
        Assert.Equal("INHIBITED_BILL_ON_SERIAL", rejected.Reason);
        Assert.Empty(rig.Events.Of<NoteCredited>());
    }

    [Fact]
    public async Task A_bill_the_device_rejects_is_reported_with_its_reason_and_never_credited()
    {
        await using var rig = await CcTalkRig.StartAsync();
        var tx = await rig.BeginAsync();

        await rig.InsertAsync(500, CcTalkRejectReason.Counterfeit);
        var rejected = await rig.Events.WaitForAsync<NoteRejected>();

        Assert.Equal("INVALID_BILL_VALIDATION_FAIL", rejected.Reason);
        Assert.Equal(2, rejected.ReasonCode);
        Assert.False(rejected.FraudSuspected);
        Assert.Empty(rig.Events.Of<NoteCredited>());
        Assert.False(tx.Completion.IsCompleted);
    }

    [Fact]
    public async Task Fraud_raises_a_fraud_fault_and_event_ends_the_transaction_and_credits_nothing()
    {
        await using var rig = await CcTalkRig.StartAsync();
        var tx = await rig.BeginAsync();

        await rig.InsertAsync(500, CcTalkRejectReason.String);
        var fraud = await rig.Events.WaitForAsync<FraudDetected>();
        var result = await tx.Completion.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("STRING_FRAUD_DETECTED", fraud.Detail);
        Assert.Contains(rig.Driver.ActiveFaults, f => f.Code == "validator.fraud");
        Assert.Equal(DeviceState.FraudAttempt, rig.Driver.State);
        Assert.Equal(CashInOutcome.Faulted, result.Outcome);
        Assert.Empty(rig.Events.Of<NoteCredited>());
    }

    [Fact]
    public async Task Unsafe_jam_faults_the_transaction_and_clears_when_the_validator_is_power_cycled()
    {
        await using var rig = await CcTalkRig.StartAsync();
        var tx = await rig.BeginAsync();

        rig.Sim.Jam(CcTalkJam.Unsafe);
        var result = await tx.Completion.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(CashInOutcome.Faulted, result.Outcome);
        Assert.Equal("validator.jam.unsafe", result.Fault!.Code);
        Assert.Equal(RecommendedAction.OperatorCanClear, result.Fault.Action);
        Assert.Equal(AcceptorState.Jammed, rig.Driver.Status.Acceptor);
        await Assert.ThrowsAsync<CashAcceptorException>(() => rig.BeginAsync());

        // ccTalk reports no "jam cleared": the operator clears the path and power-cycles the validator.
        rig.Sim.Jam(CcTalkJam.None);
        rig.Sim.PowerCycle();
        await rig.Events.WaitForAsync<DeviceReset>();
        await Eventually.Holds(() => rig.Driver.ActiveFaults.Count == 0 && rig.Driver.State == DeviceState.Online, "jam fault cleared");
        await rig.BeginAsync();
        await rig.InsertAsync(100);
        await rig.Events.WaitForAsync<NoteCredited>();
    }

    [Theory]
    [InlineData(CcTalkJam.Safe, "validator.jam.safe")]
    [InlineData(CcTalkJam.Stacker, "validator.jam.safe")]
    public async Task Other_jams_raise_the_safe_jam_fault(CcTalkJam jam, string code)
    {
        await using var rig = await CcTalkRig.StartAsync();

        rig.Sim.Jam(jam);
        await Eventually.Holds(() => rig.Driver.ActiveFaults.Any(f => f.Code == code), code);

        Assert.Equal(AcceptorState.Jammed, rig.Driver.Status.Acceptor);
        Assert.Equal(DeviceState.UserError, rig.Driver.State);
    }

    [Fact]
    public async Task Cash_box_removal_and_replacement_are_reported()
    {
        await using var rig = await CcTalkRig.StartAsync();

        rig.Sim.Cashbox(CcTalkCashboxAction.Removed);
        await rig.Events.WaitForAsync<CashboxChanged>(c => c.State == CashboxState.Removed);
        Assert.Contains(rig.Driver.ActiveFaults, f => f.Code == "validator.cashbox.removed");
        Assert.Equal(CashboxState.Removed, rig.Driver.Status.Cashbox);

        rig.Sim.Cashbox(CcTalkCashboxAction.Replaced);
        await rig.Events.WaitForAsync<CashboxChanged>(c => c.State == CashboxState.Present);
        await Eventually.Holds(() => rig.Driver.ActiveFaults.Count == 0, "cash box fault cleared");
        Assert.Equal(DeviceState.Online, rig.Driver.State);
    }

    [Fact]
    public async Task Stacker_full_puts_the_acceptor_out_with_an_operator_fault()
    {
        await using var rig = await CcTalkRig.StartAsync();

        rig.Sim.Cashbox(CcTalkCashboxAction.Full);
        await Eventually.Holds(() => rig.Driver.Status.Cashbox == CashboxState.Full, "cash box full");

        var fault = Assert.Single(rig.Driver.ActiveFaults);
        Assert.Equal("validator.cashbox.full", fault.Code);
        Assert.Equal(RecommendedAction.OperatorCanClear, fault.Action);
        await Assert.ThrowsAsync<CashAcceptorException>(() => rig.BeginAsync());
        Assert.Single(rig.Events.Of<CashboxChanged>(), c => c.State == CashboxState.Full);
    }

    [Fact]
    public async Task A_stack_the_validator_refuses_returns_the_bill_uncredited()
    {
        await using var rig = await CcTalkRig.StartAsync();
        await rig.BeginAsync(new ScriptedHandler((_, _) =>
        {
            // The cash box is pulled while the citizen's bill waits in escrow: ROUTE BILL 1 answers 255.
            rig.Sim.Cashbox(CcTalkCashboxAction.Removed);
            return Task.FromResult(EscrowDecision.Accept);
        }));

        await rig.InsertAsync(500);
        var returned = await rig.Events.WaitForAsync<NoteReturned>();

        Assert.Equal(ReturnCause.Device, returned.Cause);
        Assert.Empty(rig.Events.Of<NoteCredited>());
        Assert.Contains(rig.DeviceEvents, e => (string?)e["event"] == "route" && (string?)e["result"] == "FAILED_TO_ROUTE");
        Assert.Equal(0, rig.CashboxCount);
    }

    [Fact]
    public async Task More_new_events_than_the_buffer_holds_is_a_lost_events_fault_that_ends_the_transaction()
    {
        await using var rig = await CcTalkRig.StartAsync();
        var tx = await rig.BeginAsync();

        rig.Sim.Burst(7);
        var result = await tx.Completion.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(CashInOutcome.Faulted, result.Outcome);
        Assert.Equal("validator.events-lost", result.Fault!.Code);
        Assert.Contains("2 event(s) lost", result.Fault.Message, StringComparison.Ordinal);
        Assert.Empty(rig.Events.Of<NoteCredited>());

        // The device itself is fine: the fault clears on the next consistent reading and cash-in works again.
        await Eventually.Holds(() => rig.Driver.State == DeviceState.Online, "online again");
        await rig.BeginAsync();
        await rig.InsertAsync(100);
        await rig.Events.WaitForAsync<NoteCredited>();
    }

    [Fact]
    public async Task Power_cycle_with_a_bill_in_escrow_returns_it_with_no_credit_and_the_transaction_goes_on()
    {
        await using var rig = await CcTalkRig.StartAsync();
        var handler = new HoldingHandler(rig.Clock, TimeSpan.FromSeconds(5));
        var tx = await rig.BeginAsync(handler);

        await rig.InsertAsync(100);
        await handler.WaitUntilHoldingAsync();
        rig.Sim.PowerCycle();

        var cleared = await rig.Events.WaitForAsync<NoteClearedAtPowerUp>();
        Assert.False(cleared.IntoCashbox);
        Assert.Equal(Money.Inr(100), cleared.Note!.Value);
        Assert.Single(rig.Events.Of<DeviceReset>());
        Assert.Equal(0, rig.CashboxCount);

        // Re-initialised: bill table, inhibits and escrow mode are back, and the open transaction takes the next note.
        await rig.InsertAsync(200);
        var credit = await rig.Events.WaitForAsync<NoteCredited>();
        Assert.Equal(Money.Inr(200), credit.Note.Value);
        Assert.Equal(tx.Id, credit.TransactionId);
        Assert.Single(rig.Events.Of<NoteCredited>());
    }

    [Fact]
    public async Task Power_cut_while_stacking_settles_the_bill_into_the_cash_box_once_with_no_credit_event()
    {
        await using var rig = await CcTalkRig.StartAsync();
        rig.Sim.EventOccurred += e =>
        {
            if ((string?)e["event"] == "route" && (string?)e["code"] == "STACK")
            {
                rig.Sim.PowerCycle();
            }
        };
        var tx = await rig.BeginAsync();

        await rig.InsertAsync(200);
        await rig.Events.WaitForAsync<DeviceReset>();
        var settled = await rig.Events.WaitForAsync<NoteClearedAtPowerUp>();
        await Eventually.Holds(() => rig.Driver.State == DeviceState.Online && (bool)rig.Status["accepting"]!, "re-initialised");
        await Task.Delay(200);

        Assert.True(settled.IntoCashbox);
        Assert.Equal(Money.Inr(200), settled.Note!.Value);
        Assert.Equal(tx.Id, settled.TransactionId);
        Assert.Equal("1234567", settled.DeviceSerial);
        Assert.Empty(rig.Events.Of<NoteCredited>());
        Assert.Single(rig.Events.Of<NoteClearedAtPowerUp>());
        var reset = Assert.Single(rig.DeviceEvents, e => (string?)e["event"] == "reset");
        Assert.Equal(200m, (decimal)reset["stackedWithoutEvent"]!);
        Assert.Equal(1, rig.CashboxCount);
    }

    [Fact]
    public async Task A_damaged_reply_that_passes_the_8_bit_checksum_never_becomes_a_credit()
    {
        var line = (CreditDoctoringLine?)null;
        await using var rig = await CcTalkRig.StartAsync(line: s => line = new CreditDoctoringLine(s));
        await rig.BeginAsync();

        await rig.InsertAsync(500);
        var credit = await rig.Events.WaitForAsync<NoteCredited>();
        await Task.Delay(200);

        Assert.True(line!.Doctored);
        Assert.Equal(Money.Inr(500), credit.Note.Value);
        Assert.Single(rig.Events.Of<NoteCredited>());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Works_whether_or_not_the_line_echoes_the_hosts_bytes(bool echo)
    {
        await using var rig = await CcTalkRig.StartAsync(new CcTalkValidatorOptions { Echo = echo });
        await rig.BeginAsync();

        await rig.InsertAsync(100);
        await rig.Events.WaitForAsync<NoteCredited>();

        Assert.Single(rig.Events.Of<NoteCredited>());
        if (echo)
        {
            Assert.True(rig.Driver.LinkStatistics.EchoesSkipped >= rig.Driver.LinkStatistics.Exchanges - 1);
        }
        else
        {
            Assert.Equal(0, rig.Driver.LinkStatistics.EchoesSkipped);
        }
    }

    [Theory]
    [InlineData(CcTalkChecksumMode.Simple8)]
    [InlineData(CcTalkChecksumMode.Crc16)]
    public async Task Cash_in_works_in_both_checksum_modes(CcTalkChecksumMode mode)
    {
        await using var rig = await CcTalkRig.StartAsync(new CcTalkValidatorOptions { ChecksumMode = mode }, new CcTalkOptions { ChecksumMode = mode });
        var tx = await rig.BeginAsync();

        await rig.InsertAsync(500);
        await rig.Events.WaitForAsync<NoteCredited>();
        var result = await tx.EndAsync(CancellationToken.None);

        Assert.Equal(Money.Inr(500), result.Total);
        Assert.Equal(0, rig.Driver.LinkStatistics.ChecksumErrors);
    }

    [Fact]
    public async Task A_checksum_mode_that_does_not_match_the_device_is_an_offline_fault_that_says_so()
    {
        await using var rig = await CcTalkRig.StartAsync(new CcTalkValidatorOptions { ChecksumMode = CcTalkChecksumMode.Crc16 }, start: false);
        _ = rig.Driver.StartAsync(rig.Events, CancellationToken.None);

        await Eventually.Holds(() => rig.Driver.ActiveFaults.Any(f => f.Code == "validator.offline"), "offline fault");
        var fault = rig.Driver.ActiveFaults.Single(f => f.Code == "validator.offline");
        Assert.Contains("no valid reply to SIMPLE_POLL", fault.Message, StringComparison.Ordinal);
        Assert.Equal(DeviceState.Offline, rig.Driver.State);
    }

    [Fact]
    public async Task A_device_at_another_address_is_not_taken_for_the_validator()
    {
        await using var rig = await CcTalkRig.StartAsync(new CcTalkValidatorOptions { Address = 41 }, start: false);
        _ = rig.Driver.StartAsync(rig.Events, CancellationToken.None);

        await Eventually.Holds(() => rig.Driver.ActiveFaults.Any(f => f.Code == "validator.offline"), "offline fault");
        Assert.Contains("Address 40", rig.Driver.ActiveFaults.Single().Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_coin_acceptor_at_the_address_is_refused_as_a_configuration_fault()
    {
        await using var rig = await CcTalkRig.StartAsync(new CcTalkValidatorOptions { EquipmentCategory = "Coin Acceptor" }, start: false);
        _ = rig.Driver.StartAsync(rig.Events, CancellationToken.None);

        await Eventually.Holds(() => rig.Driver.ActiveFaults.Any(f => f.Code == "validator.init-failed"), "init fault");
        var fault = rig.Driver.ActiveFaults.Single();
        Assert.Equal(RecommendedAction.Configuration, fault.Action);
        Assert.Contains("Coin Acceptor", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stack_command_lost_with_the_link_is_repeated_after_reconnect_and_credited_once()
    {
        // The bill must still be in escrow when the link is back, however long the reconnect backoff took.
        await using var rig = await CcTalkRig.StartAsync(new CcTalkValidatorOptions { EscrowTimeout = TimeSpan.FromHours(1) });
        var tx = await rig.BeginAsync(new ScriptedHandler((_, _) =>
        {
            // The line dies between the decision and ROUTE BILL: the stack command never reaches the device.
            rig.Sim.Silent = true;
            return Task.FromResult(EscrowDecision.Accept);
        }));

        await rig.InsertAsync(200);
        await Eventually.Holds(() => rig.Driver.State == DeviceState.Offline, "offline");
        Assert.NotNull(rig.Status["escrow"]);

        rig.Sim.Silent = false;
        var credit = await rig.Events.WaitForAsync<NoteCredited>();
        await Task.Delay(300);

        Assert.Equal(Money.Inr(200), credit.Note.Value);
        Assert.Equal(tx.Id, credit.TransactionId);
        Assert.Single(rig.Events.Of<NoteCredited>());
        Assert.Empty(rig.Events.Of<NoteReturned>());
        Assert.Equal(1, rig.CashboxCount);
    }

    /// <summary>
    /// Changes the first buffered-events reply that carries a new ₹500 credit (bill type 6) into a ₹100 one (type 4)
    /// and moves the checksum byte by the same amount: two bit errors the 8-bit sum cannot see.
    /// </summary>
    private sealed class CreditDoctoringLine(Stream inner) : SevaKiosk.Hal.Links.DelegatingStream(inner)
    {
        public bool Doctored { get; private set; }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var frame = buffer.ToArray();
            if (!Doctored && frame is [1, 11, 40, 0, _, 6, 0, ..] && frame.Length == 16)
            {
                Doctored = true;
                frame[5] = 4;
                frame[^1] += 2;
            }

            await Inner.WriteAsync(frame, cancellationToken);
        }
    }
}
