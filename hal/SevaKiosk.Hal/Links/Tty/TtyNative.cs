using System.Runtime.InteropServices;

namespace SevaKiosk.Hal.Links.Tty;

/// <summary>
/// What a serial port needs beyond <see cref="SevaKiosk.Interop.Posix"/>: line speed, flushing, exclusive open, modem
/// lines and the eventfd that wakes the reader. asm-generic values, as there.
/// </summary>
internal static unsafe partial class TtyNative
{
    public const int TCIOFLUSH = 2;

    public const nuint TIOCEXCL = 0x540C;
    public const nuint TIOCMGET = 0x5415;
    public const nuint TIOCMBIS = 0x5416;
    public const nuint TIOCMBIC = 0x5417;
    public const int TIOCM_DTR = 0x002;
    public const int TIOCM_RTS = 0x004;
    public const int TIOCM_DSR = 0x100;

    [LibraryImport("libc", SetLastError = true)]
    public static partial int eventfd(uint initval, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int tcflush(int fd, int queueSelector);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int cfsetispeed(byte* termios, uint speed);

    [LibraryImport("libc")]
    public static partial uint cfgetospeed(byte* termios);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int cfsetospeed(byte* termios, uint speed);

    // ioctl is variadic; on Linux (x86-64 and AArch64 alike) a variadic pointer travels like a named argument.
    [LibraryImport("libc", SetLastError = true)]
    public static partial int ioctl(int fd, nuint request, int* argument);
}
