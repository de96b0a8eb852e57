using SevaKiosk.Hal.Links;
using SevaKiosk.Protocol.EscPos;

namespace SevaKiosk.Hal.Printers;

/// <summary>
/// One open link to an ESC/POS printer: a reader that sorts incoming bytes (XON/XOFF, real-time replies, ASB frames,
/// queued replies) and the bookkeeping that pairs replies with what was sent. Every byte written passes the same
/// real-time scanner the printer runs, so a <c>DLE EOT</c> sequence that happens to sit inside image data is expected
/// like one we asked for, and its reply is never mistaken for the answer to a later question.
/// </summary>
internal sealed class EscPosConnection : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly TimeProvider _time;
    private readonly EscPosReplyReader _replies = new();
    private readonly RealTimeCommandScanner _scanner = new();
    private readonly object _gate = new();
    private readonly Queue<Expectation> _realTime = new();
    private readonly Queue<Expectation> _queued = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _flowChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _reader;
    private volatile bool _xoff;
    private long _queuedReceived;

    public EscPosConnection(Stream stream, TimeProvider time)
    {
        _stream = stream;
        _time = time;
        ModemLines = stream as IModemLines;
    }

    /// <summary>A complete ASB frame arrived.</summary>
    public event Action<AutomaticStatus>? AutomaticStatusReceived;

    /// <summary>A byte that fits no reply pattern arrived (wrong baud rate, not an ESC/POS printer, line noise).</summary>
    public event Action<byte>? NoiseReceived;

    /// <summary>Completes when the link ends (unplugged, closed).</summary>
    public Task Closed => _closed.Task;

    public bool XoffActive => _xoff;

    /// <summary>Queued replies (GS r, GS I) sent for and not answered yet.</summary>
    public int OutstandingQueued
    {
        get
        {
            lock (_gate)
            {
                return _queued.Count;
            }
        }
    }

    /// <summary>Queued replies received over the connection's life; a change means the printer is still answering.</summary>
    public long QueuedRepliesReceived => Interlocked.Read(ref _queuedReceived);

    public IModemLines? ModemLines { get; }

    public void Start() => _reader = Task.Run(ReadLoopAsync);

    /// <summary>
    /// Writes <paramref name="data"/>. Replies it will cause are registered first: one per <c>DLE EOT 1–4</c> found in
    /// it, and <paramref name="queuedReplies"/> for commands answered when processed (<c>GS r</c>, <c>GS I</c>).
    /// </summary>
    public async Task<Expectation[]> WriteAsync(ReadOnlyMemory<byte> data, int queuedReplies, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var created = new List<Expectation>();
            lock (_gate)
            {
                foreach (var b in data.Span)
                {
                    var command = _scanner.Scan(b);
                    if (command.Kind == RealTimeCommandKind.TransmitStatus)
                    {
                        var expectation = new Expectation(command.N);
                        _realTime.Enqueue(expectation);
                        created.Add(expectation);
                    }
                }

                for (var i = 0; i < queuedReplies; i++)
                {
                    var expectation = new Expectation(0);
                    _queued.Enqueue(expectation);
                    created.Add(expectation);
                }
            }

            await _stream.WriteAsync(data, cancellationToken).ConfigureAwait(false);
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            return [.. created];
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Sends <c>DLE EOT 1..4</c> in one write and waits for the four replies.</summary>
    /// <exception cref="TimeoutException">The printer did not answer in <paramref name="timeout"/>.</exception>
    public async Task<byte[]> QueryAllStatusAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        byte[] request = [.. RealTimeStatus.Request(1), .. RealTimeStatus.Request(2), .. RealTimeStatus.Request(3), .. RealTimeStatus.Request(4)];
        var expectations = await WriteAsync(request, 0, cancellationToken).ConfigureAwait(false);
        var replies = new byte[4];
        for (var i = 0; i < 4; i++)
        {
            replies[i] = await AwaitAsync(expectations[i], timeout, cancellationToken).ConfigureAwait(false);
        }

        return replies;
    }

    /// <summary>Waits for one expected reply; on timeout forgets it and everything expected before it.</summary>
    public async Task<byte> AwaitAsync(Expectation expectation, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await expectation.Reply.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Abandon(expectation);
            throw;
        }
    }

    /// <summary>Completes when XON/XOFF changes or <paramref name="maximum"/> passes, whichever is first.</summary>
    public async Task WaitForFlowChangeAsync(TimeSpan maximum, CancellationToken cancellationToken)
    {
        Task changed;
        lock (_gate)
        {
            changed = _flowChanged.Task;
        }

        try
        {
            await changed.WaitAsync(maximum, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Waited as long as asked.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        if (_reader is not null)
        {
            await _reader.ConfigureAwait(false);
        }

        lock (_gate)
        {
            FailAll(new IOException("The printer link was closed."));
        }

        _stop.Dispose();
        _writeLock.Dispose();
    }

    /// <summary>
    /// Gives up every outstanding queued reply: the printer will not send them (its buffers were cleared, or it has
    /// been idle and quiet since). Without this a stale entry would take the next reply and shift all later ones.
    /// </summary>
    public void ForgetQueued()
    {
        lock (_gate)
        {
            while (_queued.TryDequeue(out var stale))
            {
                stale.TrySetException(new TimeoutException("The printer discarded the command before answering it."));
            }
        }
    }

    private void Abandon(Expectation expectation)
    {
        lock (_gate)
        {
            var queue = expectation.N == 0 ? _queued : _realTime;
            if (!queue.Contains(expectation))
            {
                return;
            }

            // Replies come in order: if this one is missing, so is everything asked before it.
            while (queue.TryDequeue(out var dropped))
            {
                dropped.TrySetException(new TimeoutException("The printer did not answer."));
                if (ReferenceEquals(dropped, expectation))
                {
                    break;
                }
            }
        }
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[256];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var read = await _stream.ReadAsync(buffer, _stop.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                for (var i = 0; i < read; i++)
                {
                    Dispatch(buffer[i]);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The link ended; Closed reports it.
        }
        finally
        {
            lock (_gate)
            {
                FailAll(new IOException("The printer link was lost."));
            }

            _closed.TrySetResult();
        }
    }

    private void Dispatch(byte b)
    {
        var reply = _replies.Read(b);
        switch (reply.Kind)
        {
            case EscPosReplyKind.Xon or EscPosReplyKind.Xoff:
                TaskCompletionSource changed;
                lock (_gate)
                {
                    _xoff = reply.Kind == EscPosReplyKind.Xoff;
                    changed = _flowChanged;
                    _flowChanged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }

                changed.TrySetResult();
                break;
            case EscPosReplyKind.RealTimeStatus:
                Complete(_realTime, b);
                break;
            case EscPosReplyKind.QueuedReply:
                Interlocked.Increment(ref _queuedReceived);
                Complete(_queued, b);
                break;
            case EscPosReplyKind.AutomaticStatus:
                AutomaticStatusReceived?.Invoke(reply.Status);
                break;
            case EscPosReplyKind.Noise:
                NoiseReceived?.Invoke(b);
                break;
        }
    }

    private void Complete(Queue<Expectation> queue, byte value)
    {
        Expectation? expectation;
        lock (_gate)
        {
            queue.TryDequeue(out expectation);
        }

        // A reply nobody waits for (its question timed out) is dropped.
        expectation?.TrySetResult(value);
    }

    private void FailAll(Exception error)
    {
        foreach (var queue in new[] { _realTime, _queued })
        {
            while (queue.TryDequeue(out var expectation))
            {
                expectation.TrySetException(error);
            }
        }
    }

    /// <summary>A reply the printer owes us. <see cref="N"/> is the DLE EOT number, 0 for a queued reply.</summary>
    internal sealed class Expectation(byte n)
    {
        private readonly TaskCompletionSource<byte> _reply = CreateObserved();

        public byte N { get; } = n;

        public Task<byte> Reply => _reply.Task;

        public void TrySetResult(byte value) => _reply.TrySetResult(value);

        public void TrySetException(Exception error) => _reply.TrySetException(error);

        /// <summary>Replies nobody waits for any more (spurious DLE EOT inside image data) must not surface as unobserved exceptions.</summary>
        private static TaskCompletionSource<byte> CreateObserved()
        {
            var source = new TaskCompletionSource<byte>(TaskCreationOptions.RunContinuationsAsynchronously);
            source.Task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            return source;
        }
    }
}
