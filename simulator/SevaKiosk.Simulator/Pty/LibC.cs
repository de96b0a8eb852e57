using System.Runtime.InteropServices;
using SevaKiosk.Interop;

namespace SevaKiosk.Simulator.Pty;

/// <summary>What a pseudo-terminal needs beyond <see cref="Posix"/>. Linux only, like the kiosk itself.</summary>
internal static unsafe partial class LibC
{
    [LibraryImport("libc", SetLastError = true)]
    public static partial int posix_openpt(int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int grantpt(int fd);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int unlockpt(int fd);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int ptsname_r(int fd, byte* buf, nint buflen);

    public static void ThrowIfError(int result, string call)
    {
        if (result < 0)
        {
            throw new IOException($"{call} failed: {Posix.Describe(Posix.LastError)}.");
        }
    }
}
