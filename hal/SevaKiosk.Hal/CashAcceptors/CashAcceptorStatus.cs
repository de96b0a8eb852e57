using SevaKiosk.Hal.Devices;

namespace SevaKiosk.Hal.CashAcceptors;

/// <summary>Where the acceptor's note path is.</summary>
public enum AcceptorState
{
    Unknown,
    Initialising,

    /// <summary>Not accepting notes (no transaction open, or inhibited).</summary>
    Disabled,

    /// <summary>Enabled and waiting for a note.</summary>
    Idle,

    /// <summary>A note is being read.</summary>
    Reading,

    /// <summary>A note sits in escrow waiting for the accept/return decision.</summary>
    Escrow,

    Stacking,
    Returning,
    Rejecting,
    Jammed,
    Failure,
}

public enum CashboxState
{
    Unknown,
    Present,
    Removed,
    Full,
}

/// <summary>Cash-acceptor status. Records compare by value, so <see cref="StatusCell{TStatus}"/> raises only real changes.</summary>
public sealed record CashAcceptorStatus(
    DeviceState Device,
    AcceptorState Acceptor,
    CashboxState Cashbox,
    Note? InEscrow)
{
    public static CashAcceptorStatus Initial { get; } = new(DeviceState.Offline, AcceptorState.Unknown, CashboxState.Unknown, null);
}

/// <summary>Read once after the device identified itself.</summary>
public sealed record CashAcceptorCapabilities(
    string Protocol,
    int ProtocolVersion,
    string Model,
    string FirmwareVersion,
    string? DatasetVersion,
    string SerialNumber,
    string Currency,
    IReadOnlyList<NoteDenomination> Denominations,
    bool CanHoldEscrow,
    bool Encrypted);

/// <summary>Lifetime counters the device keeps itself (null where the protocol has no such counter).</summary>
public sealed record CashAcceptorCounters(long? Stacked, long? Rejected, long? Stored, long? Dispensed, long? Transferred);
