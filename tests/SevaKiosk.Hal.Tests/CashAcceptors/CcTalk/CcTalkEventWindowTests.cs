using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using SevaKiosk.Hal.CashAcceptors.CcTalk;
using SevaKiosk.Protocol.CcTalk;

namespace SevaKiosk.Hal.Tests.CashAcceptors.CcTalk;

/// <summary>The rules that decide what a reading of the buffered events means, on readings built from a history.</summary>
public class CcTalkEventWindowTests
{
    private const int Depth = CcTalkBufferedEvents.StandardDepth;

    [Fact]
    public void New_events_in_front_of_the_same_history_are_counted_and_agree()
    {
        var window = new CcTalkEventWindow(Depth);
        window.Accept(Reading(History(7)));

        var step = window.Classify(Reading(History(9)));

        Assert.Equal(CcTalkWindowChange.NewEvents, step.Change);
        Assert.Equal(2, step.NewEvents);
        Assert.True(CcTalkEventWindow.Agree(Reading(History(7)), Reading(History(9)), Depth));
        Assert.Equal(CcTalkBillEvent.Credit(8), CcTalkEventWindow.EventAt(Reading(History(9)), 1));
    }

    [Fact]
    public void A_counter_that_does_not_fit_the_history_behind_it_is_inconsistent()
    {
        // A reset, then four new events: counter 3 → 4 says one new event, but the pairs behind it are not the old ones.
        var window = new CcTalkEventWindow(Depth);
        window.Accept(Reading(History(3)));

        var afterReset = Reading([.. History(0), new(0, 11), new(0, 12), new(0, 10), new(0, 14)]);

        Assert.Equal(CcTalkWindowChange.Inconsistent, window.Classify(afterReset).Change);
        Assert.False(CcTalkEventWindow.Agree(Reading(History(3)), afterReset, Depth));
    }

    [Fact]
    public void Counter_zero_is_a_reset_and_more_than_the_buffer_is_lost()
    {
        var window = new CcTalkEventWindow(Depth);
        window.Accept(Reading(History(20)));

        Assert.Equal(CcTalkWindowChange.Reset, window.Classify(Reading([])).Change);
        var lost = window.Classify(Reading(History(26)));
        Assert.Equal(CcTalkWindowChange.Lost, lost.Change);
        Assert.Equal(1, lost.Counter.LostEvents);
        Assert.False(CcTalkEventWindow.Agree(Reading(History(20)), Reading([]), Depth));
    }

    [Fact]
    public void The_counter_wraps_from_255_to_1()
    {
        var window = new CcTalkEventWindow(Depth);
        window.Accept(Reading(History(254)));

        var step = window.Classify(Reading(History(256)));

        Assert.Equal(CcTalkWindowChange.NewEvents, step.Change);
        Assert.Equal(2, step.NewEvents);
    }

    [Property(MaxTest = 300)]
    public Property A_reading_agrees_with_any_later_one_and_with_no_damaged_copy_of_itself()
    {
        var cases =
            from events in Gen.Choose(1, 600)
            from later in Gen.Choose(0, Depth)
            from position in Gen.Choose(0, Depth * 2)
            from flip in Gen.Choose(1, 255)
            select (events, later, position, flip);
        return Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var older = Reading(History(c.events));
            var newer = Reading(History(c.events + c.later));
            var damaged = (byte[])older.Clone();
            damaged[c.position] ^= (byte)c.flip;

            // A damaged copy can only pass for a real reading when its change looks like new events in front (the
            // newest pairs), which the second reading of the next poll then has to confirm.
            var damagedAgrees = CcTalkEventWindow.Agree(older, damaged, Depth);
            return CcTalkEventWindow.Agree(older, newer, Depth) && (!damagedAgrees || c.position == 0);
        });
    }

    /// <summary>Event n (1-based) of a made-up history: bill n mod 7 + 1 credited, or a status code.</summary>
    private static CcTalkBillEvent[] History(int count) =>
        [.. Enumerable.Range(1, count).Reverse().Select(n => n % 3 == 0 ? new CcTalkBillEvent(0, (byte)(n % 22)) : CcTalkBillEvent.Credit((byte)n))];

    /// <summary>What the device answers after the events (newest first) in <paramref name="newestFirst"/>.</summary>
    private static byte[] Reading(CcTalkBillEvent[] newestFirst)
    {
        var counter = (byte)0;
        for (var i = 0; i < newestFirst.Length; i++)
        {
            counter = CcTalkEventCounter.Next(counter);
        }

        var reading = new byte[1 + (2 * Depth)];
        CcTalkBufferedEvents.Write(counter, newestFirst.AsSpan(0, Math.Min(Depth, newestFirst.Length)), reading, Depth);
        return reading;
    }
}
