namespace SevaKiosk.Protocol.Ssp;

/// <summary>
/// One event from a poll reply. <see cref="Channel"/> is set for the single-byte channel events (READ, NOTE CREDIT,
/// FRAUD ATTEMPT, NOTE CLEARED ...); <see cref="DataOffset"/>/<see cref="DataLength"/> locate the raw event data inside
/// the reply for events that carry values (payout units, SMART currency).
/// </summary>
public readonly record struct SspEvent(SspEventCode Code, byte Channel, int DataOffset, int DataLength)
{
    public string Name => SspEventNames.Of(Code);

    public override string ToString() => DataLength == 1 ? $"{Name}({Channel})" : Name;
}

/// <summary>Outcome of parsing a poll reply.</summary>
public enum SspPollParseStatus
{
    /// <summary>Every event was parsed.</summary>
    Ok,

    /// <summary>The reply did not start with OK (0xF0); see <see cref="SspPollParseResult.Code"/>.</summary>
    NotOk,

    /// <summary>An event code we do not know: its data length is unknown, so nothing after it can be trusted.</summary>
    UnknownEvent,

    /// <summary>An event's data runs past the end of the reply.</summary>
    Truncated,

    /// <summary>More events than the destination can hold.</summary>
    TooManyEvents,
}

/// <summary>
/// Result of <see cref="SspPollParser.Parse"/>. <see cref="Count"/> events were parsed successfully even when the
/// status is an error: they precede the bad byte and their lengths were known, so they are trustworthy.
/// </summary>
public readonly record struct SspPollParseResult(SspPollParseStatus Status, int Count, int ErrorOffset, byte Code)
{
    public bool IsOk => Status == SspPollParseStatus.Ok;

    public string Describe() => Status switch
    {
        SspPollParseStatus.Ok => $"{Count} event(s)",
        SspPollParseStatus.NotOk => $"poll answered {SspGenericResponseNames.Of(Code)}",
        SspPollParseStatus.UnknownEvent => $"unknown poll event 0x{Code:X2} at data offset {ErrorOffset} after {Count} event(s)",
        SspPollParseStatus.Truncated => $"poll event at data offset {ErrorOffset} is truncated",
        SspPollParseStatus.TooManyEvents => $"more than {Count} events in one poll reply",
        _ => Status.ToString(),
    };
}
