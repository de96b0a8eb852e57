using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace SevaKiosk.Firmware.Updates.Bundles;

/// <summary>
/// Reads a bundle and refuses it (<see cref="BundleRejectedException"/>) unless the manifest's signature verifies with
/// the vendor key and every payload file is listed in the manifest, matches its size and SHA-256, and none is missing.
/// <see cref="Verify"/> writes nothing; <see cref="Extract"/> writes into an empty directory and checks every file again
/// as it writes it (the bundle file could have changed since it was verified).
/// </summary>
public static class BundleReader
{
    private const int ManifestLimit = 4 << 20;
    private const int SignatureLimit = 1024;

    /// <summary>Checks the whole bundle without writing anything; <paramref name="progress"/> gets payload bytes checked.</summary>
    public static BundleManifest Verify(string bundlePath, ECDsa vendorKey, IProgress<long>? progress = null) =>
        Read(bundlePath, vendorKey, null, progress);

    /// <summary>
    /// Extracts the payload into <paramref name="directory"/> (created; must not exist or be empty). On rejection the
    /// directory may hold part of the payload: the caller deletes it.
    /// </summary>
    public static BundleManifest Extract(string bundlePath, ECDsa vendorKey, string directory, IProgress<long>? progress = null)
    {
        Directory.CreateDirectory(directory);
        if (Directory.EnumerateFileSystemEntries(directory).Any())
        {
            throw new IOException($"{directory} is not empty.");
        }

        return Read(bundlePath, vendorKey, Path.GetFullPath(directory), progress);
    }

    private static BundleManifest Read(string bundlePath, ECDsa vendorKey, string? target, IProgress<long>? progress)
    {
        try
        {
            using var file = new FileStream(bundlePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var tar = new TarReader(gzip);
            var manifestBytes = ReadSmall(tar.GetNextEntry(), BundlePaths.ManifestEntry, ManifestLimit);
            var signature = ReadSmall(tar.GetNextEntry(), BundlePaths.SignatureEntry, SignatureLimit);
            if (!BundleSignature.Verify(manifestBytes, signature, vendorKey))
            {
                throw new BundleRejectedException("the manifest signature does not verify with the vendor key (a different key signed it, or the manifest was changed)");
            }

            var manifest = BundleManifest.Parse(manifestBytes);
            var expected = manifest.Files.ToDictionary(f => f.Path, StringComparer.Ordinal);
            long done = 0;
            while (tar.GetNextEntry() is { } entry)
            {
                done += ReadPayload(entry, expected, target);
                progress?.Report(done);
            }

            if (expected.Count > 0)
            {
                throw new BundleRejectedException($"{expected.Count} file(s) listed in the manifest are missing from the bundle, first {expected.Keys.Order(StringComparer.Ordinal).First()}");
            }

            return manifest;
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or FormatException)
        {
            throw new BundleRejectedException("the bundle is damaged (not a complete tar.gz): " + ex.Message, ex);
        }
    }

    private static byte[] ReadSmall(TarEntry? entry, string name, int limit)
    {
        if (entry is null || entry.Name != name || entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
        {
            throw new BundleRejectedException($"not a SevaKiosk bundle: expected {name} as entry {(name == BundlePaths.ManifestEntry ? 1 : 2)}, found {entry?.Name ?? "the end of the archive"}");
        }

        if (entry.Length > limit || entry.DataStream is null)
        {
            throw new BundleRejectedException($"{name} is {entry.Length} bytes; at most {limit} are allowed");
        }

        using var buffer = new MemoryStream((int)entry.Length);
        entry.DataStream.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static long ReadPayload(TarEntry entry, Dictionary<string, BundleFile> expected, string? target)
    {
        if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
        {
            throw new BundleRejectedException($"{entry.Name} is a {entry.EntryType} entry; a bundle carries regular files only");
        }

        if (!entry.Name.StartsWith(BundlePaths.PayloadPrefix, StringComparison.Ordinal))
        {
            throw new BundleRejectedException($"{entry.Name} is outside payload/");
        }

        var path = entry.Name[BundlePaths.PayloadPrefix.Length..];
        if (!expected.Remove(path, out var file))
        {
            throw new BundleRejectedException($"{path} is in the bundle but not in the signed manifest (or is there twice)");
        }

        if (entry.Length != file.Size)
        {
            throw new BundleRejectedException($"{path} is {entry.Length} bytes; the manifest says {file.Size}");
        }

        using var sink = target is null ? null : Create(target, path, file.Executable);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        var data = entry.DataStream ?? Stream.Null;
        long total = 0;
        int read;
        while ((read = data.Read(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            sink?.Write(buffer, 0, read);
            total += read;
        }

        if (total != file.Size)
        {
            throw new BundleRejectedException($"the bundle is damaged (truncated): {path} has {total} of {file.Size} bytes");
        }

        var actual = Convert.ToHexStringLower(hash.GetCurrentHash());
        if (!string.Equals(actual, file.Sha256, StringComparison.Ordinal))
        {
            throw new BundleRejectedException($"{path} does not match its SHA-256 in the manifest (the file was changed after signing)");
        }

        return file.Size;
    }

    private static FileStream Create(string target, string relative, bool executable)
    {
        var path = Path.GetFullPath(Path.Combine(target, relative));
        if (!path.StartsWith(target + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new BundleRejectedException($"unsafe path in bundle: '{relative}'");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, BufferSize = 1 << 16 };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = executable ? BundleWriter.ExecutableMode : BundleWriter.FileMode644;
        }

        return new FileStream(path, options);
    }
}
