using System.Text.Json.Nodes;
using SevaKiosk.Firmware.Hosting;
using SevaKiosk.Printer.Tests.Cli;
using SevaKiosk.Provision.Tests.Infrastructure;
using SevaKiosk.Tools.Provision;

namespace SevaKiosk.Provision.Tests;

/// <summary>
/// The firmware's own validation over what provision wrote: <c>sevakiosk config check</c> as a process and
/// <see cref="KioskConfiguration.Load"/> in-process; a tampered file is refused with the key named.
/// </summary>
public sealed class FirmwareAcceptanceTests : IDisposable
{
    private readonly ProvisionBench _bench = new();

    private string ConfigPath => Path.Combine(_bench.MachineDirectory, MachineFiles.Configuration);

    [Fact]
    public async Task Sevakiosk_config_check_accepts_a_provisioned_field_machine_with_its_pinned_key_and_password_files()
    {
        _bench.Plug("usb-Innovative_Technology_Ltd_NV200_00123456-if00", "ttyACM0");
        var outcome = await ProvisionBench.RunAsync(_bench.FieldArgs("--install-dir", _bench.MachineDirectory));
        Assert.True(outcome.Code == 0, outcome.All);

        var (exit, stdout, stderr) = await CliProcess.RunAsync("sevakiosk", "config", "check", "--config", ConfigPath);

        Assert.True(exit == 0, stdout + stderr);
        Assert.Contains("configuration OK: machine RJ-JP-BAS-0001, validator ssp on /dev/serial/by-id/usb-Innovative_Technology_Ltd_NV200_00123456-if00", stdout, StringComparison.Ordinal);
        Assert.Contains("broker mqtt://fleet.example:1883", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_bound_settings_carry_the_machine_the_password_and_the_pinned_fleet_key()
    {
        var outcome = await ProvisionBench.RunAsync(_bench.FieldArgs("--install-dir", _bench.MachineDirectory, "--notes", "100,200,500", "--printer-profile", "generic-58mm"));
        Assert.True(outcome.Code == 0, outcome.All);

        var settings = KioskConfiguration.Load(KioskConfiguration.Build(ConfigPath));

        Assert.Equal("RJ-JP-BAS-0001", settings.Kiosk.MachineId);
        Assert.Equal([100m, 200m, 500m], settings.Validator.AcceptedNotes);
        Assert.Equal("generic-58mm", settings.Printer.Profile);
        Assert.Equal(_bench.Password(), settings.Agent.Password);
        Assert.Equal(_bench.FleetKey.ExportSubjectPublicKeyInfoPem().Trim(), settings.Agent.FleetPublicKey);
    }

    [Theory]
    [InlineData("Validator", "Protocol", "mdb", "Validator:Protocol")]
    [InlineData("Printer", "Profile", "generic-112mm", "Printer:Profile")]
    [InlineData("Kiosk", "Language", "fr", "Kiosk:Language")]
    [InlineData("Validator", "Serial", "9600,8X2", "Validator:Serial")]
    public async Task A_tampered_file_is_refused_by_the_firmware_with_the_key_named(string section, string key, string value, string expectedKey)
    {
        await ProvisionThenTamperAsync(section, key, value);

        var refused = Assert.Throws<KioskConfigurationException>(() => KioskConfiguration.Load(KioskConfiguration.Build(ConfigPath)));

        Assert.Equal(expectedKey, refused.Key);
    }

    [Fact]
    public async Task Sevakiosk_config_check_refuses_a_tampered_protocol_with_exit_2_naming_the_key()
    {
        await ProvisionThenTamperAsync("Validator", "Protocol", "mdb");

        var (exit, _, stderr) = await CliProcess.RunAsync("sevakiosk", "config", "check", "--config", ConfigPath);

        Assert.Equal(2, exit);
        Assert.Contains("Validator:Protocol", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_note_outside_the_series_slipped_into_the_file_is_refused()
    {
        Assert.Equal(0, (await ProvisionBench.RunAsync(_bench.FieldArgs("--install-dir", _bench.MachineDirectory))).Code);
        var config = _bench.Configuration();
        config["Validator"]!["AcceptedNotes"] = new JsonArray(100, 250);
        File.WriteAllText(ConfigPath, config.ToJsonString());

        var refused = Assert.Throws<KioskConfigurationException>(() => KioskConfiguration.Load(KioskConfiguration.Build(ConfigPath)));

        Assert.Equal("Validator:AcceptedNotes", refused.Key);
    }

    [Fact]
    public async Task A_request_whose_configuration_the_firmware_would_refuse_fails_and_writes_nothing()
    {
        // The MQTT contract allows '.' in a machine id; the firmware's configuration rule does not. Provision defers to the firmware.
        var outcome = await ProvisionBench.RunAsync(_bench.FieldArgs("--machine-id", "RJ.JP.0001"));

        Assert.Equal(2, outcome.Code);
        Assert.Contains("the firmware would refuse this configuration: Kiosk:MachineId: 'RJ.JP.0001'", outcome.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_bench.MachineDirectory));
        Assert.Empty(Directory.GetDirectories(Path.GetDirectoryName(_bench.MachineDirectory)!));
    }

    private async Task ProvisionThenTamperAsync(string section, string key, string value)
    {
        Assert.Equal(0, (await ProvisionBench.RunAsync(_bench.FieldArgs("--install-dir", _bench.MachineDirectory))).Code);
        var config = _bench.Configuration();
        config[section]![key] = value;
        File.WriteAllText(ConfigPath, config.ToJsonString());
    }

    public void Dispose() => _bench.Dispose();
}
