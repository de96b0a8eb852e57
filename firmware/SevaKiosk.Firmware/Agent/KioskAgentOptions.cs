using System.Security.Cryptography.X509Certificates;
using SevaKiosk.Firmware.Agent.Connection;
using SevaKiosk.Protocol.Mqtt;

namespace SevaKiosk.Firmware.Agent;

/// <summary>
/// Everything the agent needs, bindable from configuration (section <c>Agent</c>; TimeSpans as <c>hh:mm:ss</c>).
/// Secrets (<see cref="Password"/>, key files) are never logged: <see cref="ToString"/> redacts them.
/// </summary>
public sealed class KioskAgentOptions
{
    /// <summary>Machine id: the MQTT client id, the username by default, and the topic level.</summary>
    public string MachineId { get; set; } = string.Empty;

    /// <summary><c>mqtt://host:port</c> or <c>mqtts://host:port</c> (TLS). Required: the host starts the embedded broker when none is configured.</summary>
    public string Broker { get; set; } = string.Empty;

    /// <summary>Broker username; defaults to <see cref="MachineId"/> when a password is set.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>PEM file of the CA that must have issued the broker's certificate (pinned: the OS trust store is not used).</summary>
    public string? CaCertificateFile { get; set; }

    /// <summary>PEM files of a per-machine client certificate and its private key (instead of, or as well as, a password).</summary>
    public string? ClientCertificateFile { get; set; }

    public string? ClientKeyFile { get; set; }

    /// <summary>Certificate revocation checking. Off by default: an online CRL/OCSP fetch at every handshake costs too much on 2G.</summary>
    public X509RevocationMode RevocationMode { get; set; } = X509RevocationMode.NoCheck;

    /// <summary>TLS server name; defaults to the broker host.</summary>
    public string? TlsTargetHost { get; set; }

    /// <summary>The journal database the outbox lives in.</summary>
    public string DatabasePath { get; set; } = "data/journal.db";

    public string FirmwareVersion { get; set; } = "0.1.0";

    /// <summary>Panchayat, block and district, published in <c>meta</c> for the fleet tools (null = not provisioned).</summary>
    public MachineLocation? Location { get; set; }

    /// <summary>How often the registered telemetry sources are sampled into one batch (the first right at start).</summary>
    public TimeSpan TelemetryInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>PEM (SubjectPublicKeyInfo) of the fleet's ECDSA P-256 command key, or a path to such a file.</summary>
    public string? FleetPublicKey { get; set; }

    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(60);

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Base of the exponential reconnect backoff (full jitter: the wait is uniform in 0..min(max, min·2^attempt)).</summary>
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The first connect after start waits uniformly in 0..this, so a village's kiosks do not all reconnect at once after a power cut.</summary>
    public TimeSpan FirstConnectMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A connection that lasted this long resets the backoff.</summary>
    public TimeSpan StableConnection { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The watchdog pings this often; MQTTnet's own keep-alive misses dead links while publishing (MQTTnet #2244).</summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan PingTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A QoS 1 publish without PUBACK within this declares the link dead.</summary>
    public TimeSpan PublishDeadline { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>MQTT 5 clean start. True by default: the agent's own outbox and retained state make broker sessions unnecessary.</summary>
    public bool CleanStart { get; set; } = true;

    /// <summary>MQTT 5 session expiry (0 = the session ends with the connection).</summary>
    public TimeSpan SessionExpiry { get; set; } = TimeSpan.Zero;

    /// <summary>A published transaction without <c>tx/ack</c> within this is published again.</summary>
    public TimeSpan AckTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>QoS 1 publishes in flight at once (clamped to the broker's receive maximum).</summary>
    public int InFlightWindow { get; set; } = 32;

    /// <summary>Unacknowledged transactions at which the machine must stop taking cash (outbox full).</summary>
    public int OutboxCapacity { get; set; } = 10_000;

    /// <summary>Telemetry batches kept while offline; the oldest are dropped beyond this.</summary>
    public int TelemetryCapacity { get; set; } = 1_000;

    /// <summary>Faults and command replies kept while offline.</summary>
    public int EventCapacity { get; set; } = 1_000;

    /// <summary>The outbox is re-read this often even without a notification.</summary>
    public TimeSpan OutboxPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan BackendRequestDeadline { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long a payment with an unknown outcome is queried before it is left pending.</summary>
    public TimeSpan PaymentResolveDeadline { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Commands issued this far in the future are still accepted (clock skew).</summary>
    public TimeSpan CommandClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>True when <see cref="Broker"/> uses TLS.</summary>
    public bool UsesTls => Broker.StartsWith("mqtts://", StringComparison.OrdinalIgnoreCase);

    /// <summary>Problems, each naming its configuration key; empty when the options are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!KioskTopics.IsValidMachineId(MachineId))
        {
            problems.Add($"Agent:MachineId '{MachineId}' must be 1-64 of A-Z a-z 0-9 - _ .");
        }

        if (!BrokerEndpoint.TryParse(Broker, out _, out var error))
        {
            problems.Add($"Agent:Broker {error}");
        }

        if (string.IsNullOrWhiteSpace(DatabasePath))
        {
            problems.Add("Agent:DatabasePath is required.");
        }

        if (string.IsNullOrWhiteSpace(FleetPublicKey))
        {
            problems.Add("Agent:FleetPublicKey is required: commands cannot be verified without it.");
        }

        if (UsesTls && string.IsNullOrWhiteSpace(CaCertificateFile))
        {
            problems.Add("Agent:CaCertificateFile is required with an mqtts:// broker (the CA is pinned).");
        }

        if (Location is { } location && new[] { location.Panchayat, location.Block, location.District }.Any(string.IsNullOrWhiteSpace))
        {
            problems.Add("Agent:Location needs Panchayat, Block and District (or no Location at all).");
        }

        if ((ClientCertificateFile is null) != (ClientKeyFile is null))
        {
            problems.Add("Agent:ClientCertificateFile and Agent:ClientKeyFile go together.");
        }

        Positive(problems, nameof(KeepAlive), KeepAlive);
        Positive(problems, nameof(ConnectTimeout), ConnectTimeout);
        Positive(problems, nameof(ReconnectMinDelay), ReconnectMinDelay);
        Positive(problems, nameof(PingInterval), PingInterval);
        Positive(problems, nameof(PingTimeout), PingTimeout);
        Positive(problems, nameof(PublishDeadline), PublishDeadline);
        Positive(problems, nameof(AckTimeout), AckTimeout);
        Positive(problems, nameof(OutboxPollInterval), OutboxPollInterval);
        Positive(problems, nameof(BackendRequestDeadline), BackendRequestDeadline);
        Positive(problems, nameof(TelemetryInterval), TelemetryInterval);
        if (ReconnectMaxDelay < ReconnectMinDelay)
        {
            problems.Add("Agent:ReconnectMaxDelay must not be below Agent:ReconnectMinDelay.");
        }

        if (FirstConnectMaxDelay < TimeSpan.Zero || SessionExpiry < TimeSpan.Zero || SessionExpiry.TotalSeconds > uint.MaxValue)
        {
            problems.Add("Agent:FirstConnectMaxDelay and Agent:SessionExpiry must be zero or positive (and fit MQTT's 32-bit seconds).");
        }

        if (InFlightWindow is < 1 or > 65_535 || OutboxCapacity < 1 || TelemetryCapacity < 1 || EventCapacity < 1)
        {
            problems.Add("Agent:InFlightWindow (1-65535), Agent:OutboxCapacity, Agent:TelemetryCapacity and Agent:EventCapacity must be positive.");
        }

        return problems;
    }

    /// <summary>For logs: secrets are never printed.</summary>
    public override string ToString() =>
        $"machine {MachineId} broker {Broker} user {Username ?? "(none)"} password {(Password is null ? "(none)" : "(set)")} " +
        $"ca {CaCertificateFile ?? "(none)"} client-cert {ClientCertificateFile ?? "(none)"} revocation {RevocationMode} " +
        $"keep-alive {KeepAlive} reconnect {ReconnectMinDelay}..{ReconnectMaxDelay} db {DatabasePath}";

    private static void Positive(List<string> problems, string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            problems.Add($"Agent:{name} must be positive.");
        }
    }
}
