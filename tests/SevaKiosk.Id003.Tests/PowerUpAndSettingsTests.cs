using SevaKiosk.Protocol.Id003;
using SevaKiosk.Simulator.Devices.Validators.Id003;

namespace SevaKiosk.Id003.Tests;

/// <summary>The reference start-up of fact sheet §2.7, run by a host against the simulated JCM acceptor.</summary>
public class PowerUpAndSettingsTests
{
    [Fact]
    public async Task Power_up_reset_settings_version_currency_and_enable_follow_the_reference_sequence()
    {
        await using var host = Id003TestHost.Start();

        // 1. STATUS REQUEST → POWER UP.
        Assert.Equal("FC05402B15", Convert.ToHexString((await host.StatusAsync())!.Wire));

        // 2. RESET → ACK.
        Assert.Equal("FC0550AA05", Convert.ToHexString((await host.SendAsync(Id003Command.Reset))!.Wire));

        // 3. STATUS REQUEST → INITIALIZE: send the settings now.
        Assert.Equal("FC051B7DF9", Convert.ToHexString((await host.StatusAsync())!.Wire));

        // 4. Every setting is echoed byte for byte.
        await host.ExpectEchoAsync(Id003Command.SetEnableDisable, 0x00, 0x00);
        await host.ExpectEchoAsync(Id003Command.SetSecurity, 0x00, 0x00);
        await host.ExpectEchoAsync(Id003Command.SetCommunicationMode, 0x00);
        await host.ExpectEchoAsync(Id003Command.SetDirection, 0x00);
        await host.ExpectEchoAsync(Id003Command.SetOptionalFunction, 0x03, 0x00);
        await host.ExpectEchoAsync(Id003Command.SetBarcodeFunction, 0x01, 0x12);
        await host.ExpectEchoAsync(Id003Command.SetBarInhibit, 0xFC);

        // 5. Version, boot version and the currency table.
        var version = await host.SendAsync(Id003Command.VersionRequest);
        Assert.Equal("VERSION", version!.Name);
        var info = Id003VersionInfo.Parse(version.Data);
        Assert.Equal(("i(IND)100-SS", "ID003-05"), (info.Model, info.Protocol));
        var boot = await host.SendAsync(Id003Command.BootVersionRequest);
        Assert.Equal("B05", Id003BootVersion.Parse(boot!.Data));
        var currency = await host.SendAsync(Id003Command.CurrencyAssignRequest);
        var table = Id003CurrencyAssignment.Parse(currency!.Data);
        Assert.Equal([10L, 20, 50, 100, 200, 500], table.Where(d => d.IsAssigned).Select(d => d.Value));
        Assert.All(table.Where(d => d.IsAssigned), d => Assert.Equal("INR", d.Currency));
        Assert.Contains(table, d => !d.IsAssigned);

        // 6. Initialisation ends inhibited: DISABLE.
        var seen = await host.PollUntilAsync(Id003Status.DisableInhibit, TimeSpan.FromSeconds(3));
        Assert.Equal(["INITIALIZE", "DISABLE_INHIBIT"], seen);

        // 7. INHIBIT off → echo; then ENABLE (IDLING).
        Assert.Equal("FC06C30004D6", Convert.ToHexString((await host.SendAsync(Id003Command.SetInhibit, 0x00))!.Wire));
        Assert.Equal("FC05112756", Convert.ToHexString((await host.StatusAsync())!.Wire));

        // The settings read back as sent.
        Assert.Equal([0x00], (await host.SendAsync(Id003Command.RequestInhibit))!.Data);
        Assert.Equal([0xFC], (await host.SendAsync(Id003Command.RequestBarInhibit))!.Data);
        Assert.Equal("INHIBIT_SETTING", (await host.SendAsync(Id003Command.RequestInhibit))!.Name);
        Assert.Equal(["reset", "setting", "initialized"], host.Events.Select(e => (string)e["event"]!).Distinct().Take(3));
    }

    [Fact]
    public async Task Currency_table_can_include_the_2000_rupee_note()
    {
        await using var host = Id003TestHost.Start(Id003TestHost.TestOptions with { Denominations = Id003SimulatorOptions.InrTable(include2000: true) });
        var table = Id003CurrencyAssignment.Parse((await host.SendAsync(Id003Command.CurrencyAssignRequest))!.Data);
        var note = Assert.Single(table, d => d.Value == 2000);
        Assert.Equal((byte)0x67, note.EscrowCode);
        Assert.Equal((byte)0x63, note.CountryCode);
    }

    [Fact]
    public async Task Reset_restores_power_on_settings_unless_configured_not_to()
    {
        await using (var host = Id003TestHost.Start())
        {
            await host.StartUpAndEnableAsync();
            await host.SendAsync(Id003Command.Reset);
            await host.PollUntilAsync(Id003Status.DisableInhibit, TimeSpan.FromSeconds(3));
        }

        await using (var host = Id003TestHost.Start(Id003TestHost.TestOptions with { ResetRestoresSettings = false }))
        {
            await host.StartUpAndEnableAsync();
            await host.SendAsync(Id003Command.Reset);
            await host.PollUntilAsync(Id003Status.EnableIdling, TimeSpan.FromSeconds(3));
        }
    }

    [Theory]
    [InlineData(0xC0, "00", "SET_ENABLE_DISABLE with one byte instead of two")]
    [InlineData(0xC3, "02", "SET_INHIBIT 02")]
    [InlineData(0xC2, "01", "interrupt mode 1 is not simulated")]
    [InlineData(0x11, "00", "STATUS REQUEST with data")]
    [InlineData(0x99, "", "unknown command")]
    [InlineData(0xDC, "", "PROGRAM SIGNATURE is not simulated")]
    public async Task Malformed_or_unsupported_commands_get_invalid_command(byte code, string dataHex, string why)
    {
        await using var host = Id003TestHost.Start();
        var reply = await host.ExchangeAsync(Id003FrameWriter.ToArray(code, Convert.FromHexString(dataHex)), Id003TestHost.DefaultReplyTimeout);
        Assert.True(reply?.Name == "INVALID_COMMAND", $"{why}: got {reply}");
        Assert.Single(host.EventsOf("invalid-command"));
    }

    [Fact]
    public async Task Disabling_every_denomination_reports_disable_even_with_inhibit_off()
    {
        await using var host = Id003TestHost.Start();
        await host.StartUpAndEnableAsync();
        await host.ExpectEchoAsync(Id003Command.SetEnableDisable, 0xFF, 0xFF);
        Assert.Equal("DISABLE_INHIBIT", (await host.StatusAsync())!.Name);
        await host.ExpectEchoAsync(Id003Command.SetEnableDisable, 0x00, 0x00);
        Assert.Equal("ENABLE_IDLING", (await host.StatusAsync())!.Name);
    }
}
