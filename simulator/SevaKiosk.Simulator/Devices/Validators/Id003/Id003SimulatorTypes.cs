namespace SevaKiosk.Simulator.Devices.Validators.Id003;

/// <summary>Where a simulated jam is.</summary>
public enum Id003JamLocation
{
    /// <summary>JAM IN ACCEPTOR (0x45).</summary>
    Acceptor,

    /// <summary>JAM IN STACKER (0x46).</summary>
    Stacker,
}

/// <summary>Where a note sits inside the unit: decides POWER UP 0x41 versus 0x42 and what RESET does with it.</summary>
public enum Id003NotePosition
{
    /// <summary>In the transport, before the point of no return: returned to the customer after RESET.</summary>
    Acceptor,

    /// <summary>Past the point of no return: stacked after RESET.</summary>
    Stacker,
}

/// <summary>What the simulated acceptor is doing, for tests and <c>{"status":true}</c>.</summary>
public enum Id003SimulatorPhase
{
    Off,
    PowerUp,
    Initializing,
    Ready,
    Accepting,
    Escrow,
    Holding,
    Stacking,
    VendValid,
    Stacked,
    Rejecting,
    Returning,
    Cheated,

    /// <summary>VEND VALID was never acknowledged: the unit answers only RESET.</summary>
    Hung,
}

/// <summary>A consistent view of the simulated acceptor at one instant.</summary>
/// <param name="Phase">What it is doing.</param>
/// <param name="Status">The status byte STATUS REQUEST would return now (0 while off or hung).</param>
/// <param name="StatusName">Its name.</param>
/// <param name="NoteValue">Value of the note inside the unit, if any.</param>
/// <param name="NotePosition">Where that note is.</param>
/// <param name="Inhibited">SET INHIBIT is 1 or every note is disabled.</param>
/// <param name="StackedCount">Notes in the cash box since it was last replaced.</param>
/// <param name="StackedTotal">Their total value.</param>
/// <param name="CreditedCount">Notes whose VEND VALID the host acknowledged, over the simulator's lifetime.</param>
public sealed record Id003SimulatorSnapshot(
    Id003SimulatorPhase Phase,
    byte Status,
    string StatusName,
    long? NoteValue,
    Id003NotePosition? NotePosition,
    bool Inhibited,
    int StackedCount,
    long StackedTotal,
    int CreditedCount);

/// <summary>Traffic counters of the simulated link.</summary>
/// <param name="BytesReceived">Bytes read from the host so far.</param>
/// <param name="BytesHandled">Of those, bytes fully handled (any replies they caused already sent).</param>
/// <param name="BytesSent">Bytes written to the host (replies and echoes, after noise).</param>
/// <param name="ReplyDueAt">When a reply is waiting for its response delay: the instant it will be sent.</param>
public readonly record struct Id003LinkActivity(long BytesReceived, long BytesHandled, long BytesSent, DateTimeOffset? ReplyDueAt);

/// <summary>What the bezel did with a note or ticket offered to it.</summary>
/// <param name="Taken">True when the unit pulled it in (it may still be rejected after validation).</param>
/// <param name="Refusal">Why it was not taken, for example "the acceptor reports DISABLE_INHIBIT".</param>
public sealed record Id003InsertResult(bool Taken, string? Refusal)
{
    public static Id003InsertResult Accepted { get; } = new(true, null);
}
