using System.Buffers.Binary;
using SevaKiosk.Protocol.Ssp;

namespace SevaKiosk.Simulator.Tests.Validators.Ssp;

/// <summary>One reply as the test host saw it.</summary>
/// <param name="Data">Reply data; decrypted when the reply was encrypted.</param>
/// <param name="Wire">The packet exactly as it came off the line (stuffed).</param>
/// <param name="Count">eCOUNT of an encrypted reply.</param>
internal sealed record SspReply(byte SeqId, byte[] Data, byte[] Wire, bool Encrypted, uint Count)
{
    public byte Generic => Data[0];

    public bool IsOk => Data[0] == (byte)SspGenericResponse.Ok;

    /// <summary>The generic response of a reply that carries nothing else.</summary>
    public SspGenericResponse Bare()
    {
        Assert.Single(Data);
        return (SspGenericResponse)Data[0];
    }
}

/// <summary>
/// A deliberately tiny SSP host for tests: builds packets with the codec, toggles the sequence flag, encrypts when
/// asked, and reads one reply. It is not a driver: no retries, no poll loop, no note state machine.
/// </summary>
internal sealed class SspTestHost : IDisposable
{
    public const ulong Generator = 982_451_653;
    public const ulong Modulus = 1_287_821;

    private readonly Stream _link;
    private readonly SspPacketReader _reader = new();
    private readonly byte[] _buffer = new byte[4096];
    private int _start;
    private int _end;
    private bool _nextFlag;
    private SspCipher? _cipher;

    public SspTestHost(Stream link) => _link = link;

    public byte Address { get; set; }

    /// <summary>Protocol version used to parse poll replies.</summary>
    public int ProtocolVersion { get; set; } = 8;

    /// <summary>Encrypt every new command with the negotiated key.</summary>
    public bool Encrypt { get; set; }

    /// <summary>eCOUNT the next encrypted command carries (tests may tamper with it).</summary>
    public uint Count { get; set; }

    public byte[] LastSent { get; private set; } = [];

    public SspCipher? Cipher => _cipher;

    public TimeSpan ReplyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>SYNC with the sequence flag set, as every host starts; the next command then carries flag 0.</summary>
    public async Task<SspReply> SyncAsync()
    {
        _nextFlag = true;
        var reply = await SendAsync((byte)SspCommand.Sync);
        _nextFlag = false;
        return reply;
    }

    /// <summary>Sends a new command (sequence flag toggled) and returns the reply.</summary>
    public async Task<SspReply> SendAsync(params byte[] command) =>
        await TrySendAsync(command, ReplyTimeout) ?? throw new TimeoutException($"No reply to {SspCommandNames.Of(command[0])}.");

    public async Task<SspReply?> TrySendAsync(byte[] command, TimeSpan wait)
    {
        var flag = _nextFlag;
        _nextFlag = !_nextFlag;
        LastSent = Build(command, flag, Encrypt);
        await WriteAsync(LastSent);
        return await TryReadReplyAsync(wait, LastSent[1]);
    }

    public async Task<SspReply> SendAsync(SspCommand command) => await SendAsync((byte)command);

    /// <summary>Sends the last packet again, byte for byte, as a host does after a timeout.</summary>
    public async Task<SspReply> RetransmitAsync()
    {
        await WriteAsync(LastSent);
        return await TryReadReplyAsync(ReplyTimeout, LastSent[1]) ?? throw new TimeoutException("No reply to the retransmission.");
    }

    /// <summary>Builds a packet; encrypted packets take the current count and advance it (count N out, N+1 back).</summary>
    public byte[] Build(byte[] command, bool flag, bool encrypt)
    {
        var seqId = SspConstants.SeqId(flag, Address);
        if (!encrypt)
        {
            return SspPacketWriter.ToArray(seqId, command);
        }

        var data = new byte[SspCipher.EncryptedLength(command.Length)];
        _cipher!.Encrypt(Count, command, data);
        Count++;
        return SspPacketWriter.ToArray(seqId, data);
    }

    public async Task WriteAsync(byte[] wire)
    {
        await _link.WriteAsync(wire);
        await _link.FlushAsync();
    }

    /// <summary>
    /// Next good packet from the line, or null if none arrives within <paramref name="wait"/>. With
    /// <paramref name="seqId"/>, replies to an earlier packet (a late answer that crossed a retry) are skipped, as a
    /// host must: replies echo the command's SEQ/ID.
    /// </summary>
    public async Task<SspReply?> TryReadReplyAsync(TimeSpan wait, byte? seqId = null)
    {
        using var timeout = new CancellationTokenSource(wait);
        while (true)
        {
            while (_start < _end)
            {
                var from = _start;
                var result = _reader.Read(_buffer.AsSpan(_start, _end - _start), out var consumed);
                _start += consumed;
                if (result == SspReadResult.Packet && (seqId is null || _reader.SeqId == seqId))
                {
                    var wire = _buffer.AsSpan(from, consumed).ToArray();
                    return Decode(_reader.SeqId, _reader.Data.ToArray(), wire);
                }
            }

            if (!await FillAsync(timeout.Token))
            {
                return null;
            }
        }
    }

    /// <summary>Reads exactly <paramref name="count"/> raw bytes (for echo tests).</summary>
    public async Task<byte[]> ReadRawAsync(int count)
    {
        using var timeout = new CancellationTokenSource(ReplyTimeout);
        while (_end - _start < count)
        {
            if (!await FillAsync(timeout.Token))
            {
                throw new TimeoutException($"Only {_end - _start} of {count} bytes arrived.");
            }
        }

        var bytes = _buffer.AsSpan(_start, count).ToArray();
        _start += count;
        return bytes;
    }

    /// <summary>SET GENERATOR, SET MODULUS, REQUEST KEY EXCHANGE in the clear; afterwards every command is encrypted.</summary>
    public async Task NegotiateKeyAsync(ulong fixedKey = SspCipher.DefaultFixedKey)
    {
        Encrypt = false;
        Assert.True((await SendAsync(SspCommands.WithU64(SspCommand.SetGenerator, Generator))).IsOk);
        Assert.True((await SendAsync(SspCommands.WithU64(SspCommand.SetModulus, Modulus))).IsOk);
        var secret = SspKeyExchange.RandomSecret();
        var reply = await SendAsync(SspCommands.WithU64(SspCommand.RequestKeyExchange, SspKeyExchange.InterKey(Generator, secret, Modulus)));
        var key = SspKeyExchange.SharedKey(SspResponses.ParseKeyExchange(reply.Data), secret, Modulus);
        _cipher?.Dispose();
        _cipher = new SspCipher(fixedKey, key);
        Count = 0;
        Encrypt = true;
    }

    /// <summary>POLL (or POLL WITH ACK) and the events of the reply, oldest first, as "READ(3)", "STACKING" ...</summary>
    public async Task<string[]> PollAsync(bool withAck = false)
    {
        var reply = await SendAsync(withAck ? SspCommand.PollWithAck : SspCommand.Poll);
        return Events(reply);
    }

    public string[] Events(SspReply reply)
    {
        Span<SspEvent> events = stackalloc SspEvent[64];
        var result = SspPollParser.Parse(reply.Data, ProtocolVersion, events);
        Assert.True(result.IsOk, result.Describe());
        return [.. events[..result.Count].ToArray().Select(e => e.ToString())];
    }

    private SspReply Decode(byte seqId, byte[] data, byte[] wire)
    {
        if (data[0] != SspConstants.Stex || _cipher is null)
        {
            return new SspReply(seqId, data, wire, false, 0);
        }

        var plain = new byte[256];
        Assert.Equal(SspDecryptStatus.Ok, _cipher.TryDecrypt(data, plain, out var length, out var count));
        return new SspReply(seqId, plain[..length], wire, true, count);
    }

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }

        try
        {
            var n = await _link.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            _end += n;
            return n > 0;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public static ulong U64(ReadOnlySpan<byte> bytes) => BinaryPrimitives.ReadUInt64LittleEndian(bytes);

    public void Dispose() => _cipher?.Dispose();
}
