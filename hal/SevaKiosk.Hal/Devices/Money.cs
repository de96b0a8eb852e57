using System.Globalization;

namespace SevaKiosk.Hal.Devices;

/// <summary>An amount in one currency. Notes are whole units, but bills and fees are not, so this is decimal.</summary>
public readonly record struct Money(decimal Amount, string Currency) : IComparable<Money>
{
    public static Money Zero(string currency) => new(0m, currency);

    public static Money Inr(decimal amount) => new(amount, "INR");

    public static Money operator +(Money a, Money b)
    {
        RequireSameCurrency(a, b);
        return new Money(a.Amount + b.Amount, a.Currency);
    }

    public static Money operator -(Money a, Money b)
    {
        RequireSameCurrency(a, b);
        return new Money(a.Amount - b.Amount, a.Currency);
    }

    public static bool operator <(Money a, Money b) => a.CompareTo(b) < 0;

    public static bool operator >(Money a, Money b) => a.CompareTo(b) > 0;

    public static bool operator <=(Money a, Money b) => a.CompareTo(b) <= 0;

    public static bool operator >=(Money a, Money b) => a.CompareTo(b) >= 0;

    public int CompareTo(Money other)
    {
        RequireSameCurrency(this, other);
        return Amount.CompareTo(other.Amount);
    }

    public Money Add(Money other) => this + other;

    public Money Subtract(Money other) => this - other;

    public override string ToString() => Currency == "INR"
        ? "₹" + Amount.ToString("0.##", CultureInfo.InvariantCulture)
        : Amount.ToString("0.##", CultureInfo.InvariantCulture) + " " + Currency;

    private static void RequireSameCurrency(Money a, Money b)
    {
        if (!string.Equals(a.Currency, b.Currency, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Cannot combine {a.Currency} and {b.Currency}.");
        }
    }
}
