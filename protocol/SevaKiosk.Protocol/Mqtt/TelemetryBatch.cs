namespace SevaKiosk.Protocol.Mqtt;

/// <summary>
/// <c>telemetry</c> (QoS 1, not retained): several samples in one message. <see cref="Seq"/> counts batches from 0
/// within one boot (<see cref="MachineStamp.BootId"/>), so the backend sees gaps; telemetry is bounded on the
/// machine and <see cref="DroppedBeforeThis"/> says how many batches were dropped (oldest first) since boot.
/// </summary>
public sealed record TelemetryBatch
{
    public required string MachineId { get; init; }

    public required long Seq { get; init; }

    /// <summary>When the batch was closed.</summary>
    public required MachineStamp Stamp { get; init; }

    public required IReadOnlyList<TelemetrySample> Samples { get; init; }

    public long DroppedBeforeThis { get; init; }
}

/// <summary>One value. <see cref="Unit"/> is the UnitsNet abbreviation of the quantity's unit (empty for counts).</summary>
/// <param name="MonotonicMs">When it was sampled, monotonic milliseconds since boot.</param>
public sealed record TelemetrySample(string Name, double Value, string Unit, long MonotonicMs);
