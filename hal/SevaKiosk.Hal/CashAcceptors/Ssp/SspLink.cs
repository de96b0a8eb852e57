using Microsoft.Extensions.Logging;
using SevaKiosk.Protocol.Ssp;

namespace SevaKiosk.Hal.CashAcceptors.Ssp;

/// <summary>
/// SSP request/response over one open stream: sequence flag, retransmission of the *same* packet (same flag, same
/// ciphertext) on timeout, CRC error or undecryptable reply, echo suppression, stale-reply filtering, and the eSSP
/// counter rule. Owned by the driver's loop; never used from two threads.
/// </summary>
internal sealed class SspLink : IDisposable
{
    private static readonly byte[] SyncCommand = [(byte)SspCommand.Sync];
    private Stream _stream;
    private readonly byte _address;
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;
    private readonly int _retries;
    private readonly ILogger _logger;
    private readonly SspPacketReader _reader = new();
    private readonly byte[] _tx = new byte[SspConstants.MaxWireLength];
    private readonly byte[] _txData = new byte[SspConstants.MaxDataLength];
    private readonly byte[] _rx = new byte[1024];
    private readonly byte[] _reply = new byte[SspConstants.MaxDataLength];
    private CancellationTokenSource _receiveTimeout;
    private int _rxStart;
    private int _rxEnd;
    private bool _sequenceFlag = true;
    private SspCipher? _cipher;
    private uint _count;
    private int _txLength;
    private int _txDataLength;
    private byte _txSeqId;
    private byte _txCommand;
    private SspCipher? _txCipher;
    private uint _txCount;

    public SspLink(Stream stream, byte address, TimeProvider time, TimeSpan timeout, int retries, ILogger logger)
    {
        _stream = stream;
        _address = address;
        _time = time;
        _timeout = timeout;
        _retries = retries;
        _logger = logger;
        _receiveTimeout = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
    }

    /// <summary>Packets sent again because a reply was missing, garbled or undecryptable.</summary>
    public long Retransmissions { get; private set; }

    public long CrcErrors { get; private set; }

    public long GarbageBytes { get; private set; }

    public long EchoesSkipped { get; private set; }

    public bool IsEncrypted => _cipher is not null;

    /// <summary>
    /// The last command got no usable reply before the link was given up. The device may have executed it and
    /// answered (a POLL reply can carry a credit): after reconnecting, <see cref="RetryUnansweredAsync"/> sends the
    /// very same packet so the device repeats that reply, before SYNC would discard it.
    /// </summary>
    public bool HasUnanswered { get; private set; }

    /// <summary>Command code of the unanswered packet.</summary>
    public byte UnansweredCommand => _txCommand;

    /// <summary>Continues on a reopened stream, keeping sequence flag, keys and the unanswered packet.</summary>
    public void Rebind(Stream stream)
    {
        _stream = stream;
        _reader.Reset();
        _rxStart = _rxEnd = 0;
    }

    /// <summary>Resends the unanswered packet unchanged; returns its reply, or null when the device still says nothing useful.</summary>
    public async ValueTask<ReadOnlyMemory<byte>?> RetryUnansweredAsync(CancellationToken cancellationToken)
    {
        if (!HasUnanswered)
        {
            return null;
        }

        HasUnanswered = false;
        try
        {
            return await TransmitAsync(_txCipher, _txCount, cancellationToken).ConfigureAwait(false);
        }
        catch (DeviceLinkException)
        {
            return null;
        }
        catch (DeviceProtocolException)
        {
            return null;
        }
    }

    /// <summary>SYNC always travels with flag 1 and resets the toggle: the next command uses flag 0.</summary>
    public async ValueTask<ReadOnlyMemory<byte>> SyncAsync(CancellationToken cancellationToken)
    {
        _sequenceFlag = true;
        return await ExchangeAsync(SyncCommand, encrypt: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>From now on commands are encrypted with this key, starting at count 0.</summary>
    public void StartEncryption(SspCipher cipher)
    {
        _cipher?.Dispose();
        _cipher = cipher;
        _count = 0;
    }

    public void Dispose()
    {
        _receiveTimeout.Dispose();
        StopEncryption();
    }

    public void StopEncryption()
    {
        _cipher?.Dispose();
        _cipher = null;
    }

    /// <summary>
    /// Sends <paramref name="command"/> and returns the reply data (plain). The memory is valid until the next call.
    /// </summary>
    /// <exception cref="DeviceLinkException">No usable reply after every retransmission.</exception>
    public async ValueTask<ReadOnlyMemory<byte>> ExchangeAsync(ReadOnlyMemory<byte> command, bool encrypt, CancellationToken cancellationToken)
    {
        var cipher = encrypt ? _cipher : null;
        _txSeqId = SspConstants.SeqId(_sequenceFlag, _address);
        _txCommand = command.Span[0];
        _txCipher = cipher;
        _txCount = _count;
        if (cipher is not null)
        {
            _txDataLength = cipher.Encrypt(_txCount, command.Span, _txData);
        }
        else
        {
            command.Span.CopyTo(_txData);
            _txDataLength = command.Length;
        }

        _txLength = SspPacketWriter.Write(_txSeqId, _txData.AsSpan(0, _txDataLength), _tx);
        HasUnanswered = false;
        try
        {
            return await TransmitAsync(cipher, _txCount, cancellationToken).ConfigureAwait(false);
        }
        catch (DeviceLinkException)
        {
            HasUnanswered = true;
            throw;
        }
    }

    /// <summary>Sends the prepared packet until a reply for it arrives, retransmitting it unchanged.</summary>
    private async ValueTask<ReadOnlyMemory<byte>> TransmitAsync(SspCipher? cipher, uint sentCount, CancellationToken cancellationToken)
    {
        var seqId = _txSeqId;
        var dataLength = _txDataLength;
        var txLength = _txLength;
        for (var attempt = 0; attempt <= _retries; attempt++)
        {
            if (attempt > 0)
            {
                Retransmissions++;
            }

            await _stream.WriteAsync(_tx.AsMemory(0, txLength), cancellationToken).ConfigureAwait(false);
            var replyLength = await ReceiveAsync(seqId, dataLength, cancellationToken).ConfigureAwait(false);
            if (replyLength < 0)
            {
                continue;
            }

            if (cipher is not null)
            {
                var status = cipher.TryDecrypt(_reply.AsSpan(0, replyLength), _reply, out var plainLength, out var count);
                if (status == SspDecryptStatus.NotEncrypted && _reply[0] == (byte)SspGenericResponse.KeyNotSet)
                {
                    // The device lost its keys (it reset): the caller re-initialises.
                    _sequenceFlag = !_sequenceFlag;
                    return _reply.AsMemory(0, 1);
                }

                if (status != SspDecryptStatus.Ok)
                {
                    _logger.LogDebug("SSP reply to 0x{Command:X2} not decryptable ({Status}); retransmitting", _txCommand, status);
                    CrcErrors++;
                    continue;
                }

                if (count != sentCount + 1)
                {
                    throw new DeviceProtocolException($"eSSP counter mismatch: sent {sentCount}, reply carried {count} (expected {sentCount + 1}).");
                }

                _count = sentCount + 1;
                replyLength = plainLength;
            }

            _sequenceFlag = !_sequenceFlag;
            return _reply.AsMemory(0, replyLength);
        }

        throw new DeviceLinkException(
            $"no valid reply to {SspCommandNames.Of(_txCommand)} after {_retries + 1} attempt(s) of {_timeout.TotalMilliseconds:0} ms");
    }

    /// <summary>Reads until a reply for <paramref name="seqId"/> arrives (returns its data length) or the attempt fails (-1).</summary>
    /// <remarks>
    /// One timeout source is reused across receives (reset when it did not fire) and the caller's token is linked by
    /// registration, so the steady-state poll cycle allocates nothing.
    /// </remarks>
    private async ValueTask<int> ReceiveAsync(byte seqId, int sentDataLength, CancellationToken cancellationToken)
    {
        var timeout = _receiveTimeout;
        timeout.CancelAfter(_timeout);
        var outer = cancellationToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), timeout);
        try
        {
            return await ReceiveUntilAsync(seqId, sentDataLength, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return -1;
        }
        finally
        {
            // Unhook the caller's token before the timeout source may be disposed (waiting out a callback already
            // running): a stop arriving in between would otherwise cancel a disposed source and throw from the stop.
            outer.Dispose();
            if (!timeout.TryReset())
            {
                timeout.Dispose();
                _receiveTimeout = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
            }
        }
    }

    private async ValueTask<int> ReceiveUntilAsync(byte seqId, int sentDataLength, CancellationToken token)
    {
        while (true)
        {
            while (_rxStart < _rxEnd)
            {
                var result = _reader.Read(_rx.AsSpan(_rxStart, _rxEnd - _rxStart), out var consumed);
                _rxStart += consumed;
                switch (result)
                {
                    case SspReadResult.Packet when _reader.SeqId != seqId:
                        // A late repeat of an earlier reply (or another slave's traffic): not ours.
                        continue;
                    case SspReadResult.Packet when IsEcho(sentDataLength):
                        EchoesSkipped++;
                        continue;
                    case SspReadResult.Packet:
                        _reader.Data.CopyTo(_reply);
                        return _reader.Data.Length;
                    case SspReadResult.CrcError:
                        CrcErrors++;
                        return -1;
                    case SspReadResult.Garbage:
                        GarbageBytes += _reader.ResultLength;
                        continue;
                }
            }

            _rxStart = _rxEnd = 0;
            var n = await _stream.ReadAsync(_rx, token).ConfigureAwait(false);
            if (n == 0)
            {
                throw new DeviceLinkException("the serial link closed");
            }

            _rxEnd = n;
        }
    }

    /// <summary>Cheap adapters echo what we send: our own packet read back is not a reply.</summary>
    private bool IsEcho(int sentDataLength) =>
        _reader.Data.Length == sentDataLength && _reader.Data.SequenceEqual(_txData.AsSpan(0, sentDataLength));
}
