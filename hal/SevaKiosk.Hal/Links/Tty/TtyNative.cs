using System.Runtime.InteropServices;

namespace SevaKiosk.Hal.Links.Tty;

/// <summary>
/// The libc calls and constants a serial port needs on Linux. Values are the asm-generic ones, which x86, x86-64,
/// 32- and 64-bit ARM and RISC-V share (the architectures kiosk boards use); MIPS, PowerPC and SPARC differ.
/// </summary>
internal static unsafe partial class TtyNative
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

    public const int EINTR = 4;
    public const int EIO = 5;
    public const int EAGAIN = 11;
    public const int EACCES = 13;
    public const int EBUSY = 16;
    public const int ENOENT = 2;

    public const int TCSANOW = 0;
    public const int TCIOFLUSH = 2;

    public const nuint TIOCEXCL = 0x540C;
    public const nuint TIOCMGET = 0x5415;
    public const nuint TIOCMBIS = 0x5416;
    public const nuint TIOCMBIC = 0x5417;
    public const int TIOCM_DTR = 0x002;
    public const int TIOCM_RTS = 0x004;
    public const int TIOCM_DSR = 0x100;

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
    public static partial int eventfd(uint initval, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int tcgetattr(int fd, byte* termios);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int tcsetattr(int fd, int optionalActions, byte* termios);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int tcflush(int fd, int queueSelector);

    [LibraryImport("libc")]
    public static partial void cfmakeraw(byte* termios);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int cfsetispeed(byte* termios, uint speed);

    [LibraryImport("libc")]
    public static partial uint cfgetospeed(byte* termios);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int cfsetospeed(byte* termios, uint speed);

    // ioctl is variadic; on Linux (x86-64 and AArch64 alike) a variadic pointer travels like a named argument.
    [LibraryImport("libc", SetLastError = true)]
    public static partial int ioctl(int fd, nuint request, int* argument);

    public static int LastError => Marshal.GetLastPInvokeError();

    public static string Describe(int errno) => $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
}
