using System.Buffers.Binary;
using System.Globalization;
using SevaKiosk.Protocol.Ssp;

namespace SevaKiosk.Tools.Trace.Ssp;

/// <summary>
/// What an SSP trace decoder remembers between frames: the last host command (to pair replies and spot retries), the
/// negotiated protocol version (poll events are parsed by it) and, with a key, the cipher.
/// </summary>
internal sealed class SspConversation : IDisposable
{
    private readonly SspCipher? _cipher;
    private HostFrame? _lastHost;
    private bool _awaitingReply;
    private int _protocolVersion = 6;

    public SspConversation(string? key)
    {
        if (key is not null)
        {
            var bytes = ParseKey(key);
            _cipher = new SspCipher(BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(0, 8)), BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(8, 8)));
        }
    }

    /// <summary>The AES key as used on the wire: 16 bytes (fixed key LE, then negotiated key LE) in 32 hex digits.</summary>
    /// <exception cref="TraceDecoderException">Not 32 hex digits.</exception>
    public static byte[] ParseKey(string key)
    {
        var hex = key.Replace(" ", "", StringComparison.Ordinal);
        if (hex.Length != 32 || !hex.All(char.IsAsciiHexDigit))
        {
            throw new TraceDecoderException(
                $"--key must be the 16-byte AES key as 32 hex digits (fixed key then negotiated key, each little-endian), for example 67452301674523019565000000000000; got '{key}'.");
        }

        return Convert.FromHexString(hex);
    }

    public TraceRecord Frame(TraceDirection direction, byte seqId, ReadOnlySpan<byte> data, byte[] wire, long offset, int? line)
    {
        var encrypted = data[0] == SspConstants.Stex;
        var plain = data.ToArray();
        uint? count = null;
        string? error = null;
        if (encrypted)
        {
            (plain, count, error) = Decrypt(data);
        }

        var readable = plain is not null;
        if (direction == TraceDirection.Unknown)
        {
            direction = readable
                ? plain![0] >= 0xF0 ? TraceDirection.Device : TraceDirection.Host
                : _awaitingReply && _lastHost?.SeqId == seqId ? TraceDirection.Device : TraceDirection.Host;
        }

        var record = new TraceRecord
        {
            Offset = offset,
            Line = line,
            Direction = direction,
            Kind = TraceRecordKind.Frame,
            Name = "ENCRYPTED",
            Bytes = wire,
            Sequence = SspConstants.SequenceFlagOf(seqId) ? 1 : 0,
            Address = SspConstants.SlaveIdOf(seqId),
            Encrypted = encrypted,
            Count = count,
            Error = error,
        };

        return direction == TraceDirection.Device ? Reply(record, seqId, plain) : Command(record, seqId, plain, wire);
    }

    public static TraceRecord CrcError(TraceDirection direction, SspPacketReader reader, byte[] wire, long offset, int? line)
    {
        var first = reader.Data.IsEmpty ? (byte)0 : reader.Data[0];
        var name = first >= 0xF0 ? SspGenericResponseNames.Of(first) : SspCommandNames.Of(first);
        return new TraceRecord
        {
            Offset = offset,
            Line = line,
            Direction = direction,
            Kind = TraceRecordKind.CrcError,
            Name = name,
            Bytes = wire,
            Sequence = reader.SequenceFlag ? 1 : 0,
            Address = reader.SlaveId,
            Error = $"CRC received 0x{reader.ReceivedCrc:X4}, computed 0x{reader.ComputedCrc:X4}: content not trusted",
        };
    }

    public void Dispose() => _cipher?.Dispose();

    private TraceRecord Command(TraceRecord record, byte seqId, byte[]? plain, byte[] wire)
    {
        var retransmit = _lastHost is { } last && last.Wire.AsSpan().SequenceEqual(wire);
        var name = plain is null ? "ENCRYPTED" : SspCommandNames.Of(plain[0]);
        _lastHost = new HostFrame(seqId, wire, plain, name);
        _awaitingReply = true;
        return record with
        {
            Name = name,
            Retransmit = retransmit,
            Detail = plain is null ? null : SspFrameDetails.Command(plain),
        };
    }

    private TraceRecord Reply(TraceRecord record, byte seqId, byte[]? plain)
    {
        _awaitingReply = false;
        var command = _lastHost is { } last && last.SeqId == seqId ? last : null;
        if (plain is null)
        {
            return record with { ReplyTo = command?.Name };
        }

        if (command?.Plain is [(byte)SspCommand.HostProtocolVersion, var version] && plain[0] == (byte)SspGenericResponse.Ok)
        {
            _protocolVersion = version;
        }

        var (events, detail, error) = command?.Plain is { } request
            ? SspFrameDetails.Reply(request[0], plain, _protocolVersion)
            : (null, null, null);
        return record with
        {
            Name = SspGenericResponseNames.Of(plain[0]),
            ReplyTo = command?.Name,
            Events = events,
            Detail = detail,
            Error = record.Error ?? error,
        };
    }

    private (byte[]? Plain, uint? Count, string? Error) Decrypt(ReadOnlySpan<byte> data)
    {
        if (_cipher is null)
        {
            return (null, null, null);
        }

        var plain = new byte[SspConstants.MaxDataLength];
        var status = _cipher.TryDecrypt(data, plain, out var length, out var count);
        return status == SspDecryptStatus.Ok && length > 0
            ? (plain[..length], count, null)
            : (null, null, string.Create(CultureInfo.InvariantCulture, $"does not decrypt with the given key ({status})"));
    }

    private sealed record HostFrame(byte SeqId, byte[] Wire, byte[]? Plain, string Name);
}
