using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SevaKiosk.Mqtt.Testing;
using SevaKiosk.Printer.Tests.Cli;
using SevaKiosk.Provision.Tests.Infrastructure;
using SevaKiosk.Tools.Provision;

namespace SevaKiosk.Provision.Tests;

/// <summary>What lands in the machine directory, with which modes, and that no secret reaches the console.</summary>
public sealed class MachineDirectoryTests : IDisposable
{
    private readonly ProvisionBench _bench = new();

    [Fact]
    public async Task Password_machine_gets_its_identity_pinned_key_and_configuration_and_only_the_secrets_file_is_private()
    {
        var outcome = await ProvisionBench.RunAsync(_bench.FieldArgs("--panchayat-hindi", "बस्सी", "--block-hindi", "बस्सी", "--district-hindi", "जयपुर"));

        Assert.True(outcome.Code == 0, outcome.All);
        var directory = _bench.MachineDirectory;
        Assert.Equal(
            [MachineFiles.BrokerPasswordLine, MachineFiles.BrokerPassword, MachineFiles.FleetKey, MachineFiles.Configuration, MachineFiles.MachineCard],
            Directory.GetFiles(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
        Assert.Equal(PrivateFile.OwnerOnly, File.GetUnixFileMode(Path.Combine(directory, MachineFiles.BrokerPassword)));
        Assert.Equal(PrivateFile.Readable, File.GetUnixFileMode(Path.Combine(directory, MachineFiles.Configuration)));

        var config = _bench.Configuration();
        Assert.Equal("RJ-JP-BAS-0001", (string?)config["Kiosk"]!["MachineId"]);
        Assert.Equal("बस्सी", (string?)config["Kiosk"]!["PanchayatHindi"]);
        Assert.Equal("जयपुर", (string?)config["Kiosk"]!["DistrictHindi"]);
        Assert.Equal("/var/lib/sevakiosk", (string?)config["Kiosk"]!["DataDirectory"]);
        Assert.Equal("RJ-JP-BAS-0001", (string?)config["Agent"]!["Username"]);
        Assert.Equal("/etc/sevakiosk/broker-password", (string?)config["Agent"]!["PasswordFile"]);
        Assert.Null(config["Agent"]!["Password"]);

        // The pinned key is the fleet's, and the recorded fingerprint is over its DER SubjectPublicKeyInfo.
        Assert.Equal("/etc/sevakiosk/fleet-command.pub.pem", (string?)config["Agent"]!["FleetPublicKeyFile"]);
        using var pinned = ECDsa.Create();
        pinned.ImportFromPem(File.ReadAllText(Path.Combine(directory, MachineFiles.FleetKey)));
        Assert.Equal(_bench.FleetKey.ExportSubjectPublicKeyInfo(), pinned.ExportSubjectPublicKeyInfo());
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(_bench.FleetKey.ExportSubjectPublicKeyInfo()));
        Assert.Equal(fingerprint, (string?)config["Provision"]!["FleetKeySha256"]);
        Assert.Contains(fingerprint, File.ReadAllText(Path.Combine(directory, MachineFiles.MachineCard)), StringComparison.Ordinal);

        // Only what belongs to this machine: defaults such as session timeouts keep following the installed firmware.
        Assert.Null(config["Sessions"]);
        Assert.Null(config["Logging"]);
    }

    [Fact]
    public async Task The_password_is_strong_different_per_machine_and_never_printed_or_written_outside_the_secrets_file()
    {
        var first = await ProvisionBench.RunAsync(_bench.FieldArgs());
        Assert.True(first.Code == 0, first.All);
        var password = _bench.Password();

        Assert.Matches("^[A-Za-z0-9_-]{43}$", password);
        Assert.DoesNotContain(password, first.All, StringComparison.Ordinal);
        foreach (var file in Directory.GetFiles(_bench.MachineDirectory).Where(f => Path.GetFileName(f) != MachineFiles.BrokerPassword))
        {
            Assert.DoesNotContain(password, File.ReadAllText(file), StringComparison.Ordinal);
        }

        var again = await ProvisionBench.RunAsync(_bench.FieldArgs("--force"));
        Assert.True(again.Code == 0, again.All);
        Assert.NotEqual(password, _bench.Password());
    }

    [Fact]
    public async Task The_real_kioskctl_process_prints_the_machine_card_but_not_the_password()
    {
        var (exit, stdout, stderr) = await CliProcess.RunAsync("kioskctl", ["provision", .. _bench.FieldArgs()]);

        Assert.True(exit == 0, stderr);
        Assert.Contains("SevaKiosk machine RJ-JP-BAS-0001", stdout, StringComparison.Ordinal);
        Assert.Contains($"Provisioned RJ-JP-BAS-0001 in {_bench.MachineDirectory}", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(_bench.Password(), stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Certificate_machine_gets_a_private_p256_key_and_a_signed_request_naming_it_and_its_place()
    {
        using var ca = TestCertificates.Create("SevaKiosk Fleet CA");
        var outcome = await ProvisionBench.RunAsync(_bench.FieldArgs(
            "--broker", "mqtts://fleet.example:8883", "--auth", "certificate", "--ca-cert", ca.CaCertificatePath,
            "--panchayat", "Dudu", "--block", "Phagi", "--district", "Jaipur"));

        Assert.True(outcome.Code == 0, outcome.All);
        var directory = _bench.MachineDirectory;
        Assert.False(File.Exists(Path.Combine(directory, MachineFiles.BrokerPassword)));
        Assert.Equal(PrivateFile.OwnerOnly, File.GetUnixFileMode(Path.Combine(directory, MachineFiles.ClientKey)));

        // LoadSigningRequestPem checks the request's self-signature by default.
        var request = CertificateRequest.LoadSigningRequestPem(
            File.ReadAllText(Path.Combine(directory, MachineFiles.ClientRequest)), HashAlgorithmName.SHA256, CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
        Assert.Equal("CN=RJ-JP-BAS-0001, L=Dudu, OU=Phagi, O=Jaipur", request.SubjectName.Name);
        var usage = request.CertificateExtensions.OfType<X509EnhancedKeyUsageExtension>().Single();
        Assert.Contains(usage.EnhancedKeyUsages.Cast<Oid>(), o => o.Value == "1.3.6.1.5.5.7.3.2");

        using var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(Path.Combine(directory, MachineFiles.ClientKey)));
        Assert.Equal(256, key.KeySize);
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), request.PublicKey.ExportSubjectPublicKeyInfo());

        var config = _bench.Configuration();
        Assert.Equal("/etc/sevakiosk/client.key.pem", (string?)config["Agent"]!["ClientKeyFile"]);
        Assert.Equal("/etc/sevakiosk/client.crt.pem", (string?)config["Agent"]!["ClientCertificateFile"]);
        Assert.Equal("/etc/sevakiosk/broker-ca.pem", (string?)config["Agent"]!["CaCertificateFile"]);
        Assert.Null(config["Agent"]!["Username"]);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo())), (string?)config["Provision"]!["ClientKeySha256"]);
        Assert.Equal(File.ReadAllText(ca.CaCertificatePath), File.ReadAllText(Path.Combine(directory, MachineFiles.BrokerCa)));
        Assert.DoesNotContain("PRIVATE KEY", outcome.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_existing_machine_is_kept_unless_forced_and_a_directory_that_is_not_a_machine_is_never_replaced()
    {
        Assert.Equal(0, (await ProvisionBench.RunAsync(_bench.FieldArgs())).Code);
        var password = _bench.Password();

        var refused = await ProvisionBench.RunAsync(_bench.FieldArgs());
        Assert.Equal(2, refused.Code);
        Assert.Contains("--force", refused.Error, StringComparison.Ordinal);
        Assert.Equal(password, _bench.Password());

        var forced = await ProvisionBench.RunAsync(_bench.FieldArgs("--force", "--validator-protocol", "cctalk"));
        Assert.Equal(0, forced.Code);
        Assert.Equal("cctalk", (string?)_bench.Configuration()["Validator"]!["Protocol"]);

        var home = Path.Combine(_bench.Root, "somebody-else");
        Directory.CreateDirectory(home);
        File.WriteAllText(Path.Combine(home, "notes.txt"), "keep me");
        var stranger = await ProvisionBench.RunAsync(_bench.FieldArgs("--force", "--out", home));
        Assert.Equal(2, stranger.Code);
        Assert.Contains("not a machine directory", stranger.Error, StringComparison.Ordinal);
        Assert.Equal(["notes.txt"], Directory.GetFiles(home).Select(Path.GetFileName));

        // Neither the refusals nor the replacement left staging directories behind.
        Assert.Equal(["RJ-JP-BAS-0001"], Directory.GetDirectories(Path.GetDirectoryName(_bench.MachineDirectory)!).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_bench_machine_without_broker_runs_simulated_devices_and_needs_no_credentials()
    {
        var outcome = await ProvisionBench.RunAsync(
            "--machine-id", "BENCH-1", "--panchayat", "Bassi", "--block", "Bassi", "--district", "Jaipur",
            "--out", _bench.MachineDirectory, "--simulated-devices");

        Assert.True(outcome.Code == 0, outcome.All);
        var config = _bench.Configuration();
        Assert.Equal(string.Empty, (string?)config["Agent"]!["Broker"]);
        Assert.Equal(string.Empty, (string?)config["Validator"]!["Port"]);
        Assert.Equal(string.Empty, (string?)config["Printer"]!["Port"]);
        Assert.Equal([MachineFiles.Configuration, MachineFiles.MachineCard], Directory.GetFiles(_bench.MachineDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains("BENCH configuration", outcome.Output, StringComparison.Ordinal);
    }

    public void Dispose() => _bench.Dispose();
}
