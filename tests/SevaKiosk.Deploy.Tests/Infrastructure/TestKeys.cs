using System.Security.Cryptography;
using SevaKiosk.Tools.Keys;

namespace SevaKiosk.Deploy.Tests.Infrastructure;

/// <summary>A vendor key pair written the way <c>kioskctl keys new</c> writes it.</summary>
internal sealed class TestKeys
{
    public TestKeys(string directory)
    {
        SigningKeyFiles.Create(directory, force: true);
        PrivateKeyPath = Path.Combine(directory, SigningKeyFiles.VendorPrivate);
        PublicKeyPath = Path.Combine(directory, SigningKeyFiles.VendorPublic);
        FleetPrivateKeyPath = Path.Combine(directory, SigningKeyFiles.FleetPrivate);
        FleetPublicKeyPath = Path.Combine(directory, SigningKeyFiles.FleetPublic);
    }

    public string PrivateKeyPath { get; }

    public string PublicKeyPath { get; }

    public string FleetPrivateKeyPath { get; }

    public string FleetPublicKeyPath { get; }

    public ECDsa Private() => Load(PrivateKeyPath);

    public ECDsa Public() => Load(PublicKeyPath);

    private static ECDsa Load(string path)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(path));
        return key;
    }
}
