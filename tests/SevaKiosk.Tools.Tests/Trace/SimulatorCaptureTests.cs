using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using SevaKiosk.Protocol.Ssp;
using SevaKiosk.Simulator.Devices.Validators.Ssp;
using SevaKiosk.Tools.Trace;

namespace SevaKiosk.Tools.Tests.Trace;

/// <summary>A capture of the simulated validator, decoded: the decoder and the simulator must agree on every byte.</summary>
public class SimulatorCaptureTests
{
    [Fact]
    public void Capture_of_an_encrypted_note_cycle_decodes_cleanly_with_the_key_the_simulator_printed()
    {
        var time = new FakeTimeProvider();
        using var firmware = new SspValidatorFirmware(new SspValidatorOptions { EncryptionRequired = true }, time);
        var events = new List<JsonObject>();
        firmware.EventOccurred += events.Add;
        var capture = new Capture(firmware);

        capture.Sync();
        capture.Send(SspCommands.WithU64(SspCommand.SetGenerator, 982_451_653));
        capture.Send(SspCommands.WithU64(SspCommand.SetModulus, 1_287_821));
        var secret = SspKeyExchange.RandomSecret();
        var slave = SspResponses.ParseKeyExchange(capture.Send(SspCommands.WithU64(SspCommand.RequestKeyExchange, SspKeyExchange.InterKey(982_451_653, secret, 1_287_821))));
        capture.UseKey(new SspCipher(SspCipher.DefaultFixedKey, SspKeyExchange.SharedKey(slave, secret, 1_287_821)));
        capture.Send(SspCommands.HostProtocolVersion(8));
        capture.Send([(byte)SspCommand.SetupRequest]);
        capture.Send(SspCommands.SetInhibits([1, 2, 3, 4, 5, 6]));
        capture.Send([(byte)SspCommand.Enable]);
        capture.Send([(byte)SspCommand.Poll]);
        firmware.InsertNote(500, NoteOutcome.Genuine);
        for (var i = 0; i < 12; i++)
        {
            capture.Send([(byte)SspCommand.Poll]);
            time.Advance(TimeSpan.FromMilliseconds(200));
        }

        var key = (string)events.Single(e => (string)e["event"]! == "key-negotiated")["aesKey"]!;
        var records = TraceDecoders.Create("ssp", new TraceDecoderOptions(key)).Decode(Samples.ParseHex(capture.Text)).ToList();

        Assert.All(records, r => Assert.Equal(TraceRecordKind.Frame, r.Kind));
        Assert.All(records, r => Assert.Null(r.Error));
        Assert.All(records.Where(r => r.Direction == TraceDirection.Device), r => Assert.NotNull(r.ReplyTo));
        Assert.DoesNotContain(records, r => r.Name == "ENCRYPTED");
        var seen = records.SelectMany(r => r.Events ?? []).Select(e => e.ToString()).ToList();
        Assert.Equal(1, seen.Count(e => e == "NOTE_CREDIT(6)"));
        Assert.Contains("READ(6)", seen);
        Assert.Contains("STACKED", seen);
    }

    /// <summary>Drives the firmware packet by packet and writes what crosses the wire as a prefixed hex trace.</summary>
    private sealed class Capture(SspValidatorFirmware firmware)
    {
        private readonly StringBuilder _text = new();
        private bool _flag;
        private SspCipher? _cipher;
        private uint _count;

        public string Text => _text.ToString();

        public void UseKey(SspCipher cipher) => _cipher = cipher;

        public void Sync()
        {
            _flag = true;
            Send([(byte)SspCommand.Sync]);
        }

        public byte[] Send(byte[] command)
        {
            var data = command;
            if (_cipher is not null)
            {
                data = new byte[SspCipher.EncryptedLength(command.Length)];
                _cipher.Encrypt(_count, command, data);
                _count++;
            }

            var seqId = SspConstants.SeqId(_flag, 0);
            _flag = !_flag;
            _text.Append("> ").AppendLine(Convert.ToHexString(SspPacketWriter.ToArray(seqId, data)));
            var wire = firmware.HandlePacket(seqId, data)!;
            _text.Append("< ").AppendLine(Convert.ToHexString(wire));

            var reader = new SspPacketReader();
            Assert.Equal(SspReadResult.Packet, reader.Read(wire, out _));
            if (_cipher is null)
            {
                return reader.Data.ToArray();
            }

            var plain = new byte[256];
            Assert.Equal(SspDecryptStatus.Ok, _cipher.TryDecrypt(reader.Data, plain, out var length, out _));
            return plain[..length];
        }
    }
}
