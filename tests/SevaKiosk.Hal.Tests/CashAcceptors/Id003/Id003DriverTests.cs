using System.Globalization;
using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.CashAcceptors.Id003;
using SevaKiosk.Hal.Devices;
using SevaKiosk.Hal.Links;
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
        Assert.Single(rig.DeviceEventsOf("reset"));
        Assert.Equal(
            ["SET_ENABLE_DISABLE", "SET_SECURITY", "SET_COMMUNICATION_MODE", "SET_DIRECTION", "SET_INHIBIT"],
            rig.DeviceEventsOf("setting").Select(e => (string)e["command"]!).Distinct());
        Assert.Equal("00", (string)rig.DeviceEventsOf("setting").Last(e => (string)e["command"]! == "SET_COMMUNICATION_MODE")["data"]!);
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
    public async Task Vend_valid_is_acknowledged_every_time_the_unit_reports_it_but_credited_once_and_done_at_stacked()
    {
        // The first ACK is lost on the line, so the unit reports the first note's VEND VALID again.
        var line = (AckLosingLine?)null;
        await using var rig = await Id003Rig.StartAsync(hostLine: s => line = new AckLosingLine(s));
        var tx = await rig.BeginAsync();

        await rig.InsertAsync(500);
        await rig.Events.WaitForAsync<NoteStacked>();
        await rig.InsertAsync(100);
        await rig.Events.WaitForCountAsync<NoteStacked>(2);
        var result = await tx.EndAsync(CancellationToken.None);

        Assert.Equal((1, 3), (line!.Lost, line.Acks));
        Assert.Equal([500m, 100m], result.Credited.Select(c => c.Note.Value!.Value.Amount));
        Assert.Equal(2, rig.Events.Of<NoteCredited>().Count);
        Assert.Equal([500m, 100m], rig.Events.Of<NoteStacked>().Select(s => s.Note!.Value!.Value.Amount));
        var device = rig.Sim.Snapshot();
        Assert.Equal((2, 600L, 2), (device.StackedCount, device.StackedTotal, device.CreditedCount));

        // Each credit comes at or after its VEND VALID, never at the STACK command before it.
        var vendValidAt = rig.DeviceEventsOf("vend-valid").Select(e => DateTimeOffset.Parse((string)e["at"]!, CultureInfo.InvariantCulture)).ToArray();
        Assert.All(result.Credited.Zip(vendValidAt), p => Assert.True(p.First.At >= p.Second, $"credited at {p.First.At:O}, VEND VALID at {p.Second:O}"));
        Assert.Equal(["STACK_1"], rig.DeviceEventsOf("stacking").Select(e => (string)e["command"]!).Distinct());
    }

    [Fact]
    public async Task Stack_2_is_used_when_configured_and_credits_the_same_way()
    {
        await using var rig = await Id003Rig.StartAsync(driver: new Id003Options { StackCommand = Id003Command.Stack2 });
        await rig.BeginAsync();

        await rig.InsertAsync(100);
        var credit = await rig.Events.WaitForAsync<NoteCredited>();

        Assert.Equal(Money.Inr(100), credit.Note.Value);
        Assert.Equal("STACK_2", (string)Assert.Single(rig.DeviceEventsOf("stacking"))["command"]!);
    }

    [Fact]
    public async Task A_note_the_device_rejects_is_reported_once_with_its_reason_and_never_credited()
    {
        await using var rig = await Id003Rig.StartAsync();
        await rig.BeginAsync();

        await rig.InsertAsync(500, (byte)Id003RejectCode.PhotoLevelError);
        var rejected = await rig.Events.WaitForAsync<NoteRejected>();
        await Eventually.Holds(() => rig.DeviceEventsOf("note-rejected").Count == 1, "note back at the bezel");
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
    public async Task Lifetime_counters_are_null_because_id003_has_none()
    {
        await using var rig = await Id003Rig.StartAsync();

        var counters = await rig.Driver.ReadCountersAsync(CancellationToken.None);

        Assert.Equal(new CashAcceptorCounters(null, null, null, null, null), counters);
    }

    /// <summary>The driver's end of the line, losing the first ACK it sends (a noise burst on the way to the unit).</summary>
    private sealed class AckLosingLine(Stream inner) : DelegatingStream(inner)
    {
        private static readonly byte[] AckFrame = Id003FrameWriter.ToArray(Id003Command.Ack);
        private int _acks;

        public int Acks => Volatile.Read(ref _acks);

        public int Lost { get; private set; }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (buffer.Span.SequenceEqual(AckFrame) && Interlocked.Increment(ref _acks) == 1)
            {
                Lost++;
                return;
            }

            await Inner.WriteAsync(buffer, cancellationToken);
        }
    }
}
