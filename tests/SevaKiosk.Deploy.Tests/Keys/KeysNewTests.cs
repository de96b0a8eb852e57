using System.Security.Cryptography;
using SevaKiosk.Deploy.Tests.Flash;
using SevaKiosk.Protocol.Mqtt;
using SevaKiosk.Testing;
using SevaKiosk.Tools.Keys;

namespace SevaKiosk.Deploy.Tests.Keys;

public sealed class KeysNewTests
{
    [Fact]
    public async Task Writes_two_P256_pairs_private_PKCS8_0600_public_SPKI_and_refuses_to_overwrite_without_force()
    {
        using var temp = new TempDirectory();
        var (code, stdout, stderr) = await FlashTests.KioskctlAsync("keys", "new", "--out", temp.Path);
        Assert.True(code == 0, stderr);

        foreach (var (privateName, publicName) in new[] { (SigningKeyFiles.VendorPrivate, SigningKeyFiles.VendorPublic), (SigningKeyFiles.FleetPrivate, SigningKeyFiles.FleetPublic) })
        {
            var privatePath = Path.Combine(temp.Path, privateName);
            var privatePem = await File.ReadAllTextAsync(privatePath);
            var publicPem = await File.ReadAllTextAsync(Path.Combine(temp.Path, publicName));
            Assert.StartsWith("-----BEGIN PRIVATE KEY-----", privatePem, StringComparison.Ordinal);
            Assert.StartsWith("-----BEGIN PUBLIC KEY-----", publicPem, StringComparison.Ordinal);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(privatePath));

            using var signer = ECDsa.Create();
            signer.ImportFromPem(privatePem);
            Assert.Equal(256, signer.KeySize);
            using var verifier = FleetSignature.ImportPublicKey(publicPem); // the agent's own loader for Agent:FleetPublicKey
            var data = "pair"u8.ToArray();
            Assert.True(verifier.VerifyData(data, signer.SignData(data, HashAlgorithmName.SHA256), HashAlgorithmName.SHA256));
        }

        Assert.NotEqual(await File.ReadAllTextAsync(Path.Combine(temp.Path, SigningKeyFiles.VendorPublic)), await File.ReadAllTextAsync(Path.Combine(temp.Path, SigningKeyFiles.FleetPublic)));
        Assert.Contains("sha256:", stdout, StringComparison.Ordinal);

        var vendorBefore = await File.ReadAllTextAsync(Path.Combine(temp.Path, SigningKeyFiles.VendorPrivate));
        var again = await FlashTests.KioskctlAsync("keys", "new", "--out", temp.Path);
        Assert.Equal(1, again.Code);
        Assert.Contains("refusing to overwrite", again.Stderr, StringComparison.Ordinal);
        Assert.Equal(vendorBefore, await File.ReadAllTextAsync(Path.Combine(temp.Path, SigningKeyFiles.VendorPrivate)));

        var forced = await FlashTests.KioskctlAsync("keys", "new", "--out", temp.Path, "--force");
        Assert.Equal(0, forced.Code);
        Assert.NotEqual(vendorBefore, await File.ReadAllTextAsync(Path.Combine(temp.Path, SigningKeyFiles.VendorPrivate)));
    }
}
