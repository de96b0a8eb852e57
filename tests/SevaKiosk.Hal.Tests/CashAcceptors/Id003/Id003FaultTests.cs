using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.CashAcceptors.Id003;
using SevaKiosk.Hal.Devices;
using SevaKiosk.Hal.Tests.Support;
using SevaKiosk.Protocol.Id003;
using SevaKiosk.Simulator.Devices.Validators.Id003;

namespace SevaKiosk.Hal.Tests.CashAcceptors.Id003;

/// <summary>Fault statuses of the simulated JCM acceptor mapped to faults with the action that clears them.</summary>
[Collection(VirtualTimeCollection.Name)]
public class Id003FaultTests
{
    [Theory]
    [InlineData(Id003JamLocation.Acceptor, "validator.jam.unsafe", FaultSeverity.Critical)]
    [InlineData(Id003JamLocation.Stacker, "validator.jam.safe", FaultSeverity.Error)]
    public async Task A_jam_faults_the_transaction_and_clears_with_the_jam(Id003JamLocation where, string code, FaultSeverity severity)
    {
        await using var rig = await Id003Rig.StartAsync();
        var tx = await rig.BeginAsync();

        rig.Sim.Jam(where);
        var result = await tx.Completion.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(CashInOutcome.Faulted, result.Outcome);
        Assert.Equal(code, result.Fault!.Code);
        Assert.Equal(severity, result.Fault.Severity);
        Assert.Equal(RecommendedAction.OperatorCanClear, result.Fault.Action);
        await Eventually.Holds(() => rig.Driver.Status.Acceptor == AcceptorState.Jammed, "jammed");
        Assert.Equal(DeviceState.UserError, rig.Driver.State);

        rig.Sim.ClearJam();
        await Eventually.Holds(() => rig.Driver.ActiveFaults.Count == 0, "jam fault cleared");
        Assert.Equal(DeviceState.Online, rig.Driver.State);
        Assert.NotNull(await rig.BeginAsync());
    }

    [Fact]
    public async Task A_jam_that_stops_a_note_being_stacked_invents_neither_a_credit_nor_a_return()
    {
        await using var rig = await Id003Rig.StartAsync();
        rig.Sim.EventOccurred += e =>
        {
            if ((string?)e["event"] == "stacking")
            {
                rig.Sim.Jam(Id003JamLocation.Stacker);
            }
        };
        await rig.BeginAsync();

        await rig.InsertAsync(200);
        await Eventually.Holds(() => rig.Driver.ActiveFaults.Any(f => f.Code == "validator.jam.safe"), "jam seen");
        rig.Sim.ClearJam();
        await Eventually.Holds(() => rig.Driver.ActiveFaults.Any(f => f.Code == "validator.note-unresolved"), "unresolved note flagged");

        var unresolved = rig.Driver.ActiveFaults.Single(f => f.Code == "validator.note-unresolved");
        Assert.Contains("₹200", unresolved.Message, StringComparison.Ordinal);
        Assert.Equal(FaultSeverity.Critical, unresolved.Severity);
        Assert.Equal(RecommendedAction.TechnicianNeeded, unresolved.Action);
        Assert.Empty(rig.Events.Of<NoteCredited>());
        Assert.Empty(rig.Events.Of<NoteReturned>());
        Assert.Equal(DeviceState.HardwareError, rig.Driver.State);
    }

    [Fact]
    public async Task A_note_the_unit_never_took_into_the_stacker_is_returned_after_a_jam_in_escrow()
    {
        await using var rig = await Id003Rig.StartAsync();
        var handler = new HoldingHandler(rig.Clock, TimeSpan.FromSeconds(2));
        await rig.BeginAsync(handler);

        await rig.InsertAsync(100);
        await handler.WaitUntilHoldingAsync();
        rig.Sim.Jam(Id003JamLocation.Acceptor);
        await Eventually.Holds(() => rig.Driver.ActiveFaults.Any(f => f.Code == "validator.jam.unsafe"), "jam seen");
        rig.Sim.ClearJam();
        var returned = await rig.Events.WaitForAsync<NoteReturned>();

        Assert.Equal(Money.Inr(100), returned.Note.Value);
        Assert.Equal(ReturnCause.Device, returned.Cause);
        Assert.Empty(rig.Events.Of<NoteCredited>());
        Assert.DoesNotContain(rig.Driver.ActiveFaults, f => f.Code == "validator.note-unresolved");
        Assert.True(rig.Driver.LinkStatistics.InvalidCommands > 0);
    }

    [Fact]
    public async Task Cash_box_removal_and_replacement_are_reported()
    {
        await using var rig = await Id003Rig.StartAsync();

        rig.Sim.RemoveCashbox();
        await rig.Events.WaitForAsync<CashboxChanged>(c => c.State == CashboxState.Removed);
        var fault = Assert.Single(rig.Driver.ActiveFaults);
        Assert.Equal("validator.cashbox.removed", fault.Code);
        Assert.Equal(RecommendedAction.OperatorCanClear, fault.Action);
        Assert.Equal(CashboxState.Removed, rig.Driver.Status.Cashbox);

        rig.Sim.ReplaceCashbox();
        await rig.Events.WaitForAsync<CashboxChanged>(c => c.State == CashboxState.Present);
        await Eventually.Holds(() => rig.Driver.ActiveFaults.Count == 0, "cash box fault cleared");
        Assert.Single(rig.Events.Of<CashboxChanged>(), c => c.State == CashboxState.Removed);
    }

    [Fact]
    public async Task Stacker_full_puts_the_acceptor_out_with_an_operator_fault()
    {
        await using var rig = await Id003Rig.StartAsync(Id003Rig.DeviceOptions with { StackerCapacity = 2 });
        var tx = await rig.BeginAsync();
        await rig.InsertAsync(100);
        await rig.Events.WaitForAsync<NoteCredited>();
        await rig.InsertAsync(100);
        await rig.Events.WaitForCountAsync<NoteCredited>(2);

        await Eventually.Holds(() => rig.Driver.Status.Cashbox == CashboxState.Full, "cash box full");
        var result = await tx.Completion.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("validator.cashbox.full", result.Fault!.Code);
        Assert.Equal(Money.Inr(200), result.Total);
        var fault = Assert.Single(rig.Driver.ActiveFaults);
        Assert.Equal(RecommendedAction.OperatorCanClear, fault.Action);
        await rig.Events.WaitForAsync<CashboxChanged>(c => c.State == CashboxState.Full);
        await Assert.ThrowsAsync<CashAcceptorException>(() => rig.BeginAsync());
    }

    [Fact]
    public async Task Failure_reports_its_code_and_needs_a_technician()
    {
        await using var rig = await Id003Rig.StartAsync();
        var tx = await rig.BeginAsync();

        rig.Sim.Fail((byte)Id003FailureCode.StackMotor);
        var result = await tx.Completion.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("validator.failure", result.Fault!.Code);
        Assert.Contains("STACK_MOTOR (0xA2)", result.Fault.Message, StringComparison.Ordinal);
        Assert.Equal(RecommendedAction.TechnicianNeeded, result.Fault.Action);
        Assert.Equal(DeviceState.HardwareError, rig.Driver.State);
        Assert.Equal(AcceptorState.Failure, rig.Driver.Status.Acceptor);

        rig.Sim.Fail((byte)Id003FailureCode.OpticalSensor);
        await Eventually.Holds(() => rig.Driver.ActiveFaults.Any(f => f.Message.Contains("OPTICAL_SENSOR", StringComparison.Ordinal)), "new failure code");
        Assert.Single(rig.Driver.ActiveFaults);

        rig.Sim.ClearFailure();
        await Eventually.Holds(() => rig.Driver.ActiveFaults.Count == 0, "failure cleared");
    }

    [Fact]
    public async Task Pause_is_a_warning_that_keeps_the_device_online()
    {
        await using var rig = await Id003Rig.StartAsync();
        var tx = await rig.BeginAsync();

        rig.Sim.SetPaused(true);
        await Eventually.Holds(() => rig.Driver.ActiveFaults.Any(f => f.Code == "validator.paused"), "pause reported");

        Assert.Equal(DeviceState.Online, rig.Driver.State);
        Assert.False(tx.Completion.IsCompleted);
        rig.Sim.SetPaused(false);
        await Eventually.Holds(() => rig.Driver.ActiveFaults.Count == 0, "pause cleared");
    }

    [Fact]
    public async Task A_unit_that_reads_the_denomination_mask_the_other_way_round_gets_a_configuration_fault_naming_the_setting()
    {
        await using var rig = await Id003Rig.StartAsync(Id003Rig.DeviceOptions with { DenominationMask = new Id003DenominationMask(SetBitDisables: false) });
        var tx = await rig.BeginAsync();

        var result = await tx.Completion.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("validator.all-inhibited", result.Fault!.Code);
        Assert.Equal(RecommendedAction.Configuration, result.Fault.Action);
        Assert.Contains("DenominationMask", result.Fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_country_code_outside_the_table_keeps_every_note_out_until_it_is_configured()
    {
        var table = Id003SimulatorOptions.InrTable().Select(d => d with { CountryCode = d.IsAssigned ? (byte)0x99 : (byte)0 }).ToList();
        await using (var unconfigured = await Id003Rig.StartAsync(Id003Rig.DeviceOptions with { Denominations = table }))
        {
            Assert.All(unconfigured.Driver.Capabilities!.Denominations, d => Assert.Equal("XXX", d.Value.Currency));
            Assert.Contains(unconfigured.Driver.ActiveFaults, f => f.Code == "validator.all-inhibited");
        }

        await using var rig = await Id003Rig.StartAsync(Id003Rig.DeviceOptions with { Denominations = table }, new Id003Options { CountryCode = 0x99 });
        Assert.All(rig.Driver.Capabilities!.Denominations, d => Assert.Equal("INR", d.Value.Currency));
        await rig.BeginAsync();
        await rig.InsertAsync(20);
        Assert.Equal(Money.Inr(20), (await rig.Events.WaitForAsync<NoteCredited>()).Note.Value);
    }
}
