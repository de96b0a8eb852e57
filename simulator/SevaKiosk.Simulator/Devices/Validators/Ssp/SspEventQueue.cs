using SevaKiosk.Protocol.Ssp;

namespace SevaKiosk.Simulator.Devices.Validators.Ssp;

/// <summary>One poll event as the device sends it: a code and, for channel events, one data byte.</summary>
internal readonly record struct PollEvent(SspEventCode Code, byte? Channel = null)
{
    public int Length => Channel is null ? 1 : 2;

    /// <summary>
    /// Events that carry money or a note's fate. Under POLL WITH ACK they repeat in every reply until EVENT ACK, and
    /// the unit takes no further note meanwhile (GA138 "Poll with Ack").
    /// </summary>
    public bool RequiresAck => Code is SspEventCode.NoteCredit or SspEventCode.NoteClearedFromFront
        or SspEventCode.NoteClearedIntoCashbox or SspEventCode.FraudAttempt;

    public override string ToString() => Channel is { } c ? $"{SspEventNames.Of(Code)}({c})" : SspEventNames.Of(Code);
}

/// <summary>
/// Events that happened since the last poll, oldest first, and the ones awaiting EVENT ACK. A poll reply carries the
/// queued events (as many as fit), then the conditions that hold right now (READ 0 while reading, STACKING, DISABLED,
/// jams ...), which repeat in every reply while they last.
/// </summary>
internal sealed class SspEventQueue
{
    private readonly List<PollEvent> _queued = [];
    private readonly List<PollEvent> _awaitingAck = [];

    public int Count => _queued.Count;

    public int AwaitingAckCount => _awaitingAck.Count;

    public void Add(PollEvent pollEvent) => _queued.Add(pollEvent);

    /// <summary>At power-up nothing survives: the device starts a fresh list.</summary>
    public void Clear()
    {
        _queued.Clear();
        _awaitingAck.Clear();
    }

    /// <summary>EVENT ACK: false when nothing was waiting (the device answers COMMAND CANNOT BE PROCESSED).</summary>
    public bool Acknowledge()
    {
        if (_awaitingAck.Count == 0)
        {
            return false;
        }

        _awaitingAck.Clear();
        return true;
    }

    /// <summary>
    /// Builds a poll reply (OK + events) of at most <paramref name="maxLength"/> bytes. With <paramref name="withAck"/>,
    /// events needing an ACK move to the awaiting list and are repeated first in later replies; while any are waiting, a
    /// new one stays queued (with everything behind it, so order is kept). A plain POLL delivers them once and forgets
    /// them: a host that polls without ACK has chosen at-most-once delivery. Every delivered event goes to
    /// <paramref name="delivered"/>.
    /// </summary>
    public byte[] BuildPollReply(bool withAck, IReadOnlyList<PollEvent> conditions, int maxLength, List<PollEvent> delivered)
    {
        delivered.Clear();
        var reply = new List<byte>(16) { (byte)SspGenericResponse.Ok };
        if (!withAck)
        {
            _awaitingAck.Clear();
        }

        foreach (var repeated in _awaitingAck)
        {
            Append(reply, repeated);
        }

        var wasAwaiting = _awaitingAck.Count > 0;
        var taken = 0;
        foreach (var next in _queued)
        {
            if ((withAck && wasAwaiting && next.RequiresAck) || reply.Count + next.Length > maxLength)
            {
                break;
            }

            Append(reply, next);
            delivered.Add(next);
            if (withAck && next.RequiresAck)
            {
                _awaitingAck.Add(next);
            }

            taken++;
        }

        _queued.RemoveRange(0, taken);
        foreach (var condition in conditions)
        {
            if (reply.Count + condition.Length <= maxLength)
            {
                Append(reply, condition);
                delivered.Add(condition);
            }
        }

        return [.. reply];
    }

    public IReadOnlyList<PollEvent> Snapshot() => [.. _awaitingAck, .. _queued];

    private static void Append(List<byte> reply, PollEvent pollEvent)
    {
        reply.Add((byte)pollEvent.Code);
        if (pollEvent.Channel is { } channel)
        {
            reply.Add(channel);
        }
    }
}
