using System.Security.Cryptography;
using SevaKiosk.Provision.Tests.Infrastructure;

namespace SevaKiosk.Provision.Tests;

/// <summary>Requests that cannot be carried out: exit code 2, a message naming the flag, and nothing written.</summary>
public sealed class RefusalTests : IDisposable
{
    private readonly ProvisionBench _bench = new();

    [Theory]
    [InlineData("--machine-id")]
    [InlineData("--panchayat")]
    [InlineData("--block")]
    [InlineData("--district")]
    [InlineData("--out")]
    public async Task A_missing_required_flag_is_a_usage_error_naming_it(string flag)
    {
        var outcome = await ProvisionBench.RunAsync(_bench.FieldArgsWithout(flag));

        Assert.Equal(2, outcome.Code);
        Assert.Contains(flag, outcome.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_bench.MachineDirectory));
    }

    [Theory]
    [InlineData("--validator-protocol", "mdb", "--validator-protocol")]
    [InlineData("--printer-profile", "generic-112mm", "--printer-profile")]
    [InlineData("--auth", "token", "--auth")]
    [InlineData("--machine-id", "RJ/JP 0001", "--machine-id")]
    [InlineData("--notes", "10,25,500", "25 is not an Indian banknote")]
    [InlineData("--notes", "10,ten", "'ten' is not a whole rupee amount")]
    [InlineData("--notes", "100,100", "twice")]
    [InlineData("--broker", "http://fleet.example", "--broker")]
    [InlineData("--broker", "mqtts://fleet.example:8883", "--ca-cert is required")]
    [InlineData("--auth", "certificate", "--auth certificate needs an mqtts:// broker")]
    [InlineData("--validator-port", "ttyUSB0", "--validator-port 'ttyUSB0' must be an absolute device path")]
    [InlineData("--panchayat", " ", "--panchayat")]
    public async Task An_invalid_value_is_a_usage_error_naming_what_is_wrong(string flag, string value, string expected)
    {
        var outcome = await ProvisionBench.RunAsync(_bench.FieldArgs(flag, value));

        Assert.Equal(2, outcome.Code);
        Assert.Contains(expected, outcome.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_bench.MachineDirectory));
    }

    [Fact]
    public async Task A_field_broker_without_the_fleet_key_is_refused_because_no_command_could_be_verified()
    {
        var outcome = await ProvisionBench.RunAsync(_bench.FieldArgsWithout("--fleet-key"));

        Assert.Equal(2, outcome.Code);
        Assert.Contains("--fleet-key is required with --broker", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_fleet_private_key_given_by_mistake_is_refused_and_never_copied()
    {
        var privatePath = Path.Combine(_bench.Root, "fleet-command.key.pem");
        File.WriteAllText(privatePath, _bench.FleetKey.ExportPkcs8PrivateKeyPem());

        var outcome = await ProvisionBench.RunAsync(_bench.FieldArgs("--fleet-key", privatePath));

        Assert.Equal(2, outcome.Code);
        Assert.Contains("is a PRIVATE key", outcome.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_bench.MachineDirectory));
    }

    [Fact]
    public async Task A_fleet_key_that_is_not_p256_is_refused()
    {
        using var rsa = RSA.Create(1024);
        var rsaPath = Path.Combine(_bench.Root, "rsa.pub.pem");
        File.WriteAllText(rsaPath, rsa.ExportSubjectPublicKeyInfoPem());
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var p384Path = Path.Combine(_bench.Root, "p384.pub.pem");
        File.WriteAllText(p384Path, p384.ExportSubjectPublicKeyInfoPem());

        var notEc = await ProvisionBench.RunAsync(_bench.FieldArgs("--fleet-key", rsaPath));
        var wrongCurve = await ProvisionBench.RunAsync(_bench.FieldArgs("--fleet-key", p384Path));

        Assert.Equal(2, notEc.Code);
        Assert.Contains("--fleet-key", notEc.Error, StringComparison.Ordinal);
        Assert.Equal(2, wrongCurve.Code);
        Assert.Contains("P-256", wrongCurve.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ca_file_without_a_certificate_is_refused()
    {
        var notCa = Path.Combine(_bench.Root, "ca.pem");
        File.WriteAllText(notCa, _bench.FleetKey.ExportSubjectPublicKeyInfoPem());

        var outcome = await ProvisionBench.RunAsync(_bench.FieldArgs("--broker", "mqtts://fleet.example:8883", "--ca-cert", notCa));

        Assert.Equal(2, outcome.Code);
        Assert.Contains("holds no PEM certificate", outcome.Error, StringComparison.Ordinal);
    }

    public void Dispose() => _bench.Dispose();
}
