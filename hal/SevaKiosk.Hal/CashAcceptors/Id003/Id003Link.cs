using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using SevaKiosk.Protocol.Id003;

namespace SevaKiosk.Hal.CashAcceptors.Id003;

/// <summary>A good frame the unit sent. <see cref="Data"/> points into <see cref="Frame"/>.</summary>
internal readonly record struct Id003Reply(byte[] Frame)
{
    public byte Code => Frame[2];

    public ReadOnlySpan<byte> Data => Frame.AsSpan(3, Frame.Length - Id003Constants.FrameOverhead);

    public string Describe() => Id003Names.Describe(Id003Direction.AcceptorToHost, Code, Data);
}

/// <summary>Link counters of one driver over its lifetime (all connections).</summary>
/// <param name="Retransmissions">Commands sent again after a timeout or a COMMUNICATION ERROR reply.</param>
/// <param name="CrcErrors">Received frames that failed their CRC.</param>
/// <param name="GarbageBytes">Received bytes that belonged to no frame.</param>
/// <param name="EchoesSkipped">Our own frames read back from an echoing adapter and dropped.</param>
/// <param name="StaleFrames">Frames that arrived when no reply was awaited (late replies, echoes of ACK), or that
/// cannot answer the command awaiting one (a late reply crossing a retransmission): dropped, never taken for a reply.</param>
/// <param name="CommunicationErrors">COMMUNICATION ERROR (0x4A) replies: the unit saw a bad frame from us.</param>
/// <param name="InvalidCommands">INVALID COMMAND (0x4B) replies: a command the unit refused in its state.</param>
public readonly record struct Id003LinkStatistics(
    long Retransmissions,
    long CrcErrors,
    long GarbageBytes,
    long EchoesSkipped,
    long StaleFrames,
    long CommunicationErrors,
    long InvalidCommands);

/// <summary>
/// ID-003 request/response over one stream at a time. A receive pump reads continuously and queues every good frame;
/// a command first drops whatever is queued (nothing is ever unsolicited in polled mode, so it is stale), then is sent
/// and waits for its reply: retransmitted on timeout or COMMUNICATION ERROR, with the adapter's echo told apart from a
/// reply by <see cref="Id003EchoFilter"/> and a late reply to an earlier attempt (one that cannot answer this command,
/// see <see cref="Id003Commands.IsPossibleReply"/>) dropped. On a response timeout the reader is flushed so bytes held by a corrupted LNG
/// are rescanned. Owned by the driver's loop; never used from two threads (the pump only fills the queue).
/// </summary>
internal sealed class Id003Link : IDisposable
{
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Id003EchoFilter _echo;
    private readonly byte[] _tx = new byte[Id003Constants.MaxFrameLength];
    private int _txLength;
    private Receiver? _receiver;
    private long _retransmissions;
    private long _echoesSkipped;
    private long _staleFrames;
    private long _communicationErrors;
    private long _invalidCommands;
    private long _crcErrors;
    private long _garbageBytes;

    public Id003Link(TimeProvider time, TimeSpan timeout, int retries, Id003EchoMode echo, ILogger logger)
    {
        _time = time;
        Timeout = timeout;
        Retries = retries;
        _echo = new Id003EchoFilter(echo);
        _logger = logger;
    }

    public TimeSpan Timeout { get; }

    public int Retries { get; }

    /// <summary>What the echo filter has learned on this connection (null: not yet known).</summary>
    public bool? AdapterEchoes => _echo.AdapterEchoes;

    public Id003LinkStatistics Statistics => new(
        Interlocked.Read(ref _retransmissions),
        Interlocked.Read(ref _crcErrors),
        Interlocked.Read(ref _garbageBytes),
        Interlocked.Read(ref _echoesSkipped),
        Interlocked.Read(ref _staleFrames),
        Interlocked.Read(ref _communicationErrors),
        Interlocked.Read(ref _invalidCommands));

    /// <summary>Starts talking over a freshly opened stream.</summary>
    public void Attach(Stream stream)
    {
        Detach();
        _echo.Reset();
        _receiver = new Receiver(this, stream);
    }

    /// <summary>Stops the receive pump of the current stream (the stream itself belongs to the caller).</summary>
    public void Detach()
    {
        _receiver?.Dispose();
        _receiver = null;
    }

    public void Dispose() => Detach();

    /// <summary>Sends a command and returns the unit's reply. The reply stays valid after the next call.</summary>
    /// <exception cref="DeviceLinkException">No reply after every retransmission, or the stream failed.</exception>
    public ValueTask<Id003Reply> ExchangeAsync(Id003Command command, ReadOnlySpan<byte> data, CancellationToken cancellationToken)
    {
        _txLength = Id003FrameWriter.Write((byte)command, data, _tx);
        return TransmitAsync(Retries, cancellationToken);
    }

    public ValueTask<Id003Reply> ExchangeAsync(Id003Command command, CancellationToken cancellationToken) =>
        ExchangeAsync(command, default, cancellationToken);

    /// <summary>
    /// With echo on Auto and nothing learned yet, asks for the version once, without retransmission: its reply can
    /// never equal the request, so an echoing adapter is recognised before the first STATUS REQUEST, whose reply may
    /// equal it (an idle unit's ENABLE). Otherwise that STATUS REQUEST's echo, its reply lost to noise, would read as
    /// ENABLE. A clean reply here only counts towards "no echo" (one echo may have been lost too). A unit that does not
    /// answer is not an error here: STATUS REQUEST decides that.
    /// </summary>
    public async ValueTask ProbeEchoAsync(CancellationToken cancellationToken)
    {
        if (_echo.AdapterEchoes is not null)
        {
            return;
        }

        _txLength = Id003FrameWriter.Write((byte)Id003Command.VersionRequest, default, _tx);
        try
        {
            await TransmitAsync(retries: 0, cancellationToken).ConfigureAwait(false);
        }
        catch (DeviceLinkException ex)
        {
            _logger.LogDebug("ID-003: no answer to the echo probe ({Message})", ex.Message);
        }
    }

    /// <summary>
    /// Sends a command the unit does not answer (ACK after VEND VALID). With an echoing adapter its echo is read back
    /// here; otherwise anything that follows is dropped as stale before the next command.
    /// </summary>
    public async ValueTask SendUnansweredAsync(Id003Command command, CancellationToken cancellationToken)
    {
        _txLength = Id003FrameWriter.Write((byte)command, default, _tx);
        var receiver = Current;
        receiver.DropStale();
        await receiver.WriteAsync(_tx.AsMemory(0, _txLength), cancellationToken).ConfigureAwait(false);
        if (_echo.AdapterEchoes != true)
        {
            return;
        }

        using var attempt = new Attempt(_time, Timeout, cancellationToken);
        if (await receiver.NextAsync(attempt, cancellationToken).ConfigureAwait(false) is { } frame)
        {
            if (IsSent(frame))
            {
                Interlocked.Increment(ref _echoesSkipped);
            }
            else
            {
                Interlocked.Increment(ref _staleFrames);
                _logger.LogDebug("ID-003: {Frame} after {Command}, which has no reply", frame.Describe(), Id003Names.Command((byte)command));
            }
        }
    }

    private Receiver Current => _receiver ?? throw new DeviceLinkException("not connected");

    private async ValueTask<Id003Reply> TransmitAsync(int retries, CancellationToken cancellationToken)
    {
        var receiver = Current;
        var command = _tx[2];
        var ambiguous = command == (byte)Id003Command.StatusRequest || Id003Commands.IsSetting(command);
        for (var attempt = 0; attempt <= retries; attempt++)
        {
            if (attempt > 0)
            {
                Interlocked.Increment(ref _retransmissions);
            }

            receiver.DropStale();
            await receiver.WriteAsync(_tx.AsMemory(0, _txLength), cancellationToken).ConfigureAwait(false);
            using var window = new Attempt(_time, Timeout, cancellationToken);
            var reply = await ReceiveReplyAsync(receiver, window, ambiguous, cancellationToken).ConfigureAwait(false);
            if (reply is not { } frame)
            {
                _logger.LogDebug("ID-003: no reply to {Command} within {Timeout} ms (attempt {Attempt})", Id003Names.Command(command), Timeout.TotalMilliseconds, attempt + 1);
                continue;
            }

            switch ((Id003Status)frame.Code)
            {
                case Id003Status.CommunicationError:
                    // The unit saw a garbled frame from us and did nothing: say it again.
                    Interlocked.Increment(ref _communicationErrors);
                    _logger.LogDebug("ID-003: COMMUNICATION ERROR in reply to {Command}; sending it again", Id003Names.Command(command));
                    continue;
                case Id003Status.InvalidCommand:
                    Interlocked.Increment(ref _invalidCommands);
                    _logger.LogDebug("ID-003: INVALID COMMAND in reply to {Command}", Id003Names.Command(command));
                    break;
            }

            return frame;
        }

        throw new DeviceLinkException(
            $"no valid reply to {Id003Names.Command(command)} after {retries + 1} attempt(s) of {Timeout.TotalMilliseconds:0} ms");
    }

    /// <summary>
    /// The reply to the frame just sent, skipping the adapter's echo and any frame that cannot answer this command (a
    /// late reply to an earlier one, crossing a retransmission); null when the attempt timed out.
    /// </summary>
    private async ValueTask<Id003Reply?> ReceiveReplyAsync(Receiver receiver, Attempt window, bool ambiguous, CancellationToken cancellationToken)
    {
        var command = _tx[2];
        var echoPending = true;
        while (await receiver.NextAsync(window, cancellationToken).ConfigureAwait(false) is { } frame)
        {
            if (IsSent(frame) && (echoPending || !ambiguous))
            {
                // Only STATUS REQUEST and settings can be answered with their own bytes; for them the first copy is
                // the echo or the reply, as the filter decides. Any other command's copy is an echo, or (echo set
                // Absent) a late status with the same bytes, which the reply check below drops.
                var verdict = echoPending ? _echo.FirstFrameIdentical(ambiguous) : EchoVerdict.Drop;
                echoPending = false;
                switch (verdict)
                {
                    case EchoVerdict.Drop:
                        Interlocked.Increment(ref _echoesSkipped);
                        continue;
                    case EchoVerdict.WaitForAnother:
                        if (await receiver.NextAsync(window, cancellationToken).ConfigureAwait(false) is not { } second)
                        {
                            return frame;
                        }

                        _echo.EchoSeen();
                        Interlocked.Increment(ref _echoesSkipped);
                        frame = second;
                        break;
                }
            }

            if (!Id003Commands.IsPossibleReply(command, frame.Code))
            {
                Interlocked.Increment(ref _staleFrames);
                _logger.LogDebug("ID-003: {Frame} cannot answer {Command}; a late reply, dropped", frame.Describe(), Id003Names.Command(command));
                continue;
            }

            if (echoPending)
            {
                _echo.FirstFrameDifferent();
            }

            return frame;
        }

        return null;
    }

    private bool IsSent(Id003Reply frame) => frame.Frame.AsSpan().SequenceEqual(_tx.AsSpan(0, _txLength));

    /// <summary>The response window of one attempt, on the injected clock.</summary>
    private sealed class Attempt : IDisposable
    {
        private readonly CancellationTokenSource _timeout;
        private readonly CancellationTokenSource _linked;

        public Attempt(TimeProvider time, TimeSpan timeout, CancellationToken cancellationToken)
        {
            _timeout = new CancellationTokenSource(timeout, time);
            _linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _timeout.Token);
        }

        public CancellationToken Token => _linked.Token;

        public bool TimedOut => _timeout.IsCancellationRequested;

        public void Dispose()
        {
            _linked.Dispose();
            _timeout.Dispose();
        }
    }

    /// <summary>The receive pump of one stream: reads continuously and queues every good frame.</summary>
    private sealed class Receiver : IDisposable
    {
        private readonly Id003Link _link;
        private readonly Stream _stream;
        private readonly Id003FrameReader _reader = new();
        private readonly object _gate = new();
        private readonly Channel<Id003Reply> _frames = Channel.CreateUnbounded<Id003Reply>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
        private readonly CancellationTokenSource _stop = new();

        public Receiver(Id003Link link, Stream stream)
        {
            _link = link;
            _stream = stream;
            _ = Task.Run(PumpAsync);
        }

        /// <summary>Stops the pump; a read in progress is cancelled (the caller closes the stream).</summary>
        public void Dispose()
        {
            _frames.Writer.TryComplete(new DeviceLinkException("the link was closed"));
            _stop.Cancel();
            _stop.Dispose();
        }

        public async ValueTask WriteAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
        {
            await _stream.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Drops every frame (and half-frame) received so far: no command is waiting for them.</summary>
        public void DropStale()
        {
            lock (_gate)
            {
                if (_reader.HasPendingBytes)
                {
                    Flush();
                }
            }

            while (_frames.Reader.TryRead(out _))
            {
                Interlocked.Increment(ref _link._staleFrames);
            }
        }

        /// <summary>The next good frame within the attempt's window, or null once it has passed.</summary>
        public async ValueTask<Id003Reply?> NextAsync(Attempt attempt, CancellationToken cancellationToken)
        {
            while (true)
            {
                if (_frames.Reader.TryRead(out var frame))
                {
                    return frame;
                }

                if (attempt.TimedOut)
                {
                    // The line is quiet: a frame whose LNG was corrupted upwards waits for bytes that never come.
                    // Rescan what is held; a good frame inside it is still reported.
                    lock (_gate)
                    {
                        Flush();
                    }

                    return _frames.Reader.TryRead(out frame) ? frame : null;
                }

                try
                {
                    if (!await _frames.Reader.WaitToReadAsync(attempt.Token).ConfigureAwait(false))
                    {
                        throw new DeviceLinkException("the serial link closed");
                    }
                }
                catch (OperationCanceledException) when (attempt.TimedOut && !cancellationToken.IsCancellationRequested)
                {
                    // Loop once more: the flush above runs.
                }
                catch (ChannelClosedException ex)
                {
                    throw new DeviceLinkException(ex.InnerException?.Message ?? "the serial link closed", ex);
                }
            }
        }

        private async Task PumpAsync()
        {
            var buffer = new byte[512];
            try
            {
                while (true)
                {
                    var n = await _stream.ReadAsync(buffer, _stop.Token).ConfigureAwait(false);
                    if (n == 0)
                    {
                        _frames.Writer.TryComplete(new DeviceLinkException("the serial link closed"));
                        return;
                    }

                    lock (_gate)
                    {
                        var input = buffer.AsSpan(0, n);
                        while (true)
                        {
                            var result = _reader.Read(input, out var consumed);
                            input = input[consumed..];
                            if (result == Id003ReadResult.NeedMoreData)
                            {
                                break;
                            }

                            Collect(result);
                        }
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException or UnauthorizedAccessException or OperationCanceledException)
            {
                _frames.Writer.TryComplete(new DeviceLinkException($"reading the serial link failed: {ex.Message}", ex));
            }
        }

        private void Flush()
        {
            for (var result = _reader.Flush(); result != Id003ReadResult.NeedMoreData; result = _reader.Flush())
            {
                Collect(result);
            }
        }

        private void Collect(Id003ReadResult result)
        {
            switch (result)
            {
                case Id003ReadResult.Frame:
                    _frames.Writer.TryWrite(new Id003Reply(_reader.Frame.ToArray()));
                    break;
                case Id003ReadResult.CrcError:
                    Interlocked.Increment(ref _link._crcErrors);
                    break;
                case Id003ReadResult.Garbage:
                    Interlocked.Add(ref _link._garbageBytes, _reader.ResultLength);
                    break;
            }
        }
    }
}
