using SevaKiosk.Testing;

namespace SevaKiosk.Integration.Tests.Firmware;

/// <summary>A wrong or missing key stops the firmware with a message naming the key (exit 2), before anything runs.</summary>
public sealed class ConfigCheckTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task Defaults_are_valid_and_describe_the_simulated_machine()
    {
        var result = await Sevakiosk.RunAsync(Timeout, "config", "check");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("configuration OK", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("the simulator", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "Validator": { "Protocol": "jcm" } }""", "Validator:Protocol")]
    [InlineData("""{ "Validator": { "Prtocol": "ssp" } }""", "Validator:Prtocol")]
    [InlineData("""{ "Valdator": { "Protocol": "ssp" } }""", "Valdator")]
    [InlineData("""{ "Validator": { "AcceptedNotes": [ 100, 250 ] } }""", "Validator:AcceptedNotes")]
    [InlineData("""{ "Validator": { "PollInterval": "soon" } }""", "Validator:PollInterval")]
    [InlineData("""{ "Validator": { "Serial": "9600-8N1" } }""", "Validator:Serial")]
    [InlineData("""{ "Validator": { "ResponseTimeout": "00:01:00" } }""", "Validator:ResponseTimeout")]
    [InlineData("""{ "Printer": { "Profile": "dot-matrix" } }""", "Printer:Profile")]
    [InlineData("""{ "Kiosk": { "MachineId": "RJ/01+" } }""", "Kiosk:MachineId")]
    [InlineData("""{ "Agent": { "Broker": "http://fleet" } }""", "Agent:Broker")]
    [InlineData("""{ "Agent": { "Broker": "mqtt://fleet.example:1883" } }""", "Agent:FleetPublicKey")]
    [InlineData("""{ "Sessions": { "InactivityTimeout": "00:00:01" } }""", "Sessions:InactivityTimeout")]
    public async Task A_bad_key_is_named_and_the_exit_code_is_2(string json, string key)
    {
        using var dir = new TempDirectory();
        var file = Path.Combine(dir.Path, "kiosk.json");
        await File.WriteAllTextAsync(file, json);

        var check = await Sevakiosk.RunAsync(Timeout, "config", "check", "--config", file);
        var run = await Sevakiosk.RunAsync(Timeout, "run", "--config", file, "--data", Path.Combine(dir.Path, "data"));

        Assert.Equal(2, check.ExitCode);
        Assert.Contains($"configuration error: {key}:", check.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"configuration error: {key}:", run.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "data")), "nothing starts with a bad configuration");
    }

    [Fact]
    public async Task A_missing_config_file_is_an_error_not_the_defaults()
    {
        var result = await Sevakiosk.RunAsync(Timeout, "run", "--config", "/nonexistent/kiosk.json");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--config", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secrets_can_come_from_files_beside_the_config()
    {
        using var dir = new TempDirectory();
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        await File.WriteAllTextAsync(Path.Combine(dir.Path, "fleet.pub.pem"), key.ExportSubjectPublicKeyInfoPem());
        await File.WriteAllTextAsync(Path.Combine(dir.Path, "mqtt.secret"), "s3cret-never-printed\n");
        var file = Path.Combine(dir.Path, "kiosk.json");
        await File.WriteAllTextAsync(file, """
            { "Kiosk": { "MachineId": "RJ-JP-BAS-0007" },
              "Agent": { "Broker": "mqtts://fleet.example:8883", "Username": "RJ-JP-BAS-0007",
                         "PasswordFile": "mqtt.secret", "FleetPublicKeyFile": "fleet.pub.pem" } }
            """);

        var result = await Sevakiosk.RunAsync(Timeout, "config", "check", "--config", file);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("RJ-JP-BAS-0007", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }
}
