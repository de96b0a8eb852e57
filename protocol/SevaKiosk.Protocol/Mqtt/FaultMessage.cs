namespace SevaKiosk.Protocol.Mqtt;

/// <summary>
/// <c>faults</c> (QoS 1, not retained): a device fault raised or cleared. Field values follow the HAL device model:
/// <see cref="Severity"/> is <c>warning</c>, <c>error</c> or <c>critical</c>; <see cref="Action"/> is <c>reset</c>,
/// <c>operator-can-clear</c>, <c>technician-needed</c> or <c>configuration</c>.
/// </summary>
public sealed record FaultMessage
{
    public required string MachineId { get; init; }

    public required string Device { get; init; }

    /// <summary>Stable dotted code, for example <c>validator.jam.unsafe</c>.</summary>
    public required string Code { get; init; }

    public required string Severity { get; init; }

    public required string Action { get; init; }

    public bool ClearsBySelf { get; init; }

    /// <summary>True when raised, false when cleared.</summary>
    public required bool Active { get; init; }

    public required string Message { get; init; }

    public required MachineStamp Stamp { get; init; }
}
