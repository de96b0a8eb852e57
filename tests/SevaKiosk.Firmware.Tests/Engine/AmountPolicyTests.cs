using FsCheck;
using FsCheck.Fluent;
using SevaKiosk.Firmware.Engine;
using SevaKiosk.Firmware.Journal;
using SevaKiosk.Hal.Devices;

namespace SevaKiosk.Firmware.Tests.Engine;

public class AmountPolicyTests
{
    private static readonly decimal[] Notes = [10, 20, 50, 100, 200, 500, 2000];

    private static AmountPolicy Policy(decimal due, AmountRule rule, ExcessPolicy excess = ExcessPolicy.ReturnNote, decimal fee = 0) =>
        new(Money.Inr(due), Money.Inr(fee), rule, excess);

    [Fact]
    public void Exact_850_takes_500_200_100_50_and_returns_the_2000()
    {
        var policy = Policy(850, AmountRule.Exact);
        var credited = Money.Inr(0);
        Assert.False(policy.Evaluate(credited, Money.Inr(2000)).Accept);
        foreach (var note in new[] { 500m, 200m, 100m, 50m })
        {
            Assert.True(policy.Evaluate(credited, Money.Inr(note)).Accept);
            credited += Money.Inr(note);
        }

        Assert.True(policy.IsFullyPaid(credited));
        Assert.Equal(new Settlement(TransactionKind.Full, Money.Inr(850), Money.Inr(0)), policy.Settle(credited));
    }

    [Fact]
    public void Returned_note_message_says_the_machine_gives_no_change()
    {
        var verdict = Policy(850, AmountRule.Exact).Evaluate(Money.Inr(800), Money.Inr(100));
        Assert.False(verdict.Accept);
        Assert.Contains("no change", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Voucher_policy_takes_the_overshooting_note_and_settles_the_excess_as_a_voucher()
    {
        var policy = Policy(850, AmountRule.Exact, ExcessPolicy.Voucher);
        Assert.True(policy.Evaluate(Money.Inr(800), Money.Inr(100)).Accept);
        Assert.Equal(new Settlement(TransactionKind.Full, Money.Inr(850), Money.Inr(50)), policy.Settle(Money.Inr(900)));
    }

    [Fact]
    public void Exact_bill_paid_in_part_becomes_a_voucher_because_the_biller_takes_no_part_payment() =>
        Assert.Equal(new Settlement(TransactionKind.Voucher, Money.Inr(0), Money.Inr(300)), Policy(850, AmountRule.Exact).Settle(Money.Inr(300)));

    [Fact]
    public void At_most_bill_paid_in_part_is_a_partial_payment() =>
        Assert.Equal(new Settlement(TransactionKind.Partial, Money.Inr(300), Money.Inr(0)), Policy(850, AmountRule.AtMost).Settle(Money.Inr(300)));

    [Fact]
    public void At_least_takes_overpayment_and_posts_all_of_it() =>
        Assert.Equal(new Settlement(TransactionKind.Full, Money.Inr(1000), Money.Inr(0)), Policy(850, AmountRule.AtLeast).Settle(Money.Inr(1000)));

    [Fact]
    public void Fee_is_part_of_the_total_and_not_posted_to_the_biller() =>
        Assert.Equal(new Settlement(TransactionKind.Full, Money.Inr(850), Money.Inr(0)), Policy(850, AmountRule.Exact, fee: 10).Settle(Money.Inr(860)));

    [Fact]
    public void Accepted_notes_never_settle_to_more_or_less_money_than_was_credited()
    {
        // Whatever notes arrive, posted + fee (when posted) + excess accounts for every rupee credited, and the
        // ceiling is never exceeded when excess is returned.
        Prop.ForAll(
            Gen.Choose(1, 5000).ToArbitrary(),
            Gen.Elements(AmountRule.Exact, AmountRule.AtLeast, AmountRule.AtMost, AmountRule.Any).ToArbitrary(),
            Gen.ListOf(Gen.Elements(Notes)).ToArbitrary(),
            (due, rule, inserted) =>
            {
                var policy = Policy(due, rule);
                var credited = Money.Inr(0);
                foreach (var note in inserted)
                {
                    if (policy.Evaluate(credited, Money.Inr(note)).Accept)
                    {
                        credited += Money.Inr(note);
                    }
                }

                var s = policy.Settle(credited);
                var accounted = s.Posted + (s.Posted.Amount > 0 ? policy.Fee : Money.Inr(0)) + s.Excess;
                var withinCeiling = policy.Ceiling is not { } c || credited <= c;
                return accounted == credited && withinCeiling;
            }).QuickCheckThrowOnFailure();
    }
}
