using SevaKiosk.Protocol.Ssp;

namespace SevaKiosk.Simulator.Devices.Validators.Ssp;

/// <summary>What the simulated validator is doing, for tests and <c>{"status":true}</c>.</summary>
public sealed record SspValidatorStatus
{
    public required bool Booting { get; init; }

    public required bool Enabled { get; init; }

    public required bool OutOfService { get; init; }

    public string? OutOfServiceReason { get; init; }

    public required int ProtocolVersion { get; init; }

    public required IReadOnlyList<int> EnabledChannels { get; init; }

    /// <summary>Phase of the note in the path, null when the path is empty.</summary>
    public NotePhase? NotePhase { get; init; }

    public long NoteValue { get; init; }

    public int NoteChannel { get; init; }

    public JamKind? Jam { get; init; }

    public required bool CashboxRemoved { get; init; }

    public required bool StackerFull { get; init; }

    public required int NotesInCashbox { get; init; }

    public required SspCounters Counters { get; init; }

    public required SspRejectReason LastRejectCode { get; init; }

    public required bool EncryptionRequired { get; init; }

    public required bool KeyNegotiated { get; init; }

    /// <summary>eCOUNT the next encrypted command must carry.</summary>
    public required uint EncryptionCount { get; init; }

    /// <summary>Events waiting for the next poll, awaiting-ACK ones first, as upper snake case names.</summary>
    public required IReadOnlyList<string> PendingEvents { get; init; }

    public required int AwaitingAck { get; init; }

    public required int BaudRate { get; init; }

    public required bool DisplayOn { get; init; }

    /// <summary>Packets addressed to this device and handled (retries included).</summary>
    public required long Packets { get; init; }

    /// <summary>Retries answered by repeating the last reply.</summary>
    public required long Repeats { get; init; }
}
