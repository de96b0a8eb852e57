using System.Security.Cryptography;
using SevaKiosk.Protocol.Mqtt;

namespace SevaKiosk.Mqtt.Testing;

/// <summary>A fleet command key pair for a test, and signed commands made with it.</summary>
public sealed class FleetKeys : IDisposable
{
    public ECDsa Private { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public string PublicPem => Private.ExportSubjectPublicKeyInfoPem();

    public SignedCommand Command(string machineId, string type, IReadOnlyDictionary<string, string>? args = null, DateTimeOffset? now = null, TimeSpan? lifetime = null)
    {
        var issued = now ?? DateTimeOffset.UtcNow;
        return FleetSignature.Sign(new SignedCommand
        {
            CmdId = Guid.NewGuid().ToString(),
            MachineId = machineId,
            IssuedAt = issued,
            ExpiresAt = issued + (lifetime ?? TimeSpan.FromMinutes(10)),
            Type = type,
            Args = args ?? new Dictionary<string, string>(),
        }, Private);
    }

    public void Dispose() => Private.Dispose();
}
