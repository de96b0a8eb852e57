using System.Runtime.InteropServices;
using SevaKiosk.Interop;

namespace SevaKiosk.Hal.Links.Tty;

/// <summary>
/// A serial port as a stream, straight on the tty descriptor. One reader thread per port sleeps in <c>poll()</c> until
/// bytes arrive and queues them; reads take from that queue.
/// </summary>
/// <remarks>
/// Why not <c>System.IO.Ports</c>: on Unix its stream runs an I/O loop that polls with a 1 ms timeout whenever a read
/// is pending, and a polled device always has one pending, so each open port costs about a thousand wake-ups a
/// second (2 % of a core on the kiosk's board for one validator). Here an idle port costs nothing. A cancelled read
/// takes nothing from the queue, so a driver's reply timeout can never swallow the bytes of the next frame.
/// </remarks>
public sealed class TtyStream : Stream, IModemLines
{
    private const int ChunkBytes = 4096;

    /// <summary>Past this much unread input the reader stops reading and lets the kernel buffer (and flow control) hold the rest.</summary>
    private const int MaxQueuedBytes = 256 * 1024;

    private readonly string _path;
    private readonly int _fd;
    private readonly int _wake;
    private readonly TimeSpan _writeTimeout;
    private readonly Thread _reader;
    private readonly Lock _gate = new();
    private readonly Queue<byte[]> _chunks = new();
    private readonly ManualResetEventSlim _room = new(initialState: true);
    private ReadOnlyMemory<byte> _current;
    private int _queued;
    private TaskCompletionSource? _arrived;
    private Exception? _failure;
    private volatile bool _closed;

    private TtyStream(string path, int fd, int wake, TimeSpan writeTimeout)
    {
        _path = path;
        _fd = fd;
        _wake = wake;
        _writeTimeout = writeTimeout;
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = $"tty {Path.GetFileName(path)}" };
        _reader.Start();
    }

    /// <summary>
    /// Opens <paramref name="path"/> exclusively, in raw mode with <paramref name="settings"/>, discards what was
    /// waiting in the kernel, and sets DTR/RTS as asked (ignored where the tty has no modem lines, as on a pty).
    /// </summary>
    /// <exception cref="IOException">Missing, busy, or not a serial port; the message says which.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission (the kiosk user belongs in the dialout group).</exception>
    public static unsafe TtyStream Open(string path, SerialSettings settings, TimeSpan? writeTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("TtyStream speaks to Linux ttys; use SerialPortLinkFactory elsewhere.");
        }

        var fd = Posix.open(path, Posix.O_RDWR | Posix.O_NOCTTY | Posix.O_NONBLOCK | Posix.O_CLOEXEC);
        if (fd < 0)
        {
            var errno = Posix.LastError;
            throw errno switch
            {
                Posix.EACCES => new UnauthorizedAccessException($"{path}: permission denied; the kiosk user must be in the dialout group."),
                Posix.ENOENT => new IOException($"Serial port {path} does not exist (unplugged, or a wrong path in the configuration)."),
                Posix.EBUSY => new IOException($"{path} is in use by another process (opened exclusively)."),
                _ => new IOException($"{path}: open failed: {Posix.Describe(errno)}."),
            };
        }

        var wake = -1;
        try
        {
            // Exclusive: a second process (a technician's terminal, a second firmware) that opens the port gets EBUSY
            // instead of stealing frames. (root is exempt; the kiosk service does not run as root.)
            TtyNative.ioctl(fd, TtyNative.TIOCEXCL, null);

            Termios.Apply(fd, settings, path);
            TtyNative.tcflush(fd, TtyNative.TCIOFLUSH);
            SetModemLine(fd, TtyNative.TIOCM_DTR, settings.DtrEnable);
            SetModemLine(fd, TtyNative.TIOCM_RTS, settings.RtsEnable);
            wake = TtyNative.eventfd(0, Posix.O_CLOEXEC | Posix.O_NONBLOCK);
            if (wake < 0)
            {
                throw new IOException($"eventfd failed: {Posix.Describe(Posix.LastError)}.");
            }

            return new TtyStream(path, fd, wake, writeTimeout ?? TimeSpan.FromSeconds(2));
        }
        catch
        {
            if (wake >= 0)
            {
                Posix.close(wake);
            }

            Posix.close(fd);
            throw;
        }
    }

    public override bool CanRead => !_closed;

    public override bool CanSeek => false;

    public override bool CanWrite => !_closed;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>The tty answers the modem-status ioctl (a UART or USB adapter); a pseudo-terminal does not.</summary>
    public unsafe bool HasModemLines
    {
        get
        {
            int lines;
            return !_closed && TtyNative.ioctl(_fd, TtyNative.TIOCMGET, &lines) == 0;
        }
    }

    /// <summary>DSR from the modem-status ioctl.</summary>
    /// <exception cref="IOException">The tty has no modem lines (a pseudo-terminal, some USB adapters).</exception>
    public unsafe bool DsrHolding
    {
        get
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            int lines;
            if (TtyNative.ioctl(_fd, TtyNative.TIOCMGET, &lines) < 0)
            {
                throw new IOException($"{_path} has no modem lines to read DSR from: {Posix.Describe(Posix.LastError)}.");
            }

            return (lines & TtyNative.TIOCM_DSR) != 0;
        }
    }

    /// <summary>The line settings the kernel holds now, read back from the tty (what the driver really runs with).</summary>
    public SerialSettings LineSettings
    {
        get
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            return Termios.Read(_fd, _path);
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Task arrival;
            lock (_gate)
            {
                if (buffer.IsEmpty)
                {
                    return 0;
                }

                if (TryTake(buffer.Span) is > 0 and var taken)
                {
                    return taken;
                }

                ObjectDisposedException.ThrowIf(_closed, this);
                if (_failure is not null)
                {
                    throw new IOException(_failure.Message, _failure);
                }

                _arrived ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                arrival = _arrived.Task;
            }

            // Cancelling the wait leaves the queue alone: the bytes are there for the next read.
            await arrival.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <summary>Writes everything, waiting for room in the kernel's buffer up to the write timeout.</summary>
    /// <exception cref="TimeoutException">The line took nothing for the write timeout (hardware flow control held it).</exception>
    public override unsafe void Write(ReadOnlySpan<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            var done = 0;
            while (done < buffer.Length)
            {
                ObjectDisposedException.ThrowIf(_closed, this);
                var n = Posix.write(_fd, p + done, buffer.Length - done);
                if (n >= 0)
                {
                    done += (int)n;
                    continue;
                }

                var errno = Posix.LastError;
                if (errno == Posix.EINTR)
                {
                    continue;
                }

                if (errno != Posix.EAGAIN)
                {
                    throw new IOException($"{_path}: write failed: {Posix.Describe(errno)}.");
                }

                var ready = new Posix.PollFd { Fd = _fd, Events = Posix.POLLOUT };
                if (Posix.poll(&ready, 1, (int)_writeTimeout.TotalMilliseconds) == 0)
                {
                    throw new TimeoutException($"{_path}: the line took no data for {_writeTimeout.TotalSeconds:0.#} s.");
                }
            }
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // The kernel takes a frame at once (its buffer is kilobytes; drivers pace larger jobs), so this does not block.
        cancellationToken.ThrowIfCancellationRequested();
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (!_closed)
        {
            _closed = true;
            Wake();
            _room.Set();
            if (Thread.CurrentThread != _reader)
            {
                _reader.Join();
            }

            Posix.close(_fd);
            Posix.close(_wake);
            TaskCompletionSource? waiting;
            lock (_gate)
            {
                waiting = _arrived;
                _arrived = null;
            }

            waiting?.TrySetResult();
            _room.Dispose();
        }

        base.Dispose(disposing);
    }

    private static unsafe void SetModemLine(int fd, int line, bool on)
    {
        // Pseudo-terminals and some adapters have no modem lines; the protocols here never need them to work.
        TtyNative.ioctl(fd, on ? TtyNative.TIOCMBIS : TtyNative.TIOCMBIC, &line);
    }

    private int TryTake(Span<byte> destination)
    {
        var taken = 0;
        while (taken < destination.Length)
        {
            if (_current.IsEmpty)
            {
                if (!_chunks.TryDequeue(out var next))
                {
                    break;
                }

                _current = next;
            }

            var n = Math.Min(_current.Length, destination.Length - taken);
            _current.Span[..n].CopyTo(destination[taken..]);
            _current = _current[n..];
            taken += n;
        }

        _queued -= taken;
        if (_queued < MaxQueuedBytes)
        {
            _room.Set();
        }

        return taken;
    }

    private unsafe void ReadLoop()
    {
        var chunk = new byte[ChunkBytes];
        var fds = stackalloc Posix.PollFd[2];
        try
        {
            while (!_closed)
            {
                _room.Wait();
                fds[0] = new Posix.PollFd { Fd = _fd, Events = Posix.POLLIN };
                fds[1] = new Posix.PollFd { Fd = _wake, Events = Posix.POLLIN };
                if (Posix.poll(fds, 2, -1) < 0)
                {
                    if (Posix.LastError == Posix.EINTR)
                    {
                        continue;
                    }

                    throw new IOException($"{_path}: poll failed: {Posix.Describe(Posix.LastError)}.");
                }

                if (_closed || fds[1].Revents != 0)
                {
                    return;
                }

                if (fds[0].Revents == 0)
                {
                    continue;
                }

                nint n;
                fixed (byte* p = chunk)
                {
                    n = Posix.read(_fd, p, chunk.Length);
                }

                if (n > 0)
                {
                    Enqueue(chunk.AsSpan(0, (int)n).ToArray());
                    continue;
                }

                var errno = n < 0 ? Posix.LastError : 0;
                if (n < 0 && errno is Posix.EINTR or Posix.EAGAIN)
                {
                    continue;
                }

                // read() of 0 or EIO, with POLLHUP/POLLERR: the device is gone (USB adapter unplugged, pty closed).
                throw new IOException(n == 0 || errno == Posix.EIO
                    ? $"{_path}: the serial device went away (unplugged or powered off)."
                    : $"{_path}: read failed: {Posix.Describe(errno)}.");
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            Fail(ex);
        }
    }

    private void Enqueue(byte[] bytes)
    {
        TaskCompletionSource? waiting;
        lock (_gate)
        {
            _chunks.Enqueue(bytes);
            _queued += bytes.Length;
            if (_queued >= MaxQueuedBytes)
            {
                _room.Reset();
            }

            waiting = _arrived;
            _arrived = null;
        }

        waiting?.TrySetResult();
    }

    private void Fail(Exception failure)
    {
        TaskCompletionSource? waiting;
        lock (_gate)
        {
            _failure = failure;
            waiting = _arrived;
            _arrived = null;
        }

        waiting?.TrySetResult();
    }

    private unsafe void Wake()
    {
        ulong one = 1;
        Posix.write(_wake, (byte*)&one, sizeof(ulong));
    }
}
