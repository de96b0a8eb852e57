using SevaKiosk.Protocol.CcTalk;

namespace SevaKiosk.Hal.CashAcceptors.CcTalk;

/// <summary>What a confirmed reading of the event buffer means compared with the last one.</summary>
internal enum CcTalkWindowChange
{
    /// <summary>Same counter, same buffer.</summary>
    None,

    /// <summary>The first reading since the driver started: its events are history, their fate unknown to us.</summary>
    First,

    /// <summary><see cref="CcTalkWindowStep.NewEvents"/> new events, the older ones exactly where the counter puts them.</summary>
    NewEvents,

    /// <summary>Counter back to 0: the device was reset or lost power.</summary>
    Reset,

    /// <summary>More new events than the buffer holds.</summary>
    Lost,

    /// <summary>The counter and the buffer contradict the last reading (a reset followed by new events looks like
    /// this): nothing in the buffer can be placed.</summary>
    Inconsistent,
}

internal readonly record struct CcTalkWindowStep(CcTalkWindowChange Change, int NewEvents, CcTalkCounterStep Counter);

/// <summary>
/// The last confirmed READ BUFFERED BILL EVENTS reply, and the rules for what the next one means. The buffer is a
/// sliding window over the device's event history (newest first), so when the counter says k events are new, the
/// older pairs of the new reading must be the previous reading shifted by k. That check, together with reading
/// twice before acting (<see cref="Agree"/>), is what keeps a reply that was damaged in a way the 8-bit checksum
/// cannot see, or a late reply to an earlier poll, from ever becoming a credit.
/// </summary>
internal sealed class CcTalkEventWindow
{
    private readonly byte[] _confirmed;
    private readonly int _depth;

    public CcTalkEventWindow(int depth)
    {
        _depth = depth;
        _confirmed = new byte[1 + (2 * depth)];
    }

    public bool HasReading { get; private set; }

    public byte Counter => _confirmed[0];

    public int Depth => _depth;

    /// <summary>The reading is byte for byte the confirmed one: nothing happened (the steady state).</summary>
    public bool IsUnchanged(ReadOnlySpan<byte> reading) => HasReading && reading.SequenceEqual(_confirmed);

    /// <summary>Does <paramref name="newer"/> follow from <paramref name="older"/>: the same, or the same history with
    /// up to a buffer's worth of new events in front?</summary>
    public static bool Agree(ReadOnlySpan<byte> older, ReadOnlySpan<byte> newer, int depth)
    {
        var step = CcTalkEventCounter.Compare(older[0], newer[0], depth);
        return step.Outcome switch
        {
            CcTalkCounterOutcome.NoNewEvents => older.SequenceEqual(newer),
            CcTalkCounterOutcome.NewEvents => Shifted(older, newer, step.NewEvents, depth),
            _ => false,
        };
    }

    /// <summary>Compares a confirmed reading with the last one.</summary>
    public CcTalkWindowStep Classify(ReadOnlySpan<byte> reading)
    {
        var counter = CcTalkEventCounter.Compare(_confirmed[0], reading[0], _depth);
        return counter.Outcome switch
        {
            CcTalkCounterOutcome.NoNewEvents when reading.SequenceEqual(_confirmed) => new(CcTalkWindowChange.None, 0, counter),
            CcTalkCounterOutcome.NewEvents when Shifted(_confirmed, reading, counter.NewEvents, _depth) => new(CcTalkWindowChange.NewEvents, counter.NewEvents, counter),
            CcTalkCounterOutcome.DeviceReset => new(CcTalkWindowChange.Reset, 0, counter),
            CcTalkCounterOutcome.EventsLost => new(CcTalkWindowChange.Lost, _depth, counter),
            _ => new(CcTalkWindowChange.Inconsistent, 0, counter),
        };
    }

    /// <summary>The <paramref name="index"/>-th pair of a reading, 0 being the newest.</summary>
    public static CcTalkBillEvent EventAt(ReadOnlySpan<byte> reading, int index) => new(reading[1 + (2 * index)], reading[2 + (2 * index)]);

    public void Accept(ReadOnlySpan<byte> reading)
    {
        reading.CopyTo(_confirmed);
        HasReading = true;
    }

    public void Forget()
    {
        Array.Clear(_confirmed);
        HasReading = false;
    }

    /// <summary>The pairs of <paramref name="older"/> reappear in <paramref name="newer"/> moved back by
    /// <paramref name="k"/> (the oldest k fall off the end).</summary>
    private static bool Shifted(ReadOnlySpan<byte> older, ReadOnlySpan<byte> newer, int k, int depth) =>
        newer.Slice(1 + (2 * k), 2 * (depth - k)).SequenceEqual(older.Slice(1, 2 * (depth - k)));
}
