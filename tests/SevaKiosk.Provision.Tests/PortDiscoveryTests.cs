using SevaKiosk.Provision.Tests.Infrastructure;

namespace SevaKiosk.Provision.Tests;

/// <summary>The port map from a fake <c>/dev/serial/by-id</c>: what is recognised, what is left alone, and what is refused.</summary>
public sealed class PortDiscoveryTests : IDisposable
{
    private const string Nv200 = "usb-Innovative_Technology_Ltd_NV200_00123456-if00";
    private const string Ftdi = "usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0";
    private const string Printer = "usb-CUSTOM_Engineering_VKP80III_Printer_0815-if00";
    private const string Pn532 = "usb-Elechouse_PN532_NFC_Module-if00-port0";
    private const string Jcm = "usb-JCM_iVIZION_100_1234-if00-port0";

    private readonly ProvisionBench _bench = new();

    [Fact]
    public async Task Plugged_in_devices_get_their_stable_names_and_a_bare_bridge_is_listed_but_not_guessed()
    {
        _bench.Plug(Nv200, "ttyACM0");
        _bench.Plug(Printer, "ttyACM1");
        _bench.Plug(Pn532, "ttyUSB1");
        _bench.Plug(Ftdi, "ttyUSB0");

        var outcome = await ProvisionBench.RunAsync(_bench.FieldArgs());

        Assert.True(outcome.Code == 0, outcome.All);
        var config = _bench.Configuration();
        Assert.Equal($"/dev/serial/by-id/{Nv200}", (string?)config["Validator"]!["Port"]);
        Assert.Equal("9600,8N2", (string?)config["Validator"]!["Serial"]);
        Assert.Equal($"/dev/serial/by-id/{Printer}", (string?)config["Printer"]!["Port"]);
        Assert.Equal("discovered", (string?)config["Provision"]!["Ports"]!["Validator"]!["Source"]);
        Assert.Equal("ITL validator (SSP)", (string?)config["Provision"]!["Ports"]!["Validator"]!["Device"]);
        Assert.Equal($"/dev/serial/by-id/{Pn532}", (string?)config["Provision"]!["Ports"]!["CardReader"]!["Path"]);
        Assert.Equal("discovered", (string?)config["Provision"]!["Ports"]!["CardReader"]!["Source"]);
        Assert.Contains($"(unused)     /dev/serial/by-id/{Ftdi} -> ttyUSB0  FTDI USB-serial bridge", outcome.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_nothing_plugged_in_the_vendor_defaults_for_the_protocol_are_used_and_flagged()
    {
        var outcome = await ProvisionBench.RunAsync(_bench.FieldArgs("--validator-protocol", "id003", "--printer-profile", "generic-58mm"));

        Assert.True(outcome.Code == 0, outcome.All);
        var config = _bench.Configuration();
        Assert.Equal("id003", (string?)config["Validator"]!["Protocol"]);
        Assert.StartsWith("/dev/serial/by-id/usb-JCM", (string?)config["Validator"]!["Port"], StringComparison.Ordinal);
        Assert.Equal("9600,8E1", (string?)config["Validator"]!["Serial"]);
        Assert.Equal("generic-58mm", (string?)config["Printer"]!["Profile"]);
        Assert.Equal("vendor-default", (string?)config["Provision"]!["Ports"]!["Validator"]!["Source"]);
        Assert.Equal("not-fitted", (string?)config["Provision"]!["Ports"]!["CardReader"]!["Source"]);
        Assert.Contains("VENDOR DEFAULT, not seen on this system", outcome.Output, StringComparison.Ordinal);
        Assert.Contains("kioskctl diag validator --protocol id003 --port /dev/serial/by-id/usb-JCM", outcome.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_validator_of_another_protocol_than_asked_for_is_refused_with_the_right_protocol_named()
    {
        _bench.Plug(Jcm, "ttyUSB0");

        var outcome = await ProvisionBench.RunAsync(_bench.FieldArgs("--validator-protocol", "ssp"));

        Assert.Equal(2, outcome.Code);
        Assert.Contains("--validator-protocol id003", outcome.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_bench.MachineDirectory));
    }

    [Fact]
    public async Task Two_candidates_for_one_device_are_refused_until_one_is_chosen()
    {
        _bench.Plug(Nv200, "ttyACM0");
        _bench.Plug("usb-Innovative_Technology_Ltd_NV9USB_00999-if00", "ttyACM1");

        var ambiguous = await ProvisionBench.RunAsync(_bench.FieldArgs());
        Assert.Equal(2, ambiguous.Code);
        Assert.Contains("2 devices look like the validator", ambiguous.Error, StringComparison.Ordinal);
        Assert.Contains("--validator-port", ambiguous.Error, StringComparison.Ordinal);

        var chosen = await ProvisionBench.RunAsync(_bench.FieldArgs("--validator-port", $"/dev/serial/by-id/{Nv200}"));
        Assert.True(chosen.Code == 0, chosen.All);
        Assert.Equal($"/dev/serial/by-id/{Nv200}", (string?)_bench.Configuration()["Validator"]!["Port"]);
        Assert.Equal("override", (string?)_bench.Configuration()["Provision"]!["Ports"]!["Validator"]!["Source"]);
        Assert.Contains("(unused)     /dev/serial/by-id/usb-Innovative_Technology_Ltd_NV9USB_00999-if00", chosen.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Overrides_take_the_bridge_a_vendor_wired_and_one_port_cannot_serve_two_devices()
    {
        _bench.Plug(Ftdi, "ttyUSB0");
        var bridge = $"/dev/serial/by-id/{Ftdi}";

        var wired = await ProvisionBench.RunAsync(_bench.FieldArgs("--validator-protocol", "cctalk", "--validator-port", bridge, "--printer-port", "/dev/ttyS1"));
        Assert.True(wired.Code == 0, wired.All);
        Assert.Equal(bridge, (string?)_bench.Configuration()["Validator"]!["Port"]);
        Assert.Equal("9600,8N1", (string?)_bench.Configuration()["Validator"]!["Serial"]);
        Assert.Equal("/dev/ttyS1", (string?)_bench.Configuration()["Printer"]!["Port"]);

        var shared = await ProvisionBench.RunAsync(_bench.FieldArgs("--force", "--validator-port", bridge, "--printer-port", bridge));
        Assert.Equal(2, shared.Code);
        Assert.Contains("more than one device", shared.Error, StringComparison.Ordinal);
    }

    public void Dispose() => _bench.Dispose();
}
