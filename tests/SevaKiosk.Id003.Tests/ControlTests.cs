using SevaKiosk.Simulator.Devices.Validators.Id003;

namespace SevaKiosk.Id003.Tests;

/// <summary>The JSON control contract of <c>sevakiosk-sim device validator --protocol id003</c>.</summary>
public class ControlTests
{
    [Theory]
    [InlineData("""{"bogus":1}""", "Unknown key 'bogus'")]
    [InlineData("""{"insert":500,"silent":true}""", "One command per line")]
    [InlineData("""{"reject":"length"}""", "No command given")]
    [InlineData("""{"jam":"clear","reject":"length"}""", "'reject' goes with 'insert'")]
    [InlineData("""{"silent":true,"note":"stacker"}""", "go with {\"power\":\"cycle\"}")]
    [InlineData("""{"insert":"500"}""", "positive whole number")]
    [InlineData("""{"insert":500,"reject":"smudge"}""", "Unknown reject reason")]
    [InlineData("""{"jam":"door"}""", "\"acceptor\"")]
    [InlineData("""{"cashbox":"stolen"}""", "\"removed\"")]
    [InlineData("""{"failure":"ZZ"}""", "failure code")]
    [InlineData("""{"power":"cycle","note":"bezel"}""", "\"acceptor\"")]
    [InlineData("""{"noise":2}""", "between 0 and 1")]
    [InlineData("""{"slow":-5}""", "milliseconds between")]
    [InlineData("""{"silent":"yes"}""", "true or false")]
    [InlineData("""[1,2]""", "JSON object")]
    public async Task Malformed_controls_are_answered_with_an_error_and_change_nothing(string line, string hint)
    {
        await using var host = Id003TestHost.Start();
        var before = host.Device.Snapshot();
        var reply = host.Control(line);
        Assert.False((bool)reply["ok"]!);
        Assert.Contains(hint, (string)reply["error"]!, StringComparison.Ordinal);
        Assert.Equal(before, host.Device.Snapshot());
    }

    [Fact]
    public async Task Status_control_reports_phase_note_counters_and_link_settings()
    {
        await using var host = Id003TestHost.Start();
        await host.StartUpAndEnableAsync();
        await host.InsertToEscrowAsync(100);
        host.Control("""{"slow":40}""");
        host.Control("""{"noise":0.001}""");

        var status = host.Control("""{"status":true}""")["status"]!;
        Assert.Equal("ESCROW", (string)status["status"]!);
        Assert.Equal("0x13", (string)status["code"]!);
        Assert.Equal(100L, (long)status["note"]!["value"]!);
        Assert.Equal("acceptor", (string)status["note"]!["position"]!);
        Assert.Equal(40.0, (double)status["line"]!["slowMs"]!);
        Assert.Equal(0.001, (double)status["line"]!["noise"]!);
        Assert.True((long)status["line"]!["bytesReceived"]! > 0);
        Assert.False((bool)status["inhibited"]!);
    }

    [Fact]
    public void Describe_lists_the_currency_table_for_the_first_output_line()
    {
        var device = new Id003SimulatedValidator();
        var first = device.Describe();
        Assert.Equal("id003", (string)first["protocol"]!);
        Assert.Equal([10L, 20, 50, 100, 200, 500], first["denominations"]!.AsArray().Select(d => (long)d!["value"]!));
        Assert.Equal("validator", device.Kind);
    }

    [Fact]
    public void Every_documented_reason_name_maps_to_a_reject_code()
    {
        foreach (var (name, code) in Id003RejectReasons.Names)
        {
            Assert.Equal((byte)code, Id003RejectReasons.Parse(name));
        }

        Assert.Null(Id003RejectReasons.Parse("fraud"));
        Assert.Equal((byte)0x7D, Id003RejectReasons.Parse("7d"));
        Assert.Throws<ArgumentException>(() => Id003RejectReasons.Parse("smudge"));
    }
}
