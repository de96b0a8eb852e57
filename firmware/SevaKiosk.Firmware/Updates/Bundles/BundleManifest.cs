using System.Text.Json;
using System.Text.Json.Serialization;

namespace SevaKiosk.Firmware.Updates.Bundles;

/// <summary>
/// <c>manifest.json</c>, the first entry of a bundle: what the bundle holds and the SHA-256 of every file. The vendor
/// signs these exact bytes (<c>manifest.sig</c>), so a verified manifest vouches for every file it lists, and a file it
/// does not list is refused.
/// </summary>
public sealed record BundleManifest
{
    /// <summary>The only format this code reads and writes.</summary>
    public const int CurrentFormat = 1;

    public const string Product = "sevakiosk";

    public required int Format { get; init; }

    /// <summary>Always <see cref="Product"/>: a bundle of some other product signed by the same vendor key is refused.</summary>
    public required string Name { get; init; }

    /// <summary>The firmware version (the informational version the published <c>sevakiosk</c> carries).</summary>
    public required string Version { get; init; }

    /// <summary>.NET runtime identifier the firmware was published for (<c>linux-arm64</c>, <c>linux-x64</c>).</summary>
    public required string Rid { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Path (inside the slot) of the program systemd starts.</summary>
    public required string EntryPoint { get; init; }

    public required IReadOnlyList<BundleFile> Files { get; init; }

    /// <summary>Total payload bytes.</summary>
    [JsonIgnore]
    public long PayloadBytes => Files.Sum(f => f.Size);

    public byte[] ToJsonBytes() => JsonSerializer.SerializeToUtf8Bytes(this, BundleJsonContext.Default.BundleManifest);

    /// <summary>Parses and checks a manifest; <see cref="BundleRejectedException"/> says what is wrong.</summary>
    public static BundleManifest Parse(ReadOnlySpan<byte> utf8)
    {
        BundleManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(utf8, BundleJsonContext.Default.BundleManifest);
        }
        catch (JsonException ex)
        {
            throw new BundleRejectedException("the manifest is not valid JSON: " + ex.Message, ex);
        }

        if (manifest is null)
        {
            throw new BundleRejectedException("the manifest is empty");
        }

        manifest.Check();
        return manifest;
    }

    /// <summary>Throws <see cref="BundleRejectedException"/> unless every field is usable and every path is safe.</summary>
    public void Check()
    {
        if (Format != CurrentFormat)
        {
            throw new BundleRejectedException($"manifest format {Format} is not supported (this firmware reads format {CurrentFormat})");
        }

        if (!string.Equals(Name, Product, StringComparison.Ordinal))
        {
            throw new BundleRejectedException($"the bundle is for '{Name}', not {Product}");
        }

        if (string.IsNullOrWhiteSpace(Version) || string.IsNullOrWhiteSpace(Rid))
        {
            throw new BundleRejectedException("the manifest has no version or rid");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Files)
        {
            BundlePaths.Check(file.Path);
            if (!seen.Add(file.Path))
            {
                throw new BundleRejectedException($"the manifest lists {file.Path} twice");
            }

            if (file.Size < 0 || file.Sha256.Length != 64 || !file.Sha256.All(char.IsAsciiHexDigitLower))
            {
                throw new BundleRejectedException($"the manifest entry for {file.Path} has no valid size or lower-case hex SHA-256");
            }
        }

        if (!seen.Contains(EntryPoint))
        {
            throw new BundleRejectedException($"the entry point {EntryPoint} is not among the bundle's files");
        }
    }
}

/// <summary>One payload file: its path inside the slot, size, SHA-256 (lower-case hex) and whether it is a program.</summary>
public sealed record BundleFile(string Path, long Size, string Sha256, bool Executable);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(BundleManifest))]
internal sealed partial class BundleJsonContext : JsonSerializerContext;
