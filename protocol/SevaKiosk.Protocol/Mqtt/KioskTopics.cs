namespace SevaKiosk.Protocol.Mqtt;

/// <summary>
/// The versioned topic tree <c>kiosk/v1/&lt;machineId&gt;/...</c>. Every topic the agent, the backend, the fleet
/// simulator and kioskctl use is built here, so a rename is one change.
/// </summary>
public static class KioskTopics
{
    /// <summary>Root of this contract version. A breaking change to any payload gets <c>kiosk/v2</c>, side by side.</summary>
    public const string Root = "kiosk/v1";

    /// <summary>Operation names under <c>backend/request/</c>.</summary>
    public const string BillFetch = "bill-fetch";

    public const string PaymentPost = "payment-post";

    public const string PaymentStatus = "payment-status";

    /// <summary>Topics of one machine.</summary>
    public static MachineTopics For(string machineId) => new(machineId);

    /// <summary>
    /// A machine id is one topic level (and the MQTT client id): 1 to 64 characters of letters, digits, '-', '_' and
    /// '.'. This excludes the wildcards '+' and '#', the level separator '/' and anything a broker ACL pattern could
    /// misread.
    /// </summary>
    public static bool IsValidMachineId(string? machineId)
    {
        if (string.IsNullOrEmpty(machineId) || machineId.Length > 64)
        {
            return false;
        }

        foreach (var c in machineId)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Filter for the backend: every machine's transactions.</summary>
    public static string AllTransactions => $"{Root}/+/tx";

    /// <summary>Filter for the backend: every machine's requests (the last level is the operation).</summary>
    public static string AllBackendRequests => $"{Root}/+/backend/request/+";

    /// <summary>Filter for monitors: every machine's retained status.</summary>
    public static string AllStatus => $"{Root}/+/status";

    /// <summary>
    /// Splits a concrete topic of this contract into machine id and the rest (for example <c>tx</c>,
    /// <c>backend/request/bill-fetch</c>); false for anything else.
    /// </summary>
    public static bool TryParse(string topic, out string machineId, out string rest)
    {
        machineId = string.Empty;
        rest = string.Empty;
        if (!topic.StartsWith(Root + "/", StringComparison.Ordinal))
        {
            return false;
        }

        var tail = topic.AsSpan(Root.Length + 1);
        var slash = tail.IndexOf('/');
        if (slash <= 0 || slash == tail.Length - 1)
        {
            return false;
        }

        var id = tail[..slash].ToString();
        if (!IsValidMachineId(id))
        {
            return false;
        }

        machineId = id;
        rest = tail[(slash + 1)..].ToString();
        return true;
    }
}

/// <summary>The concrete topics of one machine. Direction is from the machine's point of view.</summary>
public sealed class MachineTopics
{
    public MachineTopics(string machineId)
    {
        if (!KioskTopics.IsValidMachineId(machineId))
        {
            throw new ArgumentException($"'{machineId}' is not a valid machine id (1-64 of A-Z a-z 0-9 - _ .).", nameof(machineId));
        }

        MachineId = machineId;
        Prefix = $"{KioskTopics.Root}/{machineId}";
    }

    public string MachineId { get; }

    /// <summary><c>kiosk/v1/&lt;machineId&gt;</c>.</summary>
    public string Prefix { get; }

    /// <summary>Up, retained: online/offline with the birth sequence; the will sets offline.</summary>
    public string Status => Prefix + "/status";

    /// <summary>Up, retained: self-description.</summary>
    public string Meta => Prefix + "/meta";

    /// <summary>Up: batched metrics.</summary>
    public string Telemetry => Prefix + "/telemetry";

    /// <summary>Up: fault raised/cleared events.</summary>
    public string Faults => Prefix + "/faults";

    /// <summary>Up, QoS 1: transaction records, re-sent until acknowledged on <see cref="TransactionAck"/>.</summary>
    public string Transactions => Prefix + "/tx";

    /// <summary>Down: the backend's application-level acknowledgement of a transaction.</summary>
    public string TransactionAck => Prefix + "/tx/ack";

    /// <summary>Down, retained: signed, versioned desired state.</summary>
    public string StateDesired => Prefix + "/state/desired";

    /// <summary>Up, retained: the state the machine has applied.</summary>
    public string StateReported => Prefix + "/state/reported";

    /// <summary>Down: signed one-shot commands.</summary>
    public string Command => Prefix + "/cmd";

    /// <summary>Up: one reply per received command message.</summary>
    public string CommandReply => Prefix + "/cmd/reply";

    /// <summary>Up: a request to the backend; <paramref name="operation"/> is one of the <see cref="KioskTopics"/> operation names.</summary>
    public string BackendRequest(string operation) => Prefix + "/backend/request/" + operation;

    /// <summary>Down: where the backend answers (the MQTT 5 response topic of every request).</summary>
    public string BackendResponse => Prefix + "/backend/response";

    /// <summary>
    /// What this machine may do on a broker that confines it: (topic, may publish, may subscribe). Brokers' ACLs are
    /// generated from this list (see README: Mosquitto <c>pattern</c> lines).
    /// </summary>
    public IReadOnlyList<TopicPermission> Permissions =>
    [
        new(Status, Publish: true, Subscribe: false),
        new(Meta, Publish: true, Subscribe: false),
        new(Telemetry, Publish: true, Subscribe: false),
        new(Faults, Publish: true, Subscribe: false),
        new(Transactions, Publish: true, Subscribe: false),
        new(TransactionAck, Publish: false, Subscribe: true),
        new(StateDesired, Publish: false, Subscribe: true),
        new(StateReported, Publish: true, Subscribe: false),
        new(Command, Publish: false, Subscribe: true),
        new(CommandReply, Publish: true, Subscribe: false),
        new(Prefix + "/backend/request/+", Publish: true, Subscribe: false),
        new(BackendResponse, Publish: false, Subscribe: true),
    ];
}

/// <summary>One line of a machine's access list.</summary>
public sealed record TopicPermission(string Topic, bool Publish, bool Subscribe);
