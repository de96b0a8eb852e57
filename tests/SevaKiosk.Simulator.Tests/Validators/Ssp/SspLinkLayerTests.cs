using SevaKiosk.Protocol.Ssp;
using SevaKiosk.Simulator.Devices.Validators.Ssp;

namespace SevaKiosk.Simulator.Tests.Validators.Ssp;

/// <summary>Framing, addressing, the sequence flag and generic responses, checked byte for byte where GA138 gives bytes.</summary>
public class SspLinkLayerTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(150);

    [Fact]
    public async Task Sync_from_the_manual_gets_the_manual_reply_byte_for_byte()
    {
        await using var sim = SspSimulatorHarness.Start();

        await sim.Host.WriteAsync(Convert.FromHexString("7F80011165" + "82"));
        var reply = await sim.Host.TryReadReplyAsync(TimeSpan.FromSeconds(5));

        Assert.Equal("7F8001F02380", Convert.ToHexString(reply!.Wire));
    }

    [Fact]
    public async Task First_poll_after_power_up_reports_slave_reset_then_disabled()
    {
        await using var sim = SspSimulatorHarness.Start();
        await sim.Host.SyncAsync();

        var reply = await sim.Host.SendAsync(SspCommand.Poll);

        Assert.Equal("7F0003F0F1E8", Convert.ToHexString(reply.Wire.AsSpan(0, 6)));
        Assert.Equal(["SLAVE_RESET", "DISABLED"], sim.Host.Events(reply));
        Assert.Equal(["DISABLED"], await sim.Host.PollAsync());
    }

    [Fact]
    public async Task Replies_echo_the_commands_seq_id()
    {
        await using var sim = SspSimulatorHarness.Start();

        Assert.Equal(0x80, (await sim.Host.SyncAsync()).SeqId);
        Assert.Equal(0x00, (await sim.Host.SendAsync(SspCommand.GetSerialNumber)).SeqId);
        Assert.Equal(0x80, (await sim.Host.SendAsync(SspCommand.GetSerialNumber)).SeqId);
    }

    [Fact]
    public async Task Retry_with_the_same_flag_repeats_the_reply_byte_for_byte_and_does_not_accept_the_escrowed_note()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();
        var channel = await sim.NoteInEscrowAsync(100);

        // The host lost the reply that carried READ(ch) and asks again with the same flag: same bytes, still in escrow.
        var first = sim.Host.LastSent;
        var repeat = await sim.Host.RetransmitAsync();
        Assert.Equal([$"READ({channel})"], sim.Host.Events(repeat));
        Assert.Equal(NotePhase.Escrow, sim.Device.Status.NotePhase);
        Assert.Equal(1, sim.Device.Status.Repeats);
        Assert.Same(first, sim.Host.LastSent);

        // A new POLL (flag toggled) accepts it.
        Assert.Equal(["STACKING"], await sim.Host.PollAsync());
        Assert.Equal(NotePhase.Stacking, sim.Device.Status.NotePhase);
    }

    [Fact]
    public async Task Retry_of_a_non_poll_command_is_not_executed_twice()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();
        var original = await sim.Host.SendAsync(SspCommand.Disable);
        await sim.Host.SendAsync(SspCommand.Enable);

        // An old DISABLE arriving with the flag ENABLE just used is a retry of ENABLE: nothing changes.
        var stale = sim.Host.Build([(byte)SspCommand.Disable], SspConstants.SequenceFlagOf(sim.Host.LastSent[1]), encrypt: false);
        await sim.Host.WriteAsync(stale);
        var reply = await sim.Host.TryReadReplyAsync(TimeSpan.FromSeconds(5));

        Assert.True(original.IsOk);
        Assert.True(reply!.IsOk);
        Assert.True(sim.Device.Status.Enabled);
    }

    [Fact]
    public async Task Sync_resets_the_sequence_so_a_command_with_flag_0_executes()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();
        await sim.Host.SyncAsync();

        await sim.Host.SendAsync(SspCommand.Disable);

        Assert.False(sim.Device.Status.Enabled);
        Assert.Equal(0x00, sim.Host.LastSent[1]);
    }

    [Fact]
    public async Task Packets_for_another_address_are_ignored()
    {
        await using var sim = SspSimulatorHarness.Start(new SspValidatorOptions { Address = 3 });

        sim.Host.Address = 0;
        Assert.Null(await sim.Host.TrySendAsync([(byte)SspCommand.Sync], Quiet));

        sim.Host.Address = 3;
        var reply = await sim.Host.SyncAsync();
        Assert.True(reply.IsOk);
        Assert.Equal(0x83, reply.SeqId);
    }

    [Fact]
    public async Task Crc_error_gets_no_reply_and_the_next_good_packet_is_answered()
    {
        await using var sim = SspSimulatorHarness.Start();
        var corrupted = Convert.FromHexString("7F80011165" + "83");

        await sim.Host.WriteAsync(corrupted);
        Assert.Null(await sim.Host.TryReadReplyAsync(Quiet));

        Assert.True((await sim.Host.SyncAsync()).IsOk);
        Assert.Equal(1, sim.Device.CrcErrors);
    }

    [Fact]
    public async Task Line_garbage_before_a_packet_is_skipped()
    {
        await using var sim = SspSimulatorHarness.Start();

        await sim.Host.WriteAsync([0x00, 0x13, 0xFF, 0x7F, 0x80, 0x01, 0x11, 0x65, 0x82]);

        Assert.True((await sim.Host.TryReadReplyAsync(TimeSpan.FromSeconds(5)))!.IsOk);
    }

    [Theory]
    [InlineData(new byte[] { 0x7D }, SspGenericResponse.CommandNotKnown)]
    [InlineData(new byte[] { 0x10 }, SspGenericResponse.CommandNotKnown)]
    [InlineData(new byte[] { 0x07, 0x00 }, SspGenericResponse.WrongNumberOfParameters)]
    [InlineData(new byte[] { 0x06 }, SspGenericResponse.WrongNumberOfParameters)]
    [InlineData(new byte[] { 0x02, 1, 2, 3, 4 }, SspGenericResponse.WrongNumberOfParameters)]
    [InlineData(new byte[] { 0x4D, 0x05, 0x00 }, SspGenericResponse.ParameterOutOfRange)]
    [InlineData(new byte[] { 0x4D, 0x01, 0x02 }, SspGenericResponse.ParameterOutOfRange)]
    [InlineData(new byte[] { 0x0C, 0x01 }, SspGenericResponse.ParameterOutOfRange)]
    [InlineData(new byte[] { 0x54, 0xFF, 0, 0, 7 }, SspGenericResponse.ParameterOutOfRange)]
    [InlineData(new byte[] { 0x18 }, SspGenericResponse.CommandCannotBeProcessed)]
    [InlineData(new byte[] { 0x08 }, SspGenericResponse.CommandCannotBeProcessed)]
    [InlineData(new byte[] { 0x57 }, SspGenericResponse.CommandCannotBeProcessed)]
    [InlineData(new byte[] { 0x06, 0x09 }, SspGenericResponse.Fail)]
    [InlineData(new byte[] { 0x06, 0x00 }, SspGenericResponse.Fail)]
    [InlineData(new byte[] { 0x60, 1, 2, 3, 4, 5, 6, 7, 8 }, SspGenericResponse.KeyNotSet)]
    public async Task Bad_commands_get_the_generic_response_ga138_prescribes(byte[] command, SspGenericResponse expected)
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();

        var reply = await sim.Host.SendAsync(command);

        Assert.Equal([(byte)expected], reply.Data);
    }

    [Fact]
    public async Task Hold_without_a_note_gets_the_manuals_f5_packet()
    {
        await using var sim = SspSimulatorHarness.Start();
        await sim.Host.SyncAsync();

        await sim.Host.WriteAsync(Convert.FromHexString("7F0001185008"));
        var flag0 = await sim.Host.TryReadReplyAsync(TimeSpan.FromSeconds(5));
        await sim.Host.WriteAsync(Convert.FromHexString("7F8001185382"));
        var flag1 = await sim.Host.TryReadReplyAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(SspPacketWriter.ToArray(0x00, [0xF5]), flag0!.Wire);
        Assert.Equal("7F8001F53D80", Convert.ToHexString(flag1!.Wire));
    }
}
