namespace SevaKiosk.Protocol.CcTalk;

/// <summary>What a new event counter means, compared with the last one seen.</summary>
public enum CcTalkCounterOutcome
{
    /// <summary>No counter seen before: the events in the buffer are history, their fate is unknown to us.</summary>
    FirstReading,

    /// <summary>Same counter: nothing happened.</summary>
    NoNewEvents,

    /// <summary><see cref="CcTalkCounterStep.NewEvents"/> new events, all still in the buffer (the newest first).</summary>
    NewEvents,

    /// <summary>More events happened than the buffer holds: some were pushed out unseen. A fault, never a guess.</summary>
    EventsLost,

    /// <summary>The counter went back to 0: the device was reset or lost power; its buffer was cleared.</summary>
    DeviceReset,
}

/// <summary>One comparison of event counters. <see cref="NewEvents"/> leading pairs of the reply are new.</summary>
public readonly record struct CcTalkCounterStep(CcTalkCounterOutcome Outcome, byte Previous, byte Current, int NewEvents, int LostEvents)
{
    public string Describe() => Outcome switch
    {
        CcTalkCounterOutcome.FirstReading => $"first event counter {Current}",
        CcTalkCounterOutcome.NoNewEvents => $"no new events (counter {Current})",
        CcTalkCounterOutcome.NewEvents => $"{NewEvents} new event(s) (counter {Previous} → {Current})",
        CcTalkCounterOutcome.EventsLost => $"{LostEvents} event(s) lost: counter {Previous} → {Current} is more than the buffer holds",
        CcTalkCounterOutcome.DeviceReset => $"device reset (counter {Previous} → 0)",
        _ => Outcome.ToString(),
    };
}

/// <summary>
/// ccTalk event-counter arithmetic. The counter is 0 after power-up or reset, then counts 1..255 and wraps to 1 (0 is
/// never reused), one step per event (UNCONFIRMED wrap rule; common knowledge of the specification).
/// </summary>
/// <remarks>
/// What no counter can tell, and a driver must know: exactly 255 events between two reads look like none; and a reset
/// followed by new events before the next read (previous 37, now 2) is indistinguishable from 220 events, so it is
/// reported as <see cref="CcTalkCounterOutcome.EventsLost"/>: a fault, which is the safe reading.
/// </remarks>
public static class CcTalkEventCounter
{
    /// <summary>The counter after one more event.</summary>
    public static byte Next(byte counter) => counter == 255 ? (byte)1 : (byte)(counter + 1);

    /// <summary>How many events take the counter from <paramref name="previous"/> to <paramref name="current"/> (≠ 0).</summary>
    public static int Distance(byte previous, byte current)
    {
        if (current == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(current), "Counter 0 is only reached by a reset, never by events.");
        }

        return previous == 0 ? current : (current - previous + 255) % 255;
    }

    /// <summary>Compares two counters read from the device.</summary>
    public static CcTalkCounterStep Compare(byte previous, byte current, int bufferDepth = CcTalkBufferedEvents.StandardDepth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferDepth, 1);
        if (current == previous)
        {
            return new CcTalkCounterStep(CcTalkCounterOutcome.NoNewEvents, previous, current, 0, 0);
        }

        if (current == 0)
        {
            return new CcTalkCounterStep(CcTalkCounterOutcome.DeviceReset, previous, current, 0, 0);
        }

        var distance = Distance(previous, current);
        return distance > bufferDepth
            ? new CcTalkCounterStep(CcTalkCounterOutcome.EventsLost, previous, current, bufferDepth, distance - bufferDepth)
            : new CcTalkCounterStep(CcTalkCounterOutcome.NewEvents, previous, current, distance, 0);
    }
}

/// <summary>Remembers the last counter seen and compares each new one with it (for a driver's poll loop).</summary>
public struct CcTalkEventCounterTracker
{
    private bool _seen;

    public CcTalkEventCounterTracker(int bufferDepth = CcTalkBufferedEvents.StandardDepth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferDepth, 1);
        BufferDepth = bufferDepth;
    }

    public int BufferDepth { get; }

    /// <summary>Last counter observed; meaningful once <see cref="HasReading"/>.</summary>
    public byte Last { get; private set; }

    public readonly bool HasReading => _seen;

    /// <summary>Takes a new counter and says what it means. The counter is remembered whatever the outcome.</summary>
    public CcTalkCounterStep Observe(byte counter)
    {
        var step = _seen
            ? CcTalkEventCounter.Compare(Last, counter, BufferDepth == 0 ? CcTalkBufferedEvents.StandardDepth : BufferDepth)
            : new CcTalkCounterStep(CcTalkCounterOutcome.FirstReading, 0, counter, 0, 0);
        _seen = true;
        Last = counter;
        return step;
    }

    /// <summary>Forgets the last counter (the driver reset the device or reconnected).</summary>
    public void Forget()
    {
        _seen = false;
        Last = 0;
    }
}
