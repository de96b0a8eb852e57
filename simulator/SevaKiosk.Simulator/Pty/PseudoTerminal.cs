using System.Text;
using SevaKiosk.Interop;

namespace SevaKiosk.Simulator.Pty;

/// <summary>
/// A Linux pseudo-terminal opened through libc (no external program). The simulated device talks on
/// <see cref="Master"/>; the firmware opens <see cref="SlavePath"/> exactly as it would open a real serial port.
/// </summary>
/// <remarks>
/// We keep our own descriptor on the slave side open for the terminal's lifetime and put it in raw mode. Without it,
/// the master reads EIO whenever the client closes its port (so a driver that reconnects would kill the device), and
/// until the client configures the line the default line discipline would echo and translate our bytes.
/// </remarks>
public sealed unsafe class PseudoTerminal : IDisposable
{
    private readonly int _slaveFd;
    private bool _disposed;

    private PseudoTerminal(int masterFd, int slaveFd, string slavePath)
    {
        _slaveFd = slaveFd;
        SlavePath = slavePath;
        Master = new PtyStream(masterFd);
    }

    /// <summary>Path the client opens, for example <c>/dev/pts/7</c>.</summary>
    public string SlavePath { get; }

    /// <summary>The device side of the terminal.</summary>
    public PtyStream Master { get; }

    public static PseudoTerminal Open()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("Pseudo-terminals are only supported on Linux.");
        }

        var master = LibC.posix_openpt(Posix.O_RDWR | Posix.O_NOCTTY);
        LibC.ThrowIfError(master, "posix_openpt");
        try
        {
            LibC.ThrowIfError(LibC.grantpt(master), "grantpt");
            LibC.ThrowIfError(LibC.unlockpt(master), "unlockpt");
            var name = stackalloc byte[128];
            LibC.ThrowIfError(LibC.ptsname_r(master, name, 128), "ptsname_r");
            var path = Encoding.ASCII.GetString(name, new ReadOnlySpan<byte>(name, 128).IndexOf((byte)0));

            var slave = Posix.open(path, Posix.O_RDWR | Posix.O_NOCTTY);
            LibC.ThrowIfError(slave, $"open {path}");
            MakeRaw(slave);
            MakeRaw(master);
            return new PseudoTerminal(master, slave, path);
        }
        catch
        {
            Posix.close(master);
            throw;
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Master.Dispose();
        Posix.close(_slaveFd);
    }

    private static void MakeRaw(int fd)
    {
        var termios = stackalloc byte[Posix.TermiosBufferSize];
        LibC.ThrowIfError(Posix.tcgetattr(fd, termios), "tcgetattr");
        Posix.cfmakeraw(termios);
        LibC.ThrowIfError(Posix.tcsetattr(fd, Posix.TCSANOW, termios), "tcsetattr");
    }
}
