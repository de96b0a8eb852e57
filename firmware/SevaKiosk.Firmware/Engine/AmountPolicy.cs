using SevaKiosk.Firmware.Journal;
using SevaKiosk.Hal.Devices;

namespace SevaKiosk.Firmware.Engine;

/// <summary>What to do with money beyond what the biller's rule lets us post. The machine gives no change.</summary>
public enum ExcessPolicy
{
    /// <summary>Return the note that would overshoot (the default: nobody leaves with less than they put in).</summary>
    ReturnNote,

    /// <summary>Take it and print the excess as a credit voucher on the receipt.</summary>
    Voucher,
}

/// <summary>The verdict on one note in escrow.</summary>
public sealed record NoteVerdict(bool Accept, string? Reason);

/// <summary>How the session's money settles once cash-in is over.</summary>
public sealed record Settlement(TransactionKind Kind, Money Posted, Money Excess);

/// <summary>
/// The biller's amount rule applied to cash: which notes may be taken, when the citizen has paid enough, and how the
/// credited money settles (full payment, partial payment, or a voucher for money that cannot be posted). Pure.
/// </summary>
public sealed record AmountPolicy(Money Due, Money Fee, AmountRule Rule, ExcessPolicy Excess)
{
    /// <summary>What the citizen owes in full: the bill plus the kiosk fee.</summary>
    public Money Total => Due + Fee;

    /// <summary>The most that may be posted, or null when the rule sets no ceiling.</summary>
    public Money? Ceiling => Rule is AmountRule.Exact or AmountRule.AtMost ? Total : null;

    /// <summary>Can the biller take less than the full amount?</summary>
    public bool AllowsPartial => Rule is AmountRule.AtMost or AmountRule.Any;

    public NoteVerdict Evaluate(Money creditedSoFar, Money note)
    {
        if (!string.Equals(note.Currency, Total.Currency, StringComparison.Ordinal))
        {
            return new NoteVerdict(false, $"only {Total.Currency} notes are taken");
        }

        if (Ceiling is { } ceiling && creditedSoFar + note > ceiling)
        {
            if (Excess == ExcessPolicy.Voucher && creditedSoFar < ceiling)
            {
                return new NoteVerdict(true, $"{creditedSoFar + note - ceiling} above the bill will be given as a credit voucher");
            }

            return new NoteVerdict(false, $"{note} would take the payment to {creditedSoFar + note}, more than the {ceiling} due; this machine gives no change");
        }

        return new NoteVerdict(true, null);
    }

    /// <summary>True when cash-in can end on its own: the exact amount (or more, with a voucher) is in.</summary>
    public bool IsFullyPaid(Money credited) => Rule is AmountRule.Exact or AmountRule.AtLeast ? credited >= Total : Ceiling is { } c && credited >= c;

    /// <summary>How <paramref name="credited"/> settles.</summary>
    public Settlement Settle(Money credited)
    {
        var zero = Money.Zero(Total.Currency);
        if (credited <= zero)
        {
            return new Settlement(TransactionKind.Voucher, zero, zero);
        }

        if (credited >= Total)
        {
            var posted = Ceiling is { } ceiling ? ceiling - Fee : credited - Fee;
            var excess = Ceiling is { } c2 ? credited - c2 : zero;
            return posted > zero
                ? new Settlement(TransactionKind.Full, posted, excess)
                : new Settlement(TransactionKind.Voucher, zero, credited);
        }

        if (AllowsPartial && credited > Fee)
        {
            return new Settlement(TransactionKind.Partial, credited - Fee, zero);
        }

        // The biller cannot take part of the bill: nothing is posted, all of it becomes a voucher.
        return new Settlement(TransactionKind.Voucher, zero, credited);
    }
}
