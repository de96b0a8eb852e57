using SevaKiosk.Interop;

namespace SevaKiosk.Simulator.Pty;

/// <summary>
/// Stream over a pty master descriptor. Reads wait with <c>poll()</c> in short slices so that cancellation and
/// disposal take effect promptly (a thread blocked in <c>read()</c> would not notice either).
/// </summary>
public sealed unsafe class PtyStream : Stream
{
    private const int PollSliceMilliseconds = 50;
    private readonly int _fd;
    private volatile bool _closed;

    internal PtyStream(int fd) => _fd = fd;

    public override bool CanRead => !_closed;

    public override bool CanSeek => false;

    public override bool CanWrite => !_closed;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => ReadCore(buffer, CancellationToken.None);

    /// <summary>
    /// A blocking read on the caller's thread that still honours <paramref name="cancellationToken"/>: for device
    /// loops on a dedicated thread that must answer within a few milliseconds even when the thread pool is busy.
    /// </summary>
    public int Read(Span<byte> buffer, CancellationToken cancellationToken) => ReadCore(buffer, cancellationToken);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // poll() blocks a thread; keep it off the caller's and let the thread pool own it.
        return new ValueTask<int>(Task.Factory.StartNew(
            () => ReadCore(buffer.Span, cancellationToken),
            cancellationToken,
            TaskCreationOptions.DenyChildAttach,
            TaskScheduler.Default));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            var done = 0;
            while (done < buffer.Length)
            {
                ObjectDisposedException.ThrowIf(_closed, this);
                var n = Posix.write(_fd, p + done, buffer.Length - done);
                if (n < 0)
                {
                    var errno = Posix.LastError;
                    if (errno is Posix.EINTR or Posix.EAGAIN)
                    {
                        WaitFor(Posix.POLLOUT, CancellationToken.None);
                        continue;
                    }

                    LibC.ThrowIfError(-1, "write");
                }

                done += (int)n;
            }
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (!_closed)
        {
            _closed = true;

            // Give a reader in poll() one slice to notice before the descriptor number can be reused.
            Thread.Sleep(PollSliceMilliseconds + 10);
            Posix.close(_fd);
        }

        base.Dispose(disposing);
    }

    private int ReadCore(Span<byte> buffer, CancellationToken cancellationToken)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (true)
        {
            if (!WaitFor(Posix.POLLIN, cancellationToken))
            {
                return 0;
            }

            fixed (byte* p = buffer)
            {
                var n = Posix.read(_fd, p, buffer.Length);
                if (n >= 0)
                {
                    return (int)n;
                }
            }

            var errno = Posix.LastError;
            if (errno is Posix.EINTR or Posix.EAGAIN)
            {
                continue;
            }

            if (errno == Posix.EIO)
            {
                // No slave open (cannot happen while PseudoTerminal holds one); treat as end of stream.
                return 0;
            }

            LibC.ThrowIfError(-1, "read");
        }
    }

    /// <summary>Waits until the descriptor is ready; false when the stream was closed.</summary>
    private bool WaitFor(short events, CancellationToken cancellationToken)
    {
        var fds = new Posix.PollFd { Fd = _fd, Events = events };
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_closed)
            {
                return false;
            }

            fds.Revents = 0;
            var r = Posix.poll(&fds, 1, PollSliceMilliseconds);
            if (r > 0)
            {
                return true;
            }

            if (r < 0 && Posix.LastError != Posix.EINTR)
            {
                LibC.ThrowIfError(r, "poll");
            }
        }
    }
}
