using System.Runtime.InteropServices;

namespace SevaKiosk.Benchmarks.Soak;

/// <summary>
/// Where the soak's native memory is: SQLite's own allocator count (page caches, statements) and glibc malloc's view
/// (bytes in use vs bytes the arenas hold). RSS growing while "in use" stays flat is fragmentation or arena growth;
/// "in use" growing with SQLite flat is some other native allocator user (Skia, HarfBuzz, sockets).
/// </summary>
internal static partial class NativeHeap
{
    public static long SqliteBytes() => SQLitePCL.raw.sqlite3_memory_used();

    /// <summary>(held, inUse) from glibc's mallinfo2; zeros where it is not glibc.</summary>
    public static (long Held, long InUse) Malloc()
    {
        if (!OperatingSystem.IsLinux())
        {
            return (0, 0);
        }

        try
        {
            var info = mallinfo2();
            return ((long)(info.Arena + info.Hblkhd), (long)(info.Uordblks + info.Hblkhd));
        }
        catch (EntryPointNotFoundException)
        {
            return (0, 0); // musl, or glibc before 2.33
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint Arena;
        public nuint Ordblks;
        public nuint Smblks;
        public nuint Hblks;
        public nuint Hblkhd;
        public nuint Usmblks;
        public nuint Fsmblks;
        public nuint Uordblks;
        public nuint Fordblks;
        public nuint Keepcost;
    }

    [LibraryImport("libc", EntryPoint = "mallinfo2")]
    private static partial MallInfo2 mallinfo2();
}
