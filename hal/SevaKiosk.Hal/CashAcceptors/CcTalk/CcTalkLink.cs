using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using SevaKiosk.Protocol.CcTalk;

namespace SevaKiosk.Hal.CashAcceptors.CcTalk;

/// <summary>The data lengths an ACK reply to one command may have; anything else is not its reply.</summary>
internal readonly record struct CcTalkReplyShape(int MinLength, int MaxLength)
{
    public static CcTalkReplyShape Empty { get; } = new(0, 0);

    public static CcTalkReplyShape Text { get; } = new(1, CcTalkConstants.MaxDataLength);

    public static CcTalkReplyShape Exactly(int length) => new(length, length);

    public bool Fits(int length) => length >= MinLength && length <= MaxLength;
}

/// <summary>How one exchange ended: the reply's kind and data length, and on which attempt it came.</summary>
internal readonly record struct CcTalkExchange(CcTalkReplyKind Kind, int Length, int Attempt)
{
    /// <summary>The reply came to a retransmission: an earlier copy of the command may have been carried out too.</summary>
    public bool Retransmitted => Attempt > 0;
}

/// <summary>Counters of one driver's line, kept across reconnects for telemetry and diagnostics.</summary>
public sealed class CcTalkLinkStatistics
{
    public long Exchanges { get; internal set; }

    /// <summary>Commands sent again because no usable reply came in time.</summary>
    public long Retransmissions { get; internal set; }

    /// <summary>Frames addressed to us whose checksum or CRC did not match.</summary>
    public long ChecksumErrors { get; internal set; }

    public long GarbageBytes { get; internal set; }

    /// <summary>Our own frames read back from the shared line and skipped.</summary>
    public long EchoesSkipped { get; internal set; }

    /// <summary>Valid frames that were not the reply to the command in flight (a late reply, another shape).</summary>
    public long StrayFrames { get; internal set; }
}

/// <summary>
/// ccTalk request/reply over one open stream: builds the frame, skips its echo (the single data wire gives the host
/// its own bytes back), reads the reply with the destination filter, and retransmits on a timeout. Owned by the
/// driver's loop; never used from two threads. Allocation-free in the steady state on the system clock.
/// </summary>
/// <remarks>
/// ccTalk has no sequence numbers, so a late reply to an earlier attempt can look like the reply to this one. Each
/// command therefore says which reply data lengths fit it (<see cref="CcTalkReplyShape"/>), and the buffered-events
/// poll confirms what it reads (see <see cref="CcTalkEventWindow"/>). Retransmitting is safe for every command the
/// driver sends: reads and settings are idempotent, and a repeated ROUTE BILL finds the escrow empty.
/// </remarks>
internal sealed class CcTalkLink : IDisposable
{
    private readonly Stream _stream;
    private readonly CcTalkOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CcTalkFrameReader _reader;
    private readonly CcTalkEchoSkipper _echo = new();
    private readonly byte[] _tx = new byte[CcTalkConstants.MaxFrameLength];
    private readonly byte[] _rx = new byte[512];
    private readonly byte[] _reply = new byte[CcTalkConstants.MaxDataLength];
    private CancellationTokenSource _attemptTimeout;
    private int _rxStart;
    private int _rxEnd;
    private int _replyLength;
    private int _lastMisfit = -1;

    public CcTalkLink(Stream stream, CcTalkOptions options, TimeProvider time, CcTalkLinkStatistics statistics, ILogger logger)
    {
        _stream = stream;
        _options = options;
        _time = time;
        _logger = logger;
        Statistics = statistics;
        _reader = new CcTalkFrameReader(options.ChecksumMode, destination: options.HostAddress);
        _attemptTimeout = NewTimeout();
    }

    public CcTalkLinkStatistics Statistics { get; }

    /// <summary>Data of the last reply; valid until the next exchange.</summary>
    public ReadOnlySpan<byte> ReplyData => _reply.AsSpan(0, _replyLength);

    /// <summary>
    /// Sends <paramref name="header"/> with <paramref name="data"/> and returns the device's answer: ACK (with data of
    /// the expected <paramref name="shape"/>), NAK or BUSY. BUSY is retried like a missing reply.
    /// </summary>
    /// <exception cref="DeviceLinkException">No usable reply after every retransmission.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<CcTalkExchange> ExchangeAsync(byte header, ReadOnlyMemory<byte> data, CcTalkReplyShape shape, CancellationToken cancellationToken)
    {
        var length = CcTalkFrameWriter.Write(_options.ChecksumMode, _options.Address, _options.HostAddress, header, data.Span, _tx);
        Statistics.Exchanges++;
        var checksumErrorsBefore = Statistics.ChecksumErrors;
        var busy = false;
        _lastMisfit = -1;
        for (var attempt = 0; attempt <= _options.Retries; attempt++)
        {
            if (attempt > 0)
            {
                Statistics.Retransmissions++;
            }

            // Whatever is still buffered belongs to an earlier exchange.
            _reader.Reset();
            _rxStart = _rxEnd = 0;
            _echo.Expect(_tx.AsSpan(0, length));
            await _stream.WriteAsync(_tx.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);

            var kind = await ReceiveAsync(shape, cancellationToken).ConfigureAwait(false);
            if (kind is null)
            {
                continue;
            }

            if (kind == CcTalkReplyKind.Busy)
            {
                busy = true;
                await Task.Delay(_options.ResponseTimeout, _time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            return new CcTalkExchange(kind.Value, _replyLength, attempt);
        }

        throw new DeviceLinkException(Describe(header, busy, Statistics.ChecksumErrors > checksumErrorsBefore));
    }

    public void Dispose() => _attemptTimeout.Dispose();

    /// <summary>Reads until the reply to the command just sent arrives (its kind), or the attempt times out (null).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<CcTalkReplyKind?> ReceiveAsync(CcTalkReplyShape shape, CancellationToken cancellationToken)
    {
        if (!_attemptTimeout.TryReset())
        {
            _attemptTimeout.Dispose();
            _attemptTimeout = NewTimeout();
        }

        _attemptTimeout.CancelAfter(_options.ResponseTimeout);
        using var stop = cancellationToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), _attemptTimeout);
        while (true)
        {
            if (TakeBuffered(shape) is { } kind)
            {
                // Disarm the timer now: left running it would fire before the next exchange, and a cancelled source
                // cannot be reused (a new one per poll on the real clock).
                _attemptTimeout.TryReset();
                return kind;
            }

            int n;
            try
            {
                n = await _stream.ReadAsync(_rx, _attemptTimeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The reply timeout. A damaged byte before the reply can start a candidate whose LEN promises more
                // bytes than will ever come, holding the real reply behind it: resolve what was held before giving up.
                return FlushReader(shape);
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (n == 0)
            {
                throw new DeviceLinkException("the serial link closed");
            }

            _rxStart = 0;
            _rxEnd = n;
        }
    }

    /// <summary>Feeds buffered bytes through the echo skipper and the frame reader; returns the reply's kind once found.</summary>
    private CcTalkReplyKind? TakeBuffered(CcTalkReplyShape shape)
    {
        if (_echo.IsExpecting && _rxStart < _rxEnd)
        {
            var result = _echo.Skip(_rx.AsSpan(_rxStart, _rxEnd - _rxStart), out var skipped);
            _rxStart += skipped;
            if (result == CcTalkEchoResult.Complete)
            {
                Statistics.EchoesSkipped++;
            }
            else if (result == CcTalkEchoResult.Mismatch && _echo.MatchedLength > 0)
            {
                // The echo was damaged on the line; its remaining bytes go through the reader as garbage.
                _logger.LogDebug("ccTalk echo damaged after {Matched} byte(s)", _echo.MatchedLength);
            }
        }

        // Read until the reader needs more: a result can be held after all input was consumed (a frame behind garbage).
        while (true)
        {
            var result = _reader.Read(_rx.AsSpan(_rxStart, _rxEnd - _rxStart), out var consumed);
            _rxStart += consumed;
            switch (result)
            {
                case CcTalkReadResult.NeedMoreData:
                    return null;
                case CcTalkReadResult.ChecksumError:
                    Statistics.ChecksumErrors++;
                    continue;
                case CcTalkReadResult.Garbage:
                    Statistics.GarbageBytes += _reader.ResultLength;
                    continue;
                case CcTalkReadResult.Frame when Accept(shape) is { } kind:
                    return kind;
                case CcTalkReadResult.Frame:
                    Statistics.StrayFrames++;
                    continue;
            }
        }
    }

    /// <summary>Is the frame just read the reply we wait for? Copies its data when it is.</summary>
    private CcTalkReplyKind? Accept(CcTalkReplyShape shape)
    {
        if (_reader.Source is { } source && source != _options.Address)
        {
            return null;
        }

        var kind = CcTalkReply.Classify(_reader.Header);
        var data = _reader.Data;
        var fits = kind switch
        {
            CcTalkReplyKind.Ack => shape.Fits(data.Length),
            CcTalkReplyKind.Nak or CcTalkReplyKind.Busy => data.IsEmpty,
            _ => false,
        };
        if (!fits)
        {
            _lastMisfit = kind == CcTalkReplyKind.Ack ? data.Length : _lastMisfit;
            return null;
        }

        data.CopyTo(_reply);
        _replyLength = data.Length;
        return kind;
    }

    private CcTalkReplyKind? FlushReader(CcTalkReplyShape shape)
    {
        while (true)
        {
            switch (_reader.Flush())
            {
                case CcTalkReadResult.NeedMoreData:
                    return null;
                case CcTalkReadResult.ChecksumError:
                    Statistics.ChecksumErrors++;
                    break;
                case CcTalkReadResult.Garbage:
                    Statistics.GarbageBytes += _reader.ResultLength;
                    break;
                case CcTalkReadResult.Frame when Accept(shape) is { } kind:
                    return kind;
                default:
                    Statistics.StrayFrames++;
                    break;
            }
        }
    }

    private string Describe(byte header, bool busy, bool checksumErrors)
    {
        var hint = busy ? "; the device kept answering BUSY"
            : _lastMisfit >= 0 ? $"; replies carried {_lastMisfit} data byte(s), which does not fit (check EventBufferDepth)"
            : checksumErrors ? $"; replies failed the {(_options.ChecksumMode == CcTalkChecksumMode.Simple8 ? "8-bit checksum" : "CRC-16")} check (is the device set to the other ChecksumMode?)"
            : $" (check the Address {_options.Address} and the cable)";
        return $"no valid reply to {CcTalkHeaderNames.Of(header)} after {_options.Retries + 1} attempt(s) of {_options.ResponseTimeout.TotalMilliseconds:0} ms{hint}";
    }

    private CancellationTokenSource NewTimeout() => new(Timeout.InfiniteTimeSpan, _time);
}
