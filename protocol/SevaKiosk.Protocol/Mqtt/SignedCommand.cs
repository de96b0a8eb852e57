using System.Text.Json.Serialization;

namespace SevaKiosk.Protocol.Mqtt;

/// <summary>
/// <c>cmd</c> (QoS 1, not retained): a one-shot command signed by the fleet key. The machine verifies the
/// signature over <see cref="CanonicalForm.Of(SignedCommand)"/> with the public key pinned in its configuration,
/// checks the machine id, issued-at and expiry, rejects a CmdId it has seen before, stores the command, and only
/// then acknowledges the MQTT message, dispatches it and answers on <c>cmd/reply</c>.
/// </summary>
public sealed record SignedCommand
{
    /// <summary>Unique per command (a UUID); the replay-protection key.</summary>
    public required string CmdId { get; init; }

    public required string MachineId { get; init; }

    public required DateTimeOffset IssuedAt { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>One of <see cref="CommandTypes"/>.</summary>
    public required string Type { get; init; }

    public IReadOnlyDictionary<string, string> Args { get; init; } = new Dictionary<string, string>();

    /// <summary>Base64 of the 64-byte IEEE P1363 (r‖s) ECDSA P-256 / SHA-256 signature; null = unsigned.</summary>
    public string? Signature { get; init; }
}

/// <summary>Command type names and their arguments.</summary>
public static class CommandTypes
{
    /// <summary>Stop serving citizens. Args: <c>reason</c> (shown to the operator).</summary>
    public const string OutOfService = "out-of-service";

    /// <summary>Serve again (refused while the machine has its own reason to stay out, such as a full outbox).</summary>
    public const string InService = "in-service";

    /// <summary>Apply configuration. Args: <c>version</c> (must exceed the reported version) and the keys to set.</summary>
    public const string SetConfig = "set-config";

    /// <summary>Reply with status and counters in the reply's result.</summary>
    public const string RequestStatus = "request-status";

    public const string ReprintLastReceipt = "reprint-last-receipt";

    /// <summary>Args: <c>device</c> (validator, printer, card-reader, io).</summary>
    public const string SelfTest = "self-test";

    /// <summary>Restart the firmware after the reply has been sent.</summary>
    public const string Restart = "restart";

    /// <summary>
    /// X or Z cash report in the reply's result. Args: <c>kind</c> (<c>x</c>: interim, changes nothing; <c>z</c>: closes
    /// the period), optional <c>print</c> (<c>true</c> also prints it on the receipt printer).
    /// </summary>
    public const string CashReport = "cash-report";

    /// <summary>
    /// Over-the-air firmware update. Args: <c>url</c> (http or https, of a bundle made by <c>kioskctl bundle</c>),
    /// <c>sha256</c> (64 hex digits, of the bundle file) and <c>version</c> (the version its signed manifest must carry).
    /// The reply says whether the job was accepted; how it ends (committed, rolled back and why) follows as faults and
    /// journal events.
    /// </summary>
    public const string Update = "update";

    public static IReadOnlyList<string> All { get; } =
        [OutOfService, InService, SetConfig, RequestStatus, ReprintLastReceipt, SelfTest, Restart, CashReport, Update];
}

/// <summary><c>cmd/reply</c> (QoS 1): exactly one per received command message, valid or not.</summary>
public sealed record CommandReply
{
    /// <summary>The command's id; null only when the message was too malformed to carry one.</summary>
    public string? CmdId { get; init; }

    public required string MachineId { get; init; }

    public required CommandOutcome Outcome { get; init; }

    /// <summary>Machine-readable code (see <see cref="RejectReasons"/>), or null when accepted.</summary>
    public string? Reason { get; init; }

    /// <summary>Human-readable detail.</summary>
    public string? Detail { get; init; }

    /// <summary>Values the command produced (status and counters, the applied version, ...).</summary>
    public IReadOnlyDictionary<string, string>? Result { get; init; }

    public required MachineStamp Stamp { get; init; }
}

public enum CommandOutcome
{
    [JsonStringEnumMemberName("accepted")]
    Accepted,

    [JsonStringEnumMemberName("rejected")]
    Rejected,
}

/// <summary>Reason codes in a rejected <see cref="CommandReply"/>.</summary>
public static class RejectReasons
{
    public const string Malformed = "malformed";
    public const string Unsigned = "unsigned";
    public const string BadSignature = "bad-signature";
    public const string WrongMachine = "wrong-machine";
    public const string Expired = "expired";
    public const string NotYetValid = "not-yet-valid";
    public const string Replayed = "replayed";
    public const string UnknownType = "unknown-type";
    public const string InvalidArguments = "invalid-arguments";
    public const string StaleVersion = "stale-version";

    /// <summary>The firmware declined (busy with a citizen, device absent, ...); Detail says why.</summary>
    public const string Refused = "refused";
}
