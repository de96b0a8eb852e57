using System.Text.Json.Nodes;
using SevaKiosk.Protocol.Ssp;
using SevaKiosk.Simulator.Control;
using SevaKiosk.Simulator.Devices.Validators.Ssp;

namespace SevaKiosk.Simulator.Tests.Validators.Ssp;

/// <summary>The JSON-lines contract of <c>sevakiosk-sim device validator --protocol ssp</c>, through DeviceControlSession.</summary>
public class SspValidatorControlsTests
{
    [Fact]
    public async Task Insert_on_a_disabled_unit_says_the_note_was_not_taken_and_on_an_enabled_one_gives_its_channel()
    {
        await using var sim = SspSimulatorHarness.Start();

        var refused = Apply(sim, """{"insert":500}""");
        await sim.InitialiseAsync();
        var taken = Apply(sim, """{"insert":500}""");

        Assert.True((bool)refused["ok"]!);
        Assert.False((bool)refused["taken"]!);
        Assert.Equal("disabled", (string)refused["reason"]!);
        Assert.True((bool)taken["taken"]!);
        Assert.Equal(6, (int)taken["channel"]!);
    }

    [Theory]
    [InlineData("counterfeit", 0x04)]
    [InlineData("inhibited", 0x06)]
    [InlineData("too-long", 0x0B)]
    [InlineData("double-note", 0x1C)]
    [InlineData("slow-mech", 0x0D)]
    [InlineData("escrow-timeout", 0x13)]
    [InlineData("0x1A", 0x1A)]
    public async Task Insert_with_a_reject_reason_is_rejected_on_the_wire_with_that_code(string reason, byte code)
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();

        var reply = Apply(sim, $$"""{"insert":100,"reject":"{{reason}}"}""");
        sim.Advance(1000);

        Assert.Equal($"0x{code:X2}", (string)reply["rejectCode"]!);
        Assert.Equal(["REJECTED"], await sim.Host.PollAsync());
        Assert.Equal(code, (byte)sim.Device.Status.LastRejectCode);
    }

    [Fact]
    public async Task Insert_with_reject_fraud_is_a_fraud_attempt()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();

        Assert.Equal("fraud-attempt", (string)Apply(sim, """{"insert":50,"reject":"fraud"}""")["outcome"]!);
        sim.Advance(500);

        Assert.Equal(["FRAUD_ATTEMPT(3)"], await sim.Host.PollAsync());
    }

    [Fact]
    public async Task Jam_cashbox_and_power_commands_reach_the_wire()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();
        await sim.NoteInEscrowAsync(20);

        Apply(sim, """{"jam":"unsafe"}""");
        Assert.Equal(["UNSAFE_NOTE_JAM"], await sim.Host.PollAsync());
        var cleared = Apply(sim, """{"jam":"clear","note":"cashbox"}""");
        Assert.Equal("cashbox", (string)cleared["noteCleared"]!["to"]!);
        Apply(sim, """{"cashbox":"removed"}""");
        Assert.Equal(["NOTE_CLEARED_INTO_CASHBOX(2)", "CASHBOX_REMOVED"], await sim.Host.PollAsync());

        var power = Apply(sim, """{"power":"cycle"}""");
        Assert.Equal("cycle", (string)power["power"]!);
        Assert.True(sim.Device.Status.Booting);
    }

    [Fact]
    public async Task Line_settings_show_up_in_status()
    {
        await using var sim = SspSimulatorHarness.Start();

        Apply(sim, """{"silent":true}""");
        Apply(sim, """{"slow":250}""");
        Apply(sim, """{"noise":0.001}""");
        Apply(sim, """{"echo":true}""");
        var status = Apply(sim, """{"status":true}""")["status"]!;

        Assert.True((bool)status["line"]!["silent"]!);
        Assert.Equal(250, (double)status["line"]!["slowMs"]!);
        Assert.Equal(0.001, (double)status["line"]!["noise"]!);
        Assert.True((bool)status["line"]!["echo"]!);
        Assert.Equal("present", (string)status["cashbox"]!);
        Assert.Equal(0u, (uint)status["counters"]!["stacked"]!);
    }

    [Fact]
    public async Task Status_reports_the_note_counters_and_encryption()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();
        await NoteFlow.StackAsync(sim, 200);
        await sim.NoteInEscrowAsync(500);

        var status = Apply(sim, """{"status":true}""")["status"]!;

        Assert.Equal("escrow", (string)status["note"]!["phase"]!);
        Assert.Equal(500, (long)status["note"]!["value"]!);
        Assert.Equal(1u, (uint)status["counters"]!["stacked"]!);
        Assert.False((bool)status["encryption"]!["keyNegotiated"]!);
        Assert.True((bool)status["enabled"]!);
    }

    [Theory]
    [InlineData("""{"bogus":1}""", "Unknown key 'bogus'")]
    [InlineData("""{}""", "No command given")]
    [InlineData("""{"insert":500,"jam":"safe"}""", "One command per line")]
    [InlineData("""{"insert":-5}""", "positive whole number")]
    [InlineData("""{"insert":"500"}""", "positive whole number")]
    [InlineData("""{"insert":100,"reject":"smudged"}""", "Unknown reject reason 'smudged'")]
    [InlineData("""{"reject":"counterfeit"}""", "No command given")]
    [InlineData("""{"jam":"safe","reject":"counterfeit"}""", "'reject' goes with 'insert'")]
    [InlineData("""{"cashbox":"stolen"}""", "'cashbox' is")]
    [InlineData("""{"jam":"sticky"}""", "'jam' is")]
    [InlineData("""{"power":"off"}""", "'power' takes")]
    [InlineData("""{"power":"cycle","note":"front"}""", "No note is in the path")]
    [InlineData("""{"jam":"clear"}""", "Nothing is jammed")]
    [InlineData("""{"cashbox":"full","note":"front"}""", "'note' goes with")]
    [InlineData("""{"noise":2}""", "between 0 and 1")]
    [InlineData("""{"slow":-1}""", "milliseconds")]
    [InlineData("""{"silent":"yes"}""", "true or false")]
    [InlineData("""[1,2]""", "JSON object")]
    [InlineData("""not json""", "not JSON")]
    public async Task Bad_control_commands_get_ok_false_with_a_reason_and_change_nothing(string line, string reason)
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();

        var reply = Apply(sim, line);

        Assert.False((bool)reply["ok"]!);
        Assert.Contains(reason, (string)reply["error"]!, StringComparison.Ordinal);
        Assert.Null(sim.Device.Status.NotePhase);
        Assert.False(sim.Device.Status.Booting);
    }

    [Fact]
    public void Every_reject_name_the_error_lists_parses()
    {
        foreach (var name in SspNoteRejections.Names())
        {
            Assert.True(SspNoteRejections.TryParse(name, out var outcome), name);
            Assert.True(outcome.Fraud || outcome.Reject is not null, name);
        }

        Assert.False(SspNoteRejections.TryParse("0x00", out _));
        Assert.False(SspNoteRejections.TryParse("0x1E", out _));
    }

    [Fact]
    public void Describe_gives_the_identity_for_the_first_output_line()
    {
        var device = new SimulatedSspValidator(new SspValidatorOptions { ChannelValues = [10, 20, 50, 100, 200, 500, 2000], EncryptionRequired = true });

        var identity = device.Describe();

        Assert.Equal("ssp", (string)identity["protocol"]!);
        Assert.Equal(2000, (long)identity["channels"]![6]!);
        Assert.True((bool)identity["encrypted"]!);
        Assert.Equal("validator", device.Kind);
    }

    private static JsonObject Apply(SspSimulatorHarness sim, string line) => DeviceControlSession.Apply(sim.Device, line);
}
