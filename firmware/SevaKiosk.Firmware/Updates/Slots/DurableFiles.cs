using System.Runtime.InteropServices;

namespace SevaKiosk.Firmware.Updates.Slots;

/// <summary>
/// Makes renames and fresh files survive a power cut on an SD card: <c>fsync</c> of a directory (the rename is in the
/// directory, not the file) and <c>syncfs</c> after a slot has been written. .NET opens no directory handles, hence libc.
/// </summary>
internal static partial class DurableFiles
{
    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically: a sibling file, fsync, rename, fsync of the directory.</summary>
    public static void WriteAtomically(string path, ReadOnlySpan<byte> bytes)
    {
        var temporary = path + ".new";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>
    /// rename(2): replaces <paramref name="to"/> in one step, also when both are symbolic links to directories
    /// (File.Move follows a link and refuses one that points at a directory).
    /// </summary>
    public static void Rename(string from, string to)
    {
        if (RenameCore(from, to) != 0)
        {
            throw new IOException($"Cannot rename {from} to {to} (errno {Marshal.GetLastPInvokeError()}).");
        }
    }

    /// <summary>Flushes a directory's entries (a rename or a new file in it).</summary>
    public static void SyncDirectory(string directory) => WithDirectory(directory, fd => Fsync(fd));

    /// <summary>Flushes everything written to the filesystem that holds <paramref name="directory"/>.</summary>
    public static void SyncFileSystem(string directory) => WithDirectory(directory, fd => SyncFs(fd));

    private static void WithDirectory(string directory, Func<int, int> sync)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var fd = Open(directory, 0 /* O_RDONLY: a directory opens read-only */);
        if (fd < 0)
        {
            throw new IOException($"Cannot open {directory} to sync it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (sync(fd) != 0)
            {
                throw new IOException($"Cannot sync {directory} (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameCore(string from, string to);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    private static partial int SyncFs(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
