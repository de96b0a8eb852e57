namespace SevaKiosk.Protocol.Mqtt;

/// <summary><c>meta</c> (retained, QoS 1): the machine describes itself so a technician needs no backend query.</summary>
public sealed record MetaMessage
{
    public required string MachineId { get; init; }

    /// <summary>Contract version of every topic, "v1".</summary>
    public string Contract { get; init; } = "v1";

    public required string FirmwareVersion { get; init; }

    /// <summary>Version of the applied configuration (the reported state version).</summary>
    public required long ConfigVersion { get; init; }

    /// <summary>Panchayat, block and district the machine serves (absent when not provisioned, and from older firmware).</summary>
    public MachineLocation? Location { get; init; }

    public IReadOnlyList<DeviceIdentity> Devices { get; init; } = [];

    /// <summary>Services the machine offers, for example <c>electricity</c>, <c>water</c>, <c>certificate-copy</c>.</summary>
    public IReadOnlyList<string> Capabilities { get; init; } = [];

    /// <summary>Every metric name that can appear in <c>telemetry</c>, with its unit.</summary>
    public IReadOnlyList<MetricDescription> Metrics { get; init; } = [];

    public required MachineStamp Stamp { get; init; }
}

/// <summary>One device in the machine.</summary>
/// <param name="Name">Logical name, for example <c>validator</c>, <c>printer</c>.</param>
/// <param name="Kind">Device class: cash-acceptor, printer, card-reader, io-board, environment-sensor.</param>
public sealed record DeviceIdentity(string Name, string Kind, string? Model, string? Serial, string? FirmwareVersion);

/// <summary>A metric and its unit (a UnitsNet abbreviation, for example <c>°C</c>, <c>%</c>, <c>V</c>; empty for counts).</summary>
public sealed record MetricDescription(string Name, string Unit, string? Description);
