using System.Diagnostics;
using System.Security.Cryptography;
using SevaKiosk.Firmware.Receipts;
using SevaKiosk.Firmware.Updates.Bundles;
using SevaKiosk.Tools.Terminal;

namespace SevaKiosk.Tools.Bundle;

/// <summary>
/// Makes a device bundle: publishes the firmware host self-contained for the RID straight into the payload folder,
/// adds the receipt fonts (<c>fonts/</c>, where <see cref="ReceiptFonts.ResolveDirectory"/> finds them) and the
/// system files (<c>system/</c>: unit, fallback unit, udev rules, sysusers, tmpfiles), then writes the signed bundle
/// and, when asked, the <c>.deb</c>.
/// </summary>
internal static class BundleBuilder
{
    public const string EntryPoint = "sevakiosk";

    public static IReadOnlyList<string> Rids { get; } = ["linux-arm64", "linux-x64"];

    public const string HostProjectPath = "firmware/SevaKiosk.Firmware.Host/SevaKiosk.Firmware.Host.csproj";

    /// <summary>The firmware host project in <paramref name="directory"/> or a folder above it (a repository checkout).</summary>
    public static string? FindHostProject(string directory)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(directory)); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, HostProjectPath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    public static async Task<BundleResult> BuildAsync(BundleRequest request, StepProgress progress, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!Rids.Contains(request.Rid))
        {
            throw new ArgumentException($"--rid must be one of {string.Join(", ", Rids)}");
        }

        // Everything that can be wrong with the inputs is found before the minutes of publishing.
        using var key = LoadSigningKey(request.KeyPath);
        var fontDirectory = request.FontDirectory ?? ReceiptFonts.DefaultDirectory;
        var missingFonts = ReceiptFonts.Files.Where(f => !File.Exists(Path.Combine(fontDirectory, f))).ToArray();
        if (missingFonts.Length > 0)
        {
            throw new FileNotFoundException($"receipt fonts missing from {fontDirectory}: {string.Join(", ", missingFonts)} (install the Debian package fonts-noto-core or pass --font-dir)");
        }

        var unitFile = Path.Combine(Path.GetDirectoryName(request.Project)!, SystemFiles.Unit);
        if (!File.Exists(unitFile))
        {
            throw new FileNotFoundException($"the systemd unit {unitFile} is missing");
        }

        var work = request.WorkDirectory ?? Path.Combine(Path.GetTempPath(), "kioskctl-bundle-" + Guid.NewGuid().ToString("N")[..12]);
        var payload = Path.Combine(work, "payload");
        if (Directory.Exists(payload))
        {
            Directory.Delete(payload, recursive: true);
        }

        try
        {
            var publish = progress.Begin($"publish {request.Rid}");
            await FirmwarePublisher.PublishAsync(new PublishRequest(request.Project, request.Rid, request.Configuration, payload, request.Version, request.BuildReferences), publish.Describe, cancellationToken).ConfigureAwait(false);
            publish.Done($"{Directory.EnumerateFiles(payload, "*", SearchOption.AllDirectories).Count()} files");
            var publishTime = publish.Elapsed;

            Stage(payload, fontDirectory, unitFile);
            var version = request.Version ?? ProgramVersion(Path.Combine(payload, EntryPoint + ".dll"));
            var payloadBytes = Directory.EnumerateFiles(payload, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

            var pack = progress.Begin("sign and pack", payloadBytes);
            var manifest = BundleWriter.Write(payload, version, request.Rid, EntryPoint, key, request.OutputPath, time.GetUtcNow(), new Progress<long>(pack.Report));
            var sha256 = await HashAsync(request.OutputPath, cancellationToken).ConfigureAwait(false);
            var bytes = new FileInfo(request.OutputPath).Length;
            pack.Done($"{manifest.Files.Count} files, {bytes / 1e6:0.0} MB");
            var packTime = pack.Elapsed;

            string? debPath = null;
            if (request.Deb)
            {
                debPath = DebPath(request.OutputPath);
                var deb = progress.Begin("build .deb");
                await DebPackage.BuildAsync(payload, manifest, Path.Combine(work, "deb"), debPath, cancellationToken).ConfigureAwait(false);
                deb.Done($"{new FileInfo(debPath).Length / 1e6:0.0} MB");
            }

            return new BundleResult(manifest, request.OutputPath, sha256, bytes, debPath, publishTime, packTime, request.KeepPayload ? payload : null);
        }
        finally
        {
            if (!request.KeepPayload && request.WorkDirectory is null && Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }

    /// <summary><c>x.tar.gz</c> → <c>x.deb</c>.</summary>
    public static string DebPath(string bundlePath)
    {
        foreach (var suffix in new[] { ".tar.gz", ".tgz", ".bundle" })
        {
            if (bundlePath.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return bundlePath[..^suffix.Length] + ".deb";
            }
        }

        return bundlePath + ".deb";
    }

    /// <summary>Fonts and system files into the published folder; the build's own copy of the unit makes way for system/.</summary>
    private static void Stage(string payload, string fontDirectory, string unitFile)
    {
        File.Delete(Path.Combine(payload, SystemFiles.Unit));
        var fonts = Path.Combine(payload, ReceiptFonts.BundledDirectoryName);
        Directory.CreateDirectory(fonts);
        foreach (var font in ReceiptFonts.Files)
        {
            File.Copy(Path.Combine(fontDirectory, font), Path.Combine(fonts, font), overwrite: true);
        }

        var system = Path.Combine(payload, SystemFiles.Folder);
        SystemFiles.WriteEmbedded(system);
        File.Copy(unitFile, Path.Combine(system, SystemFiles.Unit), overwrite: true);
    }

    private static ECDsa LoadSigningKey(string path)
    {
        var key = BundleSignature.Load(path, "vendor signing key");
        try
        {
            key.ExportParameters(includePrivateParameters: true);
            return key;
        }
        catch (CryptographicException)
        {
            key.Dispose();
            throw new ArgumentException($"{path} is a public key; bundles are signed with the private vendor-signing.key.pem");
        }
    }

    /// <summary>The informational version the build stamped (<c>0.1.0+commit</c>).</summary>
    private static string ProgramVersion(string assembly) =>
        FileVersionInfo.GetVersionInfo(assembly).ProductVersion is { Length: > 0 } version ? version : "0.0.0";

    private static async Task<string> HashAsync(string path, CancellationToken ct)
    {
        var file = File.OpenRead(path);
        await using (file.ConfigureAwait(false))
        {
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, ct).ConfigureAwait(false));
        }
    }
}

/// <summary>What <c>kioskctl bundle</c> was asked for.</summary>
internal sealed record BundleRequest
{
    public required string Rid { get; init; }

    public required string KeyPath { get; init; }

    public required string OutputPath { get; init; }

    public required string Project { get; init; }

    public bool Deb { get; init; }

    public string Configuration { get; init; } = "Release";

    public string? Version { get; init; }

    public string? FontDirectory { get; init; }

    public bool BuildReferences { get; init; } = true;

    /// <summary>Where to publish; null = a temporary folder removed afterwards.</summary>
    public string? WorkDirectory { get; init; }

    /// <summary>Keep the published payload (tests re-bundle it under another version without publishing again).</summary>
    public bool KeepPayload { get; init; }
}

/// <summary>The bundle made, its SHA-256 (what an <c>update</c> command carries) and the time each step took.</summary>
internal sealed record BundleResult(BundleManifest Manifest, string BundlePath, string Sha256, long Bytes, string? DebPath, TimeSpan PublishTime, TimeSpan PackTime, string? PayloadDirectory);
