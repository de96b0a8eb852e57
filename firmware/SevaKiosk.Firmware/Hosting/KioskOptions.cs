namespace SevaKiosk.Firmware.Hosting;

/// <summary>The machine's identity and where it keeps its data (configuration section <c>Kiosk</c>).</summary>
public sealed record KioskOptions
{
    public const string Section = "Kiosk";

    /// <summary>Unique across the fleet; MQTT client id and the prefix of every transaction id.</summary>
    public string MachineId { get; init; } = "RJ-DEMO-0001";

    public string Panchayat { get; init; } = "Bassi";

    public string PanchayatHindi { get; init; } = "बस्सी";

    public string Block { get; init; } = "Bassi";

    public string BlockHindi { get; init; } = "बस्सी";

    public string District { get; init; } = "Jaipur";

    public string DistrictHindi { get; init; } = "जयपुर";

    /// <summary>Journal, receipts and agent state live here (<c>--data DIR</c>).</summary>
    public string DataDirectory { get; init; } = "./data";

    /// <summary>Receipt language: <c>hi</c>, <c>en</c> or <c>hi+en</c>.</summary>
    public string Language { get; init; } = "hi+en";

    public string Helpline { get; init; } = "181";
}

/// <summary>Which validator is fitted and how it is reached (section <c>Validator</c>). No port = simulated.</summary>
public sealed record ValidatorSettings
{
    public const string Section = "Validator";

    /// <summary><c>ssp</c>, <c>id003</c> or <c>cctalk</c>.</summary>
    public string Protocol { get; init; } = "ssp";

    /// <summary>Serial port path (<c>/dev/serial/by-id/...</c>); empty runs the simulated validator in-process.</summary>
    public string? Port { get; init; }

    /// <summary>Line settings like <c>9600,8N2</c>; empty = the protocol's default.</summary>
    public string? Serial { get; init; }

    public IReadOnlyList<decimal> AcceptedNotes { get; init; } = [10m, 20m, 50m, 100m, 200m, 500m];

    public bool Encrypted { get; init; }

    /// <summary>eSSP fixed key as 16 hex digits; keep it in an environment variable or a root-only file, not here.</summary>
    public string? FixedKey { get; init; }

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>ID-003: whether the serial adapter echoes what the host sends: <c>auto</c> (learned), <c>on</c> or <c>off</c>.</summary>
    public string? Echo { get; init; }

    /// <summary>
    /// How long to wait for each reply before repeating the command; empty = the driver's default (200 ms). A slow
    /// USB-serial adapter on a busy board (or a simulator on a loaded test machine) may need more.
    /// </summary>
    public TimeSpan? ResponseTimeout { get; init; }

    /// <summary>ccTalk: the validator's bus address (default 40, the bill-validator address).</summary>
    public byte? Address { get; init; }

    /// <summary>ccTalk: <c>simple8</c> (default) or <c>crc16</c>, as the validator is set.</summary>
    public string? Checksum { get; init; }

    /// <summary>
    /// Notes the cash box holds when full, for the fleet's cash-box fill gauge (NV200-class boxes hold roughly 500;
    /// set it from the fitted box's datasheet). Zero or less leaves the fill gauge out.
    /// </summary>
    public int CashboxCapacity { get; init; } = 500;

    /// <summary>The simulated validator's dataset when no port is configured (the demo adds ₹2000).</summary>
    public IReadOnlyList<long> SimulatedChannels { get; init; } = [10, 20, 50, 100, 200, 500, 2000];
}

/// <summary>Where the MQTT broker is (section <c>Agent</c>, shared with the agent's own options).</summary>
public sealed record BrokerSettings
{
    public const string Section = "Agent";

    /// <summary><c>mqtt://host:port</c> or <c>mqtts://host:port</c>; empty starts the embedded broker on loopback.</summary>
    public string? Broker { get; init; }
}
