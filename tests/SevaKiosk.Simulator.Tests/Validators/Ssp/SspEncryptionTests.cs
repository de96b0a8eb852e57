using SevaKiosk.Protocol.Ssp;
using SevaKiosk.Simulator.Devices.Validators.Ssp;

namespace SevaKiosk.Simulator.Tests.Validators.Ssp;

/// <summary>eSSP on the slave side: key exchange, encrypted packets, the counter rule, and refusing what is not encrypted.</summary>
public class SspEncryptionTests
{
    [Fact]
    public async Task After_key_exchange_an_encrypted_poll_gets_an_encrypted_reply_with_count_n_plus_1()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();
        await sim.Host.NegotiateKeyAsync();

        var first = await sim.Host.SendAsync(SspCommand.Poll);
        var second = await sim.Host.SendAsync(SspCommand.GetSerialNumber);

        Assert.True(first.Encrypted);
        Assert.Equal(SspConstants.Stex, SspPacketData(first)[0]);
        Assert.Equal(1u, first.Count);
        Assert.True(second.Encrypted);
        Assert.Equal(2u, second.Count);
        Assert.Equal(12_345_678u, SspResponses.ParseSerialNumber(second.Data));
        Assert.Equal(2u, sim.Device.Status.EncryptionCount);
        Assert.Contains("key-negotiated", sim.EventNames());
    }

    [Fact]
    public async Task Encrypted_note_flow_credits_inside_encrypted_replies()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync(new SspValidatorOptions { EncryptionRequired = true });

        var channel = await sim.NoteInEscrowAsync(100);
        var accept = await sim.Host.SendAsync(SspCommand.Poll);
        sim.Advance(1000);
        var credit = await sim.Host.SendAsync(SspCommand.Poll);

        Assert.True(accept.Encrypted && credit.Encrypted);
        Assert.Equal([$"NOTE_CREDIT({channel})", "STACKED"], sim.Host.Events(credit));
    }

    [Fact]
    public async Task Retransmitted_encrypted_packet_gets_the_same_bytes_and_does_not_move_the_counter()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();
        await sim.Host.NegotiateKeyAsync();

        var reply = await sim.Host.SendAsync(SspCommand.Poll);
        var repeat = await sim.Host.RetransmitAsync();
        var next = await sim.Host.SendAsync(SspCommand.Poll);

        Assert.Equal(reply.Wire, repeat.Wire);
        Assert.Equal(2u, next.Count);
    }

    [Fact]
    public async Task Wrong_counter_puts_the_unit_out_of_service_until_reset()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();
        await sim.NoteInEscrowAsync(500);
        await sim.Host.NegotiateKeyAsync();

        sim.Host.Count += 5;
        var refused = await sim.Host.SendAsync(SspCommand.Poll);

        Assert.False(refused.Encrypted);
        Assert.Equal((byte)SspGenericResponse.CommandCannotBeProcessed, refused.Generic);
        Assert.True(sim.Device.Status.OutOfService);
        Assert.Contains("eCOUNT", sim.Device.Status.OutOfServiceReason, StringComparison.Ordinal);

        // Everything but SYNC and RESET is refused; the escrowed note was sent back rather than kept.
        sim.Host.Encrypt = false;
        Assert.Equal((byte)SspGenericResponse.CommandCannotBeProcessed, (await sim.Host.SendAsync(SspCommand.Enable)).Generic);
        Assert.True((await sim.Host.SyncAsync()).IsOk);
        Assert.Equal(NotePhase.Rejecting, sim.Device.Status.NotePhase);

        Assert.True((await sim.Host.SendAsync(SspCommand.Reset)).IsOk);
        sim.Advance(sim.Device.Firmware.Options.BootTime);
        await sim.InitialiseAsync();
        Assert.False(sim.Device.Status.OutOfService);
        Assert.True(sim.Device.Status.Enabled);
    }

    [Fact]
    public async Task Ciphertext_under_the_wrong_key_puts_the_unit_out_of_service()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();
        await sim.Host.NegotiateKeyAsync(fixedKey: 0x1111111111111111);

        var refused = await sim.Host.SendAsync(SspCommand.Poll);

        Assert.Equal(SspGenericResponse.CommandCannotBeProcessed, refused.Bare());
        Assert.Contains("did not decrypt", sim.Device.Status.OutOfServiceReason, StringComparison.Ordinal);
        Assert.Contains("out-of-service", sim.EventNames());
    }

    [Fact]
    public async Task Encryption_required_answers_key_not_set_until_keys_are_negotiated_then_refuses_plain_commands()
    {
        await using var sim = SspSimulatorHarness.Start(new SspValidatorOptions { EncryptionRequired = true });

        Assert.True((await sim.Host.SyncAsync()).IsOk);
        Assert.True((await sim.Host.SendAsync(SspCommands.HostProtocolVersion(8))).IsOk);
        Assert.Equal(SspGenericResponse.KeyNotSet, (await sim.Host.SendAsync(SspCommand.Enable)).Bare());
        Assert.Equal(SspGenericResponse.KeyNotSet, (await sim.Host.SendAsync(SspCommand.Poll)).Bare());
        Assert.Equal(SspGenericResponse.KeyNotSet, (await sim.Host.SendAsync(SspCommand.SetupRequest)).Bare());

        await sim.Host.NegotiateKeyAsync();
        sim.Host.Encrypt = false;
        Assert.Equal(SspGenericResponse.KeyNotSet, (await sim.Host.SendAsync(SspCommand.Enable)).Bare());
        sim.Host.Encrypt = true;
        Assert.True((await sim.Host.SendAsync(SspCommand.Enable)).IsOk);
        Assert.True(sim.Device.Status.Enabled);
    }

    [Fact]
    public async Task Encrypted_packet_before_any_key_exchange_is_answered_key_not_set()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();
        using var stranger = new SspCipher(SspCipher.DefaultFixedKey, 42);
        var data = new byte[SspCipher.EncryptedLength(1)];
        stranger.Encrypt(0, [(byte)SspCommand.Poll], data);

        var newFlag = !SspConstants.SequenceFlagOf(sim.Host.LastSent[1]);
        await sim.Host.WriteAsync(SspPacketWriter.ToArray(SspConstants.SeqId(newFlag, 0), data));

        Assert.Equal(SspGenericResponse.KeyNotSet, (await sim.Host.TryReadReplyAsync(TimeSpan.FromSeconds(5)))!.Bare());
        Assert.False(sim.Device.Status.OutOfService);
    }

    [Theory]
    [InlineData(SspCommand.SetGenerator)]
    [InlineData(SspCommand.SetModulus)]
    public async Task Key_parameters_that_are_not_prime_are_out_of_range(SspCommand command)
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();

        var reply = await sim.Host.SendAsync(SspCommands.WithU64(command, 1_287_823));

        Assert.Equal(SspGenericResponse.ParameterOutOfRange, reply.Bare());
    }

    [Fact]
    public async Task Key_exchange_without_generator_and_modulus_cannot_be_processed()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();

        var reply = await sim.Host.SendAsync(SspCommands.WithU64(SspCommand.RequestKeyExchange, 5));

        Assert.Equal(SspGenericResponse.CommandCannotBeProcessed, reply.Bare());
    }

    [Fact]
    public async Task New_fixed_key_is_only_accepted_encrypted_and_used_from_the_next_key_exchange()
    {
        const ulong makersKey = 0x1122334455667788;
        await using var sim = await SspSimulatorHarness.ReadyAsync();
        sim.Host.Encrypt = false;
        Assert.Equal(SspGenericResponse.KeyNotSet, (await sim.Host.SendAsync(SspCommands.SetFixedEncryptionKey(makersKey))).Bare());

        await sim.Host.NegotiateKeyAsync();
        Assert.True((await sim.Host.SendAsync(SspCommands.SetFixedEncryptionKey(makersKey))).IsOk);
        Assert.True((await sim.Host.SendAsync(SspCommand.Poll)).Encrypted);

        await sim.Host.NegotiateKeyAsync(makersKey);
        Assert.True((await sim.Host.SendAsync(SspCommand.GetSerialNumber)).IsOk);
    }

    [Fact]
    public async Task Encryption_reset_to_default_reboots_with_itls_factory_key()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync(new SspValidatorOptions { FixedKey = 0x1122334455667788 });
        await sim.Host.NegotiateKeyAsync(0x1122334455667788);

        Assert.True((await sim.Host.SendAsync(SspCommand.ResetFixedEncryptionKey)).IsOk);
        sim.Advance(sim.Device.Firmware.Options.BootTime);
        sim.Host.Encrypt = false;
        await sim.Host.SyncAsync();
        await sim.Host.NegotiateKeyAsync(SspCipher.DefaultFixedKey);

        Assert.True((await sim.Host.SendAsync(SspCommand.GetSerialNumber)).IsOk);
        Assert.Contains("fixed-key-reset", sim.EventNames());
    }

    [Fact]
    public async Task Printed_aes_key_decrypts_the_traffic()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();
        await sim.Host.NegotiateKeyAsync();
        var key = Convert.FromHexString((string)sim.LastEvent("key-negotiated")["aesKey"]!);
        using var cipher = new SspCipher(SspTestHost.U64(key.AsSpan(0, 8)), SspTestHost.U64(key.AsSpan(8, 8)));

        var reply = await sim.Host.SendAsync(SspCommand.GetSerialNumber);

        Assert.Equal(SspDecryptStatus.Ok, cipher.TryDecrypt(SspPacketData(reply), new byte[64], out _, out _));
    }

    private static byte[] SspPacketData(SspReply reply)
    {
        var reader = new SspPacketReader();
        Assert.Equal(SspReadResult.Packet, reader.Read(reply.Wire, out _));
        return reader.Data.ToArray();
    }
}
