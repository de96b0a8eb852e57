using System.Runtime.InteropServices;

namespace SevaKiosk.Firmware.Hosting;

/// <summary>
/// Keeps the C heap from creeping over months of sessions. Receipt shaping and rendering (Skia, HarfBuzz) and SQLite
/// allocate natively from whichever thread-pool thread runs them, and glibc gives contending threads arenas of their own
/// (up to eight per core), each keeping what its threads free. A 10,000-session soak showed it: malloc's bytes in use
/// flat at ~10 MiB while a dozen arenas held five times that. Two arenas, and handing whole free pages back to the
/// kernel after each session, kept RSS ~30 MiB lower over the same run (scripts/bench/README.md). Both are glibc
/// calls; on another libc (musl) this does nothing.
/// </summary>
internal static partial class NativeHeap
{
    private const int M_ARENA_MAX = -8;
    private static volatile bool s_unavailable = !OperatingSystem.IsLinux();

    /// <summary>Caps glibc's arena count. Call early: arenas already made stay.</summary>
    public static bool LimitArenas(int arenas) => Call(() => mallopt(M_ARENA_MAX, arenas) == 1);

    /// <summary>
    /// <c>malloc_trim(0)</c>: releases every whole free page of every arena (glibc 2.8 and later). True when memory
    /// went back to the kernel.
    /// </summary>
    public static bool Trim() => Call(() => malloc_trim(0) != 0);

    /// <summary>Trims on the thread pool, so the session that asks for it does not wait.</summary>
    public static void ScheduleTrim() => ThreadPool.UnsafeQueueUserWorkItem(static _ => Trim(), null);

    private static bool Call(Func<bool> glibc)
    {
        if (s_unavailable)
        {
            return false;
        }

        try
        {
            return glibc();
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            s_unavailable = true;
            return false;
        }
    }

    [LibraryImport("libc")]
    private static partial int mallopt(int param, int value);

    [LibraryImport("libc")]
    private static partial int malloc_trim(nuint pad);
}
