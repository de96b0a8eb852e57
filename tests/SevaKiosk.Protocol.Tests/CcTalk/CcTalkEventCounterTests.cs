using FsCheck;
using FsCheck.Fluent;
using SevaKiosk.Protocol.CcTalk;

namespace SevaKiosk.Protocol.Tests.CcTalk;

public class CcTalkEventCounterTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(254, 255)]
    [InlineData(255, 1)]
    public void Counter_counts_one_to_255_and_wraps_to_one_never_zero(byte counter, byte next) =>
        Assert.Equal(next, CcTalkEventCounter.Next(counter));

    [Theory]
    [InlineData(0, 3, CcTalkCounterOutcome.NewEvents, 3, 0)]
    [InlineData(7, 7, CcTalkCounterOutcome.NoNewEvents, 0, 0)]
    [InlineData(7, 9, CcTalkCounterOutcome.NewEvents, 2, 0)]
    [InlineData(254, 2, CcTalkCounterOutcome.NewEvents, 3, 0)]
    [InlineData(255, 1, CcTalkCounterOutcome.NewEvents, 1, 0)]
    [InlineData(253, 3, CcTalkCounterOutcome.NewEvents, 5, 0)]
    [InlineData(253, 4, CcTalkCounterOutcome.EventsLost, 5, 1)]
    [InlineData(10, 17, CcTalkCounterOutcome.EventsLost, 5, 2)]
    [InlineData(0, 7, CcTalkCounterOutcome.EventsLost, 5, 2)]
    [InlineData(42, 0, CcTalkCounterOutcome.DeviceReset, 0, 0)]
    [InlineData(0, 0, CcTalkCounterOutcome.NoNewEvents, 0, 0)]
    public void Compare_tells_new_lost_and_reset(byte previous, byte current, CcTalkCounterOutcome outcome, int fresh, int lost)
    {
        var step = CcTalkEventCounter.Compare(previous, current);
        Assert.Equal(outcome, step.Outcome);
        Assert.Equal(fresh, step.NewEvents);
        Assert.Equal(lost, step.LostEvents);
    }

    [Fact]
    public void A_reset_followed_by_events_before_the_next_read_is_a_fault_not_a_guess()
    {
        // 37 → (reset) 0 → 1 → 2 looks like 220 events: the safe reading is "events lost".
        Assert.Equal(CcTalkCounterOutcome.EventsLost, CcTalkEventCounter.Compare(37, 2).Outcome);
    }

    [Fact]
    public void Buffer_depth_is_configurable()
    {
        Assert.Equal(CcTalkCounterOutcome.NewEvents, CcTalkEventCounter.Compare(10, 17, bufferDepth: 8).Outcome);
        Assert.Equal(CcTalkCounterOutcome.EventsLost, CcTalkEventCounter.Compare(10, 13, bufferDepth: 2).Outcome);
    }

    [Fact]
    public void Counting_n_events_from_any_counter_gives_distance_n_for_n_up_to_254()
    {
        Prop.ForAll(
            Gen.Choose(0, 255).ToArbitrary(),
            Gen.Choose(1, 254).ToArbitrary(),
            (start, n) =>
            {
                var counter = (byte)start;
                for (var i = 0; i < n; i++)
                {
                    counter = CcTalkEventCounter.Next(counter);
                }

                var step = CcTalkEventCounter.Compare((byte)start, counter);
                return counter != 0 && CcTalkEventCounter.Distance((byte)start, counter) == n
                    && step.Outcome == (n <= 5 ? CcTalkCounterOutcome.NewEvents : CcTalkCounterOutcome.EventsLost)
                    && step.NewEvents + step.LostEvents == n;
            }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Tracker_reports_first_reading_then_compares_with_the_last_counter()
    {
        var tracker = new CcTalkEventCounterTracker(bufferDepth: 5);
        Assert.Equal(CcTalkCounterOutcome.FirstReading, tracker.Observe(12).Outcome);
        Assert.Equal(CcTalkCounterOutcome.NewEvents, tracker.Observe(13).Outcome);
        Assert.Equal(CcTalkCounterOutcome.NoNewEvents, tracker.Observe(13).Outcome);
        Assert.Equal(CcTalkCounterOutcome.DeviceReset, tracker.Observe(0).Outcome);
        Assert.Equal(CcTalkCounterOutcome.NewEvents, tracker.Observe(1).Outcome);

        tracker.Forget();
        Assert.False(tracker.HasReading);
        Assert.Equal(CcTalkCounterOutcome.FirstReading, tracker.Observe(200).Outcome);
    }
}
