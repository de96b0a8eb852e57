namespace SevaKiosk.Protocol.Mqtt;

/// <summary>
/// <c>status</c> (retained, QoS 1). Published with <see cref="Online"/> = true right after every connect; the same
/// record with <see cref="Online"/> = false is the MQTT will registered at that connect, and is also published
/// before a clean disconnect. <see cref="BirthSeq"/> increases by one at every connect attempt (durably), so a
/// late will from an older connection (lower BirthSeq) can be told apart from the current state.
/// </summary>
public sealed record StatusMessage
{
    public required string MachineId { get; init; }

    public required bool Online { get; init; }

    public required long BirthSeq { get; init; }

    public required string FirmwareVersion { get; init; }

    /// <summary>When the connection this status belongs to was opened (a will carries the connect time).</summary>
    public required MachineStamp Stamp { get; init; }

    /// <summary>Why the machine went offline, when it said so itself ("shutdown"); absent in a will.</summary>
    public string? Reason { get; init; }
}
