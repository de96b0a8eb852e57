using System.Runtime.InteropServices;

namespace SevaKiosk.Interop;

/// <summary>
/// The libc calls and constants that every tty user here needs: open, read, write, poll and raw termios. Compiled into
/// both the HAL (serial ports) and the simulator (pseudo-terminals) as a linked source file, so the simulated devices
/// keep no reference to the drivers' assembly while the two share one set of declarations. Values are the
/// asm-generic ones, which x86, x86-64, 32- and 64-bit ARM and RISC-V share (the architectures kiosk boards use).
/// </summary>
internal static unsafe partial class Posix
{
    public const int O_RDWR = 0x2;
    public const int O_NOCTTY = 0x100;
    public const int O_NONBLOCK = 0x800;
    public const int O_CLOEXEC = 0x80000;

    public const short POLLIN = 0x1;
    public const short POLLOUT = 0x4;
    public const short POLLERR = 0x8;
    public const short POLLHUP = 0x10;
    public const short POLLNVAL = 0x20;

    public const int ENOENT = 2;
    public const int EINTR = 4;
    public const int EIO = 5;
    public const int EAGAIN = 11;
    public const int EACCES = 13;
    public const int EBUSY = 16;

    public const int TCSANOW = 0;

    /// <summary>
    /// <c>struct termios</c> is 60 bytes on Linux/glibc (c_iflag, c_oflag, c_cflag, c_lflag, c_line, c_cc[32],
    /// c_ispeed, c_ospeed); buffers are this large so a libc with more fields is safe.
    /// </summary>
    public const int TermiosBufferSize = 256;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint read(int fd, byte* buf, nint count);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint write(int fd, byte* buf, nint count);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int poll(PollFd* fds, nuint nfds, int timeout);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int tcgetattr(int fd, byte* termios);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int tcsetattr(int fd, int optionalActions, byte* termios);

    [LibraryImport("libc")]
    public static partial void cfmakeraw(byte* termios);

    public static int LastError => Marshal.GetLastPInvokeError();

    public static string Describe(int errno) => $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
}
