using SevaKiosk.Hal.Devices;

namespace SevaKiosk.Hal.CashAcceptors;

/// <summary>Settings every validator driver shares. Protocol options derive from this.</summary>
public record CashAcceptorOptions
{
    /// <summary>Device name in faults, logs and topics.</summary>
    public string Name { get; init; } = "validator";

    /// <summary>Currency the kiosk takes. Channels in any other currency stay inhibited.</summary>
    public string Currency { get; init; } = "INR";

    /// <summary>Face values to enable on the device. Empty means every denomination the device reports in <see cref="Currency"/>.</summary>
    public IReadOnlyList<decimal> AcceptedNotes { get; init; } = [10m, 20m, 50m, 100m, 200m, 500m];

    /// <summary>How often the device is polled while idle or accepting.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long to wait for one reply before retransmitting.</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Retransmissions of one request before the device is declared offline. With the defaults a silent
    /// device is offline within 4 x 200 ms plus one poll interval, i.e. under 1 s.</summary>
    public int Retries { get; init; } = 3;

    /// <summary>While a decision is pending the note is held; the hold is renewed this often (well inside the
    /// device's own escrow timeout, 10 s on SSP).</summary>
    public TimeSpan HoldRenewInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A decision that takes longer returns the note. A request's own timeout overrides this.</summary>
    public TimeSpan DecisionTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long End/Rollback wait for a note already in the path to settle.</summary>
    public TimeSpan SettleTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>First and largest delay between reconnect attempts.</summary>
    public TimeSpan ReconnectInitialDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    internal void Validate()
    {
        Require(PollInterval > TimeSpan.Zero, nameof(PollInterval), "must be positive");
        Require(ResponseTimeout > TimeSpan.Zero, nameof(ResponseTimeout), "must be positive");
        Require(Retries >= 0, nameof(Retries), "must not be negative");
        Require(HoldRenewInterval > TimeSpan.Zero, nameof(HoldRenewInterval), "must be positive");
        Require(!string.IsNullOrWhiteSpace(Currency) && Currency.Length == 3, nameof(Currency), "must be an ISO 4217 code");
        Require(ReconnectInitialDelay > TimeSpan.Zero && ReconnectMaxDelay >= ReconnectInitialDelay, nameof(ReconnectMaxDelay), "must be >= ReconnectInitialDelay > 0");
    }

    private protected static void Require(bool condition, string key, string message)
    {
        if (!condition)
        {
            throw new ArgumentException($"Validator option {key} {message}.", key);
        }
    }

    internal bool Accepts(Money value) =>
        string.Equals(value.Currency, Currency, StringComparison.Ordinal)
        && (AcceptedNotes.Count == 0 || AcceptedNotes.Contains(value.Amount));
}
