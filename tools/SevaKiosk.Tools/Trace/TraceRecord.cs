namespace SevaKiosk.Tools.Trace;

public enum TraceRecordKind
{
    /// <summary>A well-formed frame (its checksum matched).</summary>
    Frame,

    /// <summary>A complete frame whose checksum did not match; its bytes are shown, its content not trusted.</summary>
    CrcError,

    /// <summary>Bytes that belong to no frame: line noise, a frame cut short.</summary>
    Garbage,
}

/// <summary>One event inside a status or poll reply.</summary>
/// <param name="Channel">Channel for single-channel events (READ, NOTE CREDIT ...).</param>
/// <param name="Data">Hex of any other event data (payout values ...).</param>
public sealed record TraceEvent(string Name, int? Channel = null, string? Data = null)
{
    public override string ToString() => Channel is { } c ? $"{Name}({c})" : Data is { } d ? $"{Name}[{d}]" : Name;
}

/// <summary>One decoded frame or stretch of garbage, protocol-neutral so every decoder prints the same way.</summary>
public sealed record TraceRecord
{
    /// <summary>Byte offset of the first byte in the capture.</summary>
    public required long Offset { get; init; }

    /// <summary>Line of a hex trace; null for binary input.</summary>
    public int? Line { get; init; }

    public required TraceDirection Direction { get; init; }

    public required TraceRecordKind Kind { get; init; }

    /// <summary>Command or response name in upper snake case (POLL, SET_INHIBITS, OK ...), or GARBAGE.</summary>
    public required string Name { get; init; }

    /// <summary>The bytes as they were on the wire.</summary>
    public required byte[] Bytes { get; init; }

    /// <summary>Protocol sequence bit or counter, when the protocol has one.</summary>
    public int? Sequence { get; init; }

    public int? Address { get; init; }

    /// <summary>For a reply: the command it answers.</summary>
    public string? ReplyTo { get; init; }

    /// <summary>A host frame identical to the previous one (a retry after a timeout).</summary>
    public bool Retransmit { get; init; }

    /// <summary>The host's own frame read back from a shared line (ccTalk) or an echoing adapter: not a reply.</summary>
    public bool Echo { get; init; }

    public IReadOnlyList<TraceEvent>? Events { get; init; }

    /// <summary>Decoded arguments or reply content, human readable.</summary>
    public string? Detail { get; init; }

    /// <summary>Why the frame or its content is bad.</summary>
    public string? Error { get; init; }

    /// <summary>True when the frame was encrypted (and, with a key, decrypted for the other fields).</summary>
    public bool Encrypted { get; init; }

    /// <summary>Encryption counter of a decrypted frame.</summary>
    public uint? Count { get; init; }
}
