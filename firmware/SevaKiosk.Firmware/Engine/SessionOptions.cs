namespace SevaKiosk.Firmware.Engine;

/// <summary>Rules users will hit (configuration section <c>Sessions</c>).</summary>
public sealed record SessionOptions
{
    public string Currency { get; init; } = "INR";

    /// <summary>A citizen who does nothing this long during cash-in is treated as gone: escrow returned, session settled.</summary>
    public TimeSpan InactivityTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Longest the escrow rule may take (the validator holds the note meanwhile).</summary>
    public TimeSpan DecisionTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Bill fetch and payment post deadlines; a post that misses it stays pending and is queried later.</summary>
    public TimeSpan BackendTimeout { get; init; } = TimeSpan.FromSeconds(20);

    public ExcessPolicy Excess { get; init; } = ExcessPolicy.ReturnNote;

    /// <summary>How often payments left pending (post timed out) are queried while the kiosk runs.</summary>
    public TimeSpan PendingPaymentQueryInterval { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Helpline printed on receipts and shown on errors.</summary>
    public string Helpline { get; init; } = "181";
}
