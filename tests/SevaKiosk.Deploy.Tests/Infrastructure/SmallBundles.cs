using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using SevaKiosk.Firmware.Updates.Bundles;
using SevaKiosk.Tools.Bundle;

namespace SevaKiosk.Deploy.Tests.Infrastructure;

/// <summary>
/// Small real bundles (the real writer, a payload of a few files instead of a 100 MB publish) for the tests that
/// need many bundles, and a re-packer that changes one entry of an existing bundle to tamper with it.
/// </summary>
internal static class SmallBundles
{
    /// <summary>A payload shaped like the real one: the program, a library, fonts/, and the real system/ files.</summary>
    public static string Payload(string directory, string version)
    {
        Directory.CreateDirectory(directory);
        var program = Path.Combine(directory, BundleBuilder.EntryPoint);
        File.WriteAllText(program, $"#!/bin/sh\necho sevakiosk {version}\n");
        File.SetUnixFileMode(program, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var library = new byte[300_000];
        new Random(version.GetHashCode(StringComparison.Ordinal)).NextBytes(library);
        File.WriteAllBytes(Path.Combine(directory, "SevaKiosk.Firmware.dll"), library);
        Directory.CreateDirectory(Path.Combine(directory, "fonts"));
        File.WriteAllText(Path.Combine(directory, "fonts", "README"), "fonts go here\n");
        var system = Path.Combine(directory, SystemFiles.Folder);
        SystemFiles.WriteEmbedded(system);
        File.Copy(Path.Combine(Repository.Root, "firmware", "SevaKiosk.Firmware.Host", SystemFiles.Unit), Path.Combine(system, SystemFiles.Unit), overwrite: true);
        return directory;
    }

    public static BundleManifest Write(string payload, string version, ECDsa key, string output, string rid = "linux-x64") =>
        BundleWriter.Write(payload, version, rid, BundleBuilder.EntryPoint, key, output, DateTimeOffset.UnixEpoch.AddYears(56));

    /// <summary>Makes a payload and its bundle in <paramref name="directory"/>; returns the bundle path.</summary>
    public static string Make(string directory, string version, ECDsa key, string rid = "linux-x64")
    {
        var payload = Payload(Path.Combine(directory, "payload-" + version), version);
        var output = Path.Combine(directory, $"sevakiosk-{version}.tar.gz");
        Write(payload, version, key, output, rid);
        return output;
    }

    /// <summary>
    /// Copies a bundle entry by entry; <paramref name="change"/> may return new content for an entry, or null to drop it;
    /// <paramref name="extra"/> entries are appended.
    /// </summary>
    public static void Repack(string bundle, string output, Func<string, byte[], byte[]?> change, params (string Name, byte[] Data)[] extra)
    {
        using var input = new TarReader(new GZipStream(File.OpenRead(bundle), CompressionMode.Decompress));
        using var file = File.Create(output);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var writer = new TarWriter(gzip, TarEntryFormat.Pax);
        while (input.GetNextEntry() is { } entry)
        {
            using var buffer = new MemoryStream();
            entry.DataStream?.CopyTo(buffer);
            if (change(entry.Name, buffer.ToArray()) is { } data)
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, entry.Name) { DataStream = new MemoryStream(data), Mode = entry.Mode });
            }
        }

        foreach (var (name, data) in extra)
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) });
        }
    }

    public static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}
