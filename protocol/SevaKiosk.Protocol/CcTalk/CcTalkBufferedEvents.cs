namespace SevaKiosk.Protocol.CcTalk;

/// <summary>
/// Reply to READ BUFFERED BILL EVENTS (159): <c>[event counter][A1 B1][A2 B2]…</c>, newest event first. The standard
/// buffer holds 5 events (dk.CctalkLib, 4G; UNCONFIRMED against the specification, so the depth is a parameter).
/// </summary>
public static class CcTalkBufferedEvents
{
    public const int StandardDepth = 5;

    /// <summary>Splits a reply into its counter and event pairs (newest first) without allocating.</summary>
    /// <returns>False when the reply is empty, has an odd number of event bytes, or more pairs than
    /// <paramref name="events"/> holds.</returns>
    public static bool TryParse(ReadOnlySpan<byte> data, Span<CcTalkBillEvent> events, out byte counter, out int count)
    {
        counter = 0;
        count = 0;
        if (data.IsEmpty || (data.Length - 1) % 2 != 0 || (data.Length - 1) / 2 > events.Length)
        {
            return false;
        }

        counter = data[0];
        count = (data.Length - 1) / 2;
        for (var i = 0; i < count; i++)
        {
            events[i] = new CcTalkBillEvent(data[1 + (2 * i)], data[2 + (2 * i)]);
        }

        return true;
    }

    /// <summary>Writes a reply: the counter, then <paramref name="newestFirst"/> padded with [0 0] to <paramref name="depth"/> pairs.</summary>
    /// <returns>The number of bytes written (1 + 2 × depth).</returns>
    public static int Write(byte counter, ReadOnlySpan<CcTalkBillEvent> newestFirst, Span<byte> destination, int depth = StandardDepth)
    {
        if (newestFirst.Length > depth)
        {
            throw new ArgumentException($"At most {depth} events fit in the buffer, got {newestFirst.Length}.", nameof(newestFirst));
        }

        var length = 1 + (2 * depth);
        destination[..length].Clear();
        destination[0] = counter;
        for (var i = 0; i < newestFirst.Length; i++)
        {
            destination[1 + (2 * i)] = newestFirst[i].A;
            destination[2 + (2 * i)] = newestFirst[i].B;
        }

        return length;
    }
}
