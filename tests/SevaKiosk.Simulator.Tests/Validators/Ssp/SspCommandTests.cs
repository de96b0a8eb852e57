using System.Text;
using SevaKiosk.Protocol.Ssp;
using SevaKiosk.Simulator.Devices.Validators.Ssp;

namespace SevaKiosk.Simulator.Tests.Validators.Ssp;

/// <summary>Every command of the fact sheet's §3.4 table, answered with content a host can decode with the codec.</summary>
public class SspCommandTests
{
    [Fact]
    public async Task Every_pay_in_command_is_answered_and_none_is_unknown()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();
        byte[][] commands =
        [
            [0x11], [0x06, 8], [0x05], [0x02, 0x3F, 0x00], [0x03], [0x04], [0x07], [0x56], [0x09], [0x0A],
            [0x0C], [0x0D], [0x0E], [0x0F], [0x17], [0x20], [0x21], [0x4F], [0x58], [0x59],
            [0x4D, 0x00, 0x00], [0x54, 0x00, 0xFF, 0x00, 0x00],
            SspCommands.WithU64(SspCommand.SetGenerator, SspTestHost.Generator),
            SspCommands.WithU64(SspCommand.SetModulus, SspTestHost.Modulus),
            SspCommands.WithU64(SspCommand.RequestKeyExchange, 12345),
        ];

        foreach (var command in commands)
        {
            var reply = await sim.Host.SendAsync(command);
            Assert.True(reply.IsOk, $"{SspCommandNames.Of(command[0])} answered {SspGenericResponseNames.Of(reply.Generic)}");
        }

        // The rest need a state to be OK (a note in escrow, something to ACK, an encrypted channel): their refusals are
        // covered where that state is built; RESET and RESET FIXED KEY reboot the unit.
        Assert.True((await sim.Host.SendAsync(SspCommand.Reset)).IsOk);
    }

    [Fact]
    public async Task Setup_request_reports_the_inr_channels_for_the_negotiated_protocol()
    {
        await using var sim = SspSimulatorHarness.Start();
        await sim.Host.SyncAsync();

        var v6 = SspSetupResponse.Parse((await sim.Host.SendAsync(SspCommand.SetupRequest)).Data);
        await sim.Host.SendAsync(SspCommands.HostProtocolVersion(5));
        var v5 = SspSetupResponse.Parse((await sim.Host.SendAsync(SspCommand.SetupRequest)).Data);

        Assert.Equal(6, v6.ProtocolVersion);
        Assert.Equal([10L, 20, 50, 100, 200, 500], v6.Channels.Select(c => c.Value));
        Assert.All(v6.Channels, c => Assert.Equal("INR", c.Currency));
        Assert.Equal("INR", v6.Country);
        Assert.Equal("0414", v6.FirmwareVersion);

        // Below v6 there are only one-byte values: the multiplier (10) must bring ₹500 back.
        Assert.Equal(5, v5.ProtocolVersion);
        Assert.Equal(10, v5.ValueMultiplier);
        Assert.Equal([10L, 20, 50, 100, 200, 500], v5.Channels.Select(c => c.Value));
    }

    [Fact]
    public async Task Channel_list_is_configurable_so_2000_can_be_added()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync(new SspValidatorOptions { ChannelValues = [10, 20, 50, 100, 200, 500, 2000] });

        var setup = SspSetupResponse.Parse((await sim.Host.SendAsync(SspCommand.SetupRequest)).Data);
        var values = SspChannelData.ParseValues((await sim.Host.SendAsync(SspCommand.ChannelValueRequest)).Data, 8, 0, "INR");

        Assert.Equal(2000, setup.Channels[6].Value);
        Assert.Equal(2000, values[6].Value);
        Assert.Equal(7, await sim.NoteInEscrowAsync(2000));
    }

    [Fact]
    public async Task Identity_commands_return_the_configured_identity()
    {
        var options = new SspValidatorOptions { SerialNumber = 0x001C962C, FirmwareVersion = "NV02004141498000", DatasetVersion = "INR01610", BuildRevision = 0x0203 };
        await using var sim = await SspSimulatorHarness.ReadyAsync(options);

        // The manual's example reply is for flag 1: SYNC, one command with flag 0, then GET SERIAL NUMBER.
        await sim.Host.SyncAsync();
        await sim.Host.SendAsync(SspCommand.Sync);
        Assert.Equal("7F8005F0001C962CD497", Convert.ToHexString((await sim.Host.SendAsync(SspCommand.GetSerialNumber)).Wire));
        Assert.Equal("NV02004141498000", SspResponses.ParseAscii((await sim.Host.SendAsync(SspCommand.GetFirmwareVersion)).Data, "fw"));
        Assert.Equal("INR01610", SspResponses.ParseAscii((await sim.Host.SendAsync(SspCommand.GetDatasetVersion)).Data, "ds"));
        Assert.Equal(new SspUnitData(0, "0414", "INR", 10, 8), SspUnitData.Parse((await sim.Host.SendAsync(SspCommand.UnitData)).Data));
        Assert.Equal([new SspBuildRevision(0, 0x0203)], SspBuildRevision.Parse((await sim.Host.SendAsync(SspCommand.GetBuildRevision)).Data));
        Assert.Equal([2, 2, 2, 2, 2, 2], SspChannelData.ParseSecurity((await sim.Host.SendAsync(SspCommand.ChannelSecurityData)).Data));
        Assert.True((await sim.Host.SendAsync([0x0C, 0x00])).IsOk);
    }

    [Fact]
    public async Task Set_inhibits_is_honoured_and_channels_not_sent_are_inhibited()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();

        // One byte: channels 1..3 on, 4..6 (not covered) inhibited. The manual's example packet.
        await sim.Host.WriteAsync(sim.Host.Build([0x02, 0x07], flag: SspConstants.SequenceFlagOf(sim.Host.LastSent[1]) == false, encrypt: false));
        Assert.True((await sim.Host.TryReadReplyAsync(TimeSpan.FromSeconds(5)))!.IsOk);

        Assert.Equal([1, 2, 3], sim.Device.Status.EnabledChannels);
    }

    [Fact]
    public async Task Enabled_with_every_channel_inhibited_reports_channel_disable()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();

        await sim.Host.SendAsync(SspCommands.SetInhibits([]));

        Assert.Equal(["CHANNEL_DISABLE"], await sim.Host.PollAsync());
    }

    [Fact]
    public async Task Counters_count_stacked_and_rejected_notes_and_reset_to_zero()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();
        await NoteFlow.StackAsync(sim, 500);
        await NoteFlow.StackAsync(sim, 100);
        sim.Device.InsertNote(50, SspRejectReason.GraphFail);
        sim.Advance(2000);
        await sim.Host.PollAsync();

        var counters = SspResponses.ParseCounters((await sim.Host.SendAsync(SspCommand.GetCounters)).Data);
        await sim.Host.SendAsync(SspCommand.ResetCounters);
        var reset = SspResponses.ParseCounters((await sim.Host.SendAsync(SspCommand.GetCounters)).Data);

        Assert.Equal(new SspCounters(2, 0, 0, 0, 1), counters);
        Assert.Equal(default, reset);
    }

    [Fact]
    public async Task Reset_reboots_silent_while_booting_then_slave_reset_with_defaults_restored()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();

        Assert.True((await sim.Host.SendAsync(SspCommand.Reset)).IsOk);
        Assert.Null(await sim.Host.TrySendAsync([(byte)SspCommand.Sync], TimeSpan.FromMilliseconds(150)));
        sim.Advance(sim.Device.Firmware.Options.BootTime);
        await sim.Host.SyncAsync();

        Assert.Equal(["SLAVE_RESET", "DISABLED"], await sim.Host.PollAsync());
        var status = sim.Device.Status;
        Assert.Equal(6, status.ProtocolVersion);
        Assert.Empty(status.EnabledChannels);
        Assert.False(status.Enabled);
        Assert.Contains("reset", sim.EventNames());
    }

    [Fact]
    public async Task Set_baud_rate_answers_ok_and_a_non_persistent_rate_falls_back_at_reset()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();

        Assert.True((await sim.Host.SendAsync(SspCommands.SetBaudRate(2, persist: false))).IsOk);
        Assert.Equal(115_200, sim.Device.Status.BaudRate);
        sim.Device.PowerCycle();

        Assert.Equal(9_600, sim.Device.Status.BaudRate);
    }

    [Fact]
    public async Task Display_commands_switch_the_bezel()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();

        await sim.Host.SendAsync(SspCommand.DisplayOff);
        Assert.False(sim.Device.Status.DisplayOn);
        await sim.Host.SendAsync(SspCommand.DisplayOn);
        Assert.True(sim.Device.Status.DisplayOn);
    }

    [Fact]
    public async Task Last_reject_code_starts_at_accepted()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();

        Assert.Equal([0xF0, 0x00], (await sim.Host.SendAsync(SspCommand.LastRejectCode)).Data);
        Assert.Equal("INR01001", Encoding.ASCII.GetString((await sim.Host.SendAsync(SspCommand.GetDatasetVersion)).Data.AsSpan(1)));
    }
}
