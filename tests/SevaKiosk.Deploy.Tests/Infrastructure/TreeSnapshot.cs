using System.Security.Cryptography;

namespace SevaKiosk.Deploy.Tests.Infrastructure;

/// <summary>Every entry under a directory with its content hash, link target and mode: equal snapshots = nothing changed.</summary>
internal static class TreeSnapshot
{
    public static SortedDictionary<string, string> Take(string root)
    {
        var entries = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories))
        {
            var info = new FileInfo(path);
            var relative = Path.GetRelativePath(root, path);
            entries[relative] = info.LinkTarget is { } target ? "link " + target
                : info.Attributes.HasFlag(FileAttributes.Directory) ? $"dir {info.UnixFileMode}"
                : $"file {info.UnixFileMode} {Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)))}";
        }

        return entries;
    }
}
