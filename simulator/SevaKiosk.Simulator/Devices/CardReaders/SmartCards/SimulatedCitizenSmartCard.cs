using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SevaKiosk.Simulator.Control;

namespace SevaKiosk.Simulator.Devices.CardReaders.SmartCards;

/// <summary>
/// A contact citizen card (ISO 7816-4, T=0) served to the <c>vpcd</c> virtual reader of vsmartcard. It holds one
/// application (selected by AID) with one transparent file of citizen text. Like a T=0 card it answers SELECT with
/// <c>61 xx</c> (FCI waiting for GET RESPONSE) and READ BINARY with a wrong Le with <c>6C xx</c>, so the reader
/// side must handle both.
/// </summary>
/// <remarks>
/// Wire protocol on the stream (vpcd, virtualsmartcard): every message is a 2-byte big-endian length and a payload. A
/// 1-byte payload is a control: 00 power off, 01 power on, 02 reset, 04 "send your ATR" (answered with the ATR).
/// Longer payloads are command APDUs, answered with the response APDU. Removing the card = closing the connection.
/// </remarks>
public sealed class SimulatedCitizenSmartCard : ISimulatedDevice
{
    /// <summary>The SevaKiosk citizen application: proprietary AID F0 + "SEVAKIOSK" + 01.</summary>
    public static readonly byte[] DefaultAid = [0xF0, .. "SEVAKIOSK"u8, 0x01];

    /// <summary>T=0 only (T0 = 0x0A: no interface bytes, 10 historical bytes "SEVAKIOSK1").</summary>
    public static readonly byte[] DefaultAtr = [0x3B, 0x0A, .. "SEVAKIOSK1"u8];

    private readonly object _gate = new();
    private byte[] _aid = DefaultAid;
    private byte[] _atr = DefaultAtr;
    private byte[] _file;
    private bool _selected;
    private byte[] _pending = [];

    public SimulatedCitizenSmartCard(string citizenText) => _file = Encoding.UTF8.GetBytes(citizenText);

    public event Action<JsonObject>? EventOccurred;

    public string Kind => "smart-card";

    public byte[] Atr => _atr;

    public JsonObject Describe() => new() { ["atr"] = Convert.ToHexString(_atr), ["aid"] = Convert.ToHexString(_aid), ["protocol"] = "T=0" };

    public JsonObject? Apply(JsonElement command)
    {
        lock (_gate)
        {
            if (command.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
            {
                _file = Encoding.UTF8.GetBytes(text.GetString()!);
                return new JsonObject { ["bytes"] = _file.Length };
            }

            if (command.TryGetProperty("atr", out var atr) && atr.ValueKind == JsonValueKind.String)
            {
                _atr = Convert.FromHexString(atr.GetString()!);
                return Describe();
            }

            if (command.TryGetProperty("aid", out var aid) && aid.ValueKind == JsonValueKind.String)
            {
                _aid = Convert.FromHexString(aid.GetString()!);
                return Describe();
            }
        }

        throw new SimulatorControlException("Unknown smart-card command; use {\"text\":...}, {\"atr\":hex} or {\"aid\":hex}.");
    }

    public async Task RunAsync(Stream link, CancellationToken cancellationToken)
    {
        var header = new byte[2];
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await link.ReadExactlyAsync(header, cancellationToken).ConfigureAwait(false);
            }
            catch (EndOfStreamException)
            {
                return;
            }

            var payload = new byte[BinaryPrimitives.ReadUInt16BigEndian(header)];
            await link.ReadExactlyAsync(payload, cancellationToken).ConfigureAwait(false);
            var answer = Handle(payload);
            if (answer is null)
            {
                continue;
            }

            var frame = new byte[answer.Length + 2];
            BinaryPrimitives.WriteUInt16BigEndian(frame, (ushort)answer.Length);
            answer.CopyTo(frame, 2);
            await link.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
            await link.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>One vpcd message; returns the answer, or null for controls that have none.</summary>
    public byte[]? Handle(ReadOnlySpan<byte> payload)
    {
        lock (_gate)
        {
            if (payload.Length == 1)
            {
                switch (payload[0])
                {
                    case 0x00 or 0x01 or 0x02:
                        // Power off, on, reset: the card's volatile state (selection, pending response) is lost.
                        _selected = false;
                        _pending = [];
                        Raise(new JsonObject { ["event"] = payload[0] switch { 0x00 => "power-off", 0x01 => "power-on", _ => "reset" } });
                        return null;
                    case 0x04:
                        return _atr;
                    default:
                        return null;
                }
            }

            var response = Process(payload);
            Raise(new JsonObject { ["event"] = "apdu", ["command"] = Convert.ToHexString(payload), ["response"] = Convert.ToHexString(response) });
            return response;
        }
    }

    private byte[] Process(ReadOnlySpan<byte> apdu)
    {
        if (apdu.Length < 4)
        {
            return [0x67, 0x00];
        }

        if (apdu[0] != 0x00)
        {
            return [0x6E, 0x00];
        }

        switch (apdu[1])
        {
            case 0xA4 when apdu[2] == 0x04 && apdu.Length >= 5 && apdu.Length >= 5 + apdu[4]:
                {
                    var name = apdu.Slice(5, apdu[4]);
                    if (!name.SequenceEqual(_aid))
                    {
                        _selected = false;
                        return [0x6A, 0x82];
                    }

                    _selected = true;

                    // FCI template: 6F { 84 DF name, A5 { 88 short file id 01 } }.
                    _pending = [0x6F, (byte)(2 + _aid.Length + 5), 0x84, (byte)_aid.Length, .. _aid, 0xA5, 0x03, 0x88, 0x01, 0x01];
                    return [0x61, (byte)_pending.Length];
                }

            case 0xC0:
                {
                    if (_pending.Length == 0)
                    {
                        return [0x69, 0x85];
                    }

                    var le = apdu.Length >= 5 ? (apdu[4] == 0 ? 256 : apdu[4]) : 256;
                    var chunk = _pending[..Math.Min(le, _pending.Length)];
                    _pending = _pending[chunk.Length..];
                    return _pending.Length == 0 ? [.. chunk, 0x90, 0x00] : [.. chunk, 0x61, (byte)Math.Min(_pending.Length, 255)];
                }

            case 0xB0:
                {
                    if (!_selected)
                    {
                        return [0x69, 0x86];
                    }

                    var offset = (apdu[2] << 8) | apdu[3];
                    if (offset > _file.Length)
                    {
                        return [0x6B, 0x00];
                    }

                    var available = Math.Min(_file.Length - offset, 256);
                    var le = apdu.Length >= 5 ? (apdu[4] == 0 ? 256 : apdu[4]) : 256;
                    if (le > available)
                    {
                        // T=0: wrong length, here is the exact one.
                        return [0x6C, (byte)available];
                    }

                    return [.. _file.AsSpan(offset, le), 0x90, 0x00];
                }

            default:
                return [0x6D, 0x00];
        }
    }

    private void Raise(JsonObject e) => EventOccurred?.Invoke(e);
}
