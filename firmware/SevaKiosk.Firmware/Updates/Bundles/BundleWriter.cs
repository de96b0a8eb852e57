using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace SevaKiosk.Firmware.Updates.Bundles;

/// <summary>
/// Writes a bundle: a gzip-compressed tar whose first entry is <c>manifest.json</c>, second <c>manifest.sig</c>, then
/// every payload file under <c>payload/</c> in ordinal path order. The manifest comes first so a reader can check the
/// signature before it looks at a single payload byte.
/// </summary>
public static class BundleWriter
{
    /// <summary>
    /// Bundles every regular file under <paramref name="payloadDirectory"/>; <paramref name="progress"/> gets payload
    /// bytes written so far. The output appears atomically (written beside it, then renamed).
    /// </summary>
    public static BundleManifest Write(
        string payloadDirectory, string version, string rid, string entryPoint, ECDsa vendorKey, string outputPath,
        DateTimeOffset createdAt, IProgress<long>? progress = null)
    {
        var files = Scan(payloadDirectory);
        var manifest = new BundleManifest
        {
            Format = BundleManifest.CurrentFormat,
            Name = BundleManifest.Product,
            Version = version,
            Rid = rid,
            CreatedAt = createdAt,
            EntryPoint = entryPoint,
            Files = files,
        };
        manifest.Check();
        var manifestBytes = manifest.ToJsonBytes();
        var signature = BundleSignature.Sign(manifestBytes, vendorKey);

        var temporary = outputPath + ".partial";
        try
        {
            using (var output = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
                using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
                {
                    WriteBytes(tar, BundlePaths.ManifestEntry, manifestBytes, createdAt);
                    WriteBytes(tar, BundlePaths.SignatureEntry, signature, createdAt);
                    long written = 0;
                    foreach (var file in files)
                    {
                        using var content = File.OpenRead(Path.Combine(payloadDirectory, file.Path));
                        var entry = new PaxTarEntry(TarEntryType.RegularFile, BundlePaths.PayloadPrefix + file.Path)
                        {
                            DataStream = content,
                            Mode = file.Executable ? ExecutableMode : FileMode644,
                            ModificationTime = createdAt,
                        };
                        tar.WriteEntry(entry);
                        written += file.Size;
                        progress?.Report(written);
                    }
                }

                output.Flush(flushToDisk: true);
            }

            File.Move(temporary, outputPath, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }

        return manifest;
    }

    internal const UnixFileMode FileMode644 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    internal const UnixFileMode ExecutableMode = FileMode644 | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>Every regular file under the directory with its hash; a symbolic link is refused (a slot holds files only).</summary>
    private static List<BundleFile> Scan(string directory)
    {
        var root = Path.GetFullPath(directory);
        var files = new List<BundleFile>();
        foreach (var path in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories))
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is not null)
            {
                throw new InvalidOperationException($"{path} is a symbolic link; a bundle carries regular files only.");
            }

            if (info.Attributes.HasFlag(FileAttributes.Directory))
            {
                continue;
            }

            var relative = Path.GetRelativePath(root, path).Replace('\\', '/');
            BundlePaths.Check(relative);
            using var stream = info.OpenRead();
            var executable = !OperatingSystem.IsWindows() && (info.UnixFileMode & UnixFileMode.UserExecute) != 0;
            files.Add(new BundleFile(relative, info.Length, Convert.ToHexStringLower(SHA256.HashData(stream)), executable));
        }

        files.Sort((x, y) => string.CompareOrdinal(x.Path, y.Path));
        return files;
    }

    private static void WriteBytes(TarWriter tar, string name, byte[] bytes, DateTimeOffset at)
    {
        using var data = new MemoryStream(bytes, writable: false);
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = data, Mode = FileMode644, ModificationTime = at });
    }
}
