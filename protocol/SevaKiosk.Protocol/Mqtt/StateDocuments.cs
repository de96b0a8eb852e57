namespace SevaKiosk.Protocol.Mqtt;

/// <summary>
/// <c>state/desired</c> (retained, QoS 1, written by the backend): the configuration and service mode the fleet wants,
/// with a version that only increases. Signed by the fleet key like a command (see <see cref="CanonicalForm"/>);
/// the machine applies it only when the signature verifies and <see cref="Version"/> is above its reported version.
/// </summary>
public sealed record DesiredState
{
    public required string MachineId { get; init; }

    public required long Version { get; init; }

    public required bool InService { get; init; }

    public IReadOnlyDictionary<string, string> Config { get; init; } = new Dictionary<string, string>();

    public required DateTimeOffset IssuedAt { get; init; }

    /// <summary>Base64 ECDSA P-256 / SHA-256 signature (IEEE P1363, 64 bytes) over <see cref="CanonicalForm.Of(DesiredState)"/>.</summary>
    public string? Signature { get; init; }
}

/// <summary><c>state/reported</c> (retained, QoS 1, written by the machine): what it has applied.</summary>
public sealed record ReportedState
{
    public required string MachineId { get; init; }

    /// <summary>Version of the last applied desired state or set-config command (0 = factory configuration).</summary>
    public required long Version { get; init; }

    public required bool InService { get; init; }

    /// <summary>Why the machine is out of service (command, outbox-full, a fault code), when it is.</summary>
    public string? OutOfServiceReason { get; init; }

    public IReadOnlyDictionary<string, string> Config { get; init; } = new Dictionary<string, string>();

    /// <summary>Why the last desired state was not applied, when it was not.</summary>
    public string? LastError { get; init; }

    /// <summary>
    /// The device faults active now (each as its last <c>faults</c> message with <c>active</c> true), so a monitor that
    /// starts later still sees them. Empty when none; absent from firmware that does not report it. Cleared when the
    /// agent starts: devices raise again what they still see.
    /// </summary>
    public IReadOnlyList<FaultMessage>? ActiveFaults { get; init; }

    /// <summary>
    /// The latest value of each <see cref="FleetMetrics"/> gauge (paper, cash box, today's transactions), updated when one
    /// changes, so a monitor that starts later sees them without waiting for the next telemetry batch. Absent from
    /// firmware that does not report it.
    /// </summary>
    public IReadOnlyDictionary<string, double>? Gauges { get; init; }

    public required MachineStamp Stamp { get; init; }
}
