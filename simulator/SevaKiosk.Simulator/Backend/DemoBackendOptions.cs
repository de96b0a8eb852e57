namespace SevaKiosk.Simulator.Backend;

/// <summary>How the demo backend reaches the broker and where it keeps its ledger.</summary>
public sealed class DemoBackendOptions
{
    /// <summary><c>mqtt://host:port</c> or <c>mqtts://host:port</c>.</summary>
    public required string Broker { get; init; }

    public string ClientId { get; init; } = "sevakiosk-backend";

    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>PEM CA file for mqtts.</summary>
    public string? CaCertificateFile { get; init; }

    /// <summary>SQLite ledger file; ":memory:" keeps nothing after exit.</summary>
    public string LedgerPath { get; init; } = ":memory:";

    public AccountFixture Accounts { get; init; } = AccountFixture.Demo;

    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan PublishDeadline { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>Fault injection: what the backend does instead of behaving.</summary>
public sealed record BackendBehaviour(bool Down = false, TimeSpan Delay = default, bool AnswerPending = false)
{
    public static BackendBehaviour Normal { get; } = new();
}
