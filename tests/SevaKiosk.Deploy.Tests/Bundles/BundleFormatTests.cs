using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using SevaKiosk.Deploy.Tests.Infrastructure;
using SevaKiosk.Firmware.Agent.Commands;
using SevaKiosk.Firmware.Updates.Bundles;
using SevaKiosk.Testing;

namespace SevaKiosk.Deploy.Tests.Bundles;

public sealed class BundleFormatTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly TestKeys _keys;

    public BundleFormatTests() => _keys = new TestKeys(Path.Combine(_temp.Path, "keys"));

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Manifest_comes_first_lists_every_payload_file_with_size_and_hash_and_extracts_byte_identical()
    {
        using var key = _keys.Private();
        var payload = SmallBundles.Payload(Path.Combine(_temp.Path, "payload"), "1.0.0");
        var bundle = Path.Combine(_temp.Path, "b.tar.gz");
        var written = SmallBundles.Write(payload, "1.0.0", key, bundle);

        using (var tar = new TarReader(new GZipStream(File.OpenRead(bundle), CompressionMode.Decompress)))
        {
            Assert.Equal(BundlePaths.ManifestEntry, tar.GetNextEntry()!.Name);
            Assert.Equal(BundlePaths.SignatureEntry, tar.GetNextEntry()!.Name);
        }

        var files = Directory.EnumerateFiles(payload, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(payload, f)).Order(StringComparer.Ordinal);
        Assert.Equal(files, written.Files.Select(f => f.Path));
        Assert.True(written.Files.Single(f => f.Path == "sevakiosk").Executable);
        Assert.False(written.Files.Single(f => f.Path == "SevaKiosk.Firmware.dll").Executable);

        using var publicKey = _keys.Public();
        var extracted = Path.Combine(_temp.Path, "out");
        var read = BundleReader.Extract(bundle, publicKey, extracted);
        Assert.Equal(written.ToJsonBytes(), read.ToJsonBytes());
        Assert.Equal(TreeSnapshot.Take(payload), TreeSnapshot.Take(extracted));
    }

    [Fact]
    public async Task Signature_is_a_plain_DER_ECDSA_signature_that_openssl_verifies_over_the_manifest_bytes()
    {
        using var key = _keys.Private();
        var bundle = SmallBundles.Make(_temp.Path, "1.0.0", key);
        var unpacked = Path.Combine(_temp.Path, "unpacked");
        Directory.CreateDirectory(unpacked);
        await using (var gzip = new GZipStream(File.OpenRead(bundle), CompressionMode.Decompress))
        {
            await TarFile.ExtractToDirectoryAsync(gzip, unpacked, overwriteFiles: false);
        }

        var start = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "dgst", "-sha256", "-verify", _keys.PublicKeyPath, "-signature", Path.Combine(unpacked, "manifest.sig"), Path.Combine(unpacked, "manifest.json") })
        {
            start.ArgumentList.Add(arg);
        }

        using var openssl = Process.Start(start)!;
        var output = await openssl.StandardOutput.ReadToEndAsync();
        await openssl.WaitForExitAsync();
        Assert.Equal("Verified OK", output.Trim());
    }

    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("fonts/../../x")]
    [InlineData("a//b")]
    [InlineData("a\\b")]
    public void Unsafe_payload_paths_are_refused(string path) =>
        Assert.Throws<BundleRejectedException>(() => BundlePaths.Check(path));

    [Fact]
    public void Symbolic_link_entries_are_refused_even_when_signed_as_regular_files_elsewhere()
    {
        using var key = _keys.Private();
        var bundle = SmallBundles.Make(_temp.Path, "1.0.0", key);
        var withLink = Path.Combine(_temp.Path, "link.tar.gz");
        using (var input = new TarReader(new GZipStream(File.OpenRead(bundle), CompressionMode.Decompress)))
        using (var output = new TarWriter(new GZipStream(File.Create(withLink), CompressionLevel.Fastest), TarEntryFormat.Pax))
        {
            while (input.GetNextEntry(copyData: true) is { } entry)
            {
                output.WriteEntry(entry.Name == "payload/sevakiosk" ? new PaxTarEntry(TarEntryType.SymbolicLink, entry.Name) { LinkName = "/bin/sh" } : entry);
            }
        }

        using var publicKey = _keys.Public();
        var ex = Assert.Throws<BundleRejectedException>(() => BundleReader.Verify(withLink, publicKey));
        Assert.Contains("regular files only", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://fleet.example/b.tar.gz", "ab", "1.0", "sha256")]
    [InlineData("ftp://fleet.example/b.tar.gz", null, "1.0", "url")]
    [InlineData("b.tar.gz", null, "1.0", "url")]
    [InlineData("https://fleet.example/b.tar.gz", null, "1.0; rm -rf /", "version")]
    public void Update_command_arguments_are_checked_and_name_the_bad_one(string url, string? sha, string version, string named)
    {
        var args = new Dictionary<string, string> { ["url"] = url, ["sha256"] = sha ?? new string('a', 64), ["version"] = version };
        Assert.False(FirmwareUpdateRequest.TryParse("c1", args, out _, out var problem));
        Assert.Contains($"'{named}'", problem, StringComparison.Ordinal);

        args = new Dictionary<string, string> { ["url"] = "https://fleet.example/b.tar.gz", ["sha256"] = new string('A', 64), ["version"] = "1.2.3+abc" };
        Assert.True(FirmwareUpdateRequest.TryParse("c1", args, out var request, out _));
        Assert.Equal(new string('a', 64), request.Sha256);
    }
}
