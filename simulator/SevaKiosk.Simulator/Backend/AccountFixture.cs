using System.Text.Json;
using System.Text.Json.Serialization;
using SevaKiosk.Protocol.Mqtt;

namespace SevaKiosk.Simulator.Backend;

/// <summary>
/// The demo backend's consumer accounts: billers (service, amount rule, fee) and accounts (consumer number, name, amount
/// due, due date). <see cref="Demo"/> is the built-in set (it includes the ₹850 K-number account of the firmware demo);
/// <see cref="Load"/> reads the same JSON shape from a file.
/// </summary>
public sealed record AccountFixture(IReadOnlyList<Biller> Billers, IReadOnlyList<ConsumerAccount> Accounts)
{
    /// <summary>The K-number account the firmware demo pays (₹850, exact amount).</summary>
    public const string DemoKNumber = "210441023456";

    public static AccountFixture Demo
    {
        get
        {
            using var stream = typeof(AccountFixture).Assembly.GetManifestResourceStream("SevaKiosk.Simulator.Backend.demo-accounts.json")
                ?? throw new InvalidOperationException("The built-in demo accounts are missing from the assembly.");
            return Parse(stream, "built-in demo accounts");
        }
    }

    public static AccountFixture Load(string path)
    {
        using var stream = File.OpenRead(path);
        return Parse(stream, path);
    }

    public Biller? FindBiller(string billerId) => Billers.FirstOrDefault(b => string.Equals(b.Id, billerId, StringComparison.OrdinalIgnoreCase));

    public ConsumerAccount? Find(string billerId, string consumerNumber) =>
        Accounts.FirstOrDefault(a => string.Equals(a.BillerId, billerId, StringComparison.OrdinalIgnoreCase) && a.ConsumerNumber == consumerNumber.Trim());

    private static AccountFixture Parse(Stream stream, string source)
    {
        AccountFixture fixture;
        try
        {
            fixture = JsonSerializer.Deserialize(stream, FixtureJsonContext.Default.AccountFixture)
                ?? throw new InvalidDataException($"{source}: empty accounts file.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{source}: not a valid accounts file: {ex.Message}", ex);
        }

        foreach (var account in fixture.Accounts)
        {
            if (fixture.FindBiller(account.BillerId) is null)
            {
                throw new InvalidDataException($"{source}: account {account.ConsumerNumber} names unknown biller {account.BillerId}.");
            }
        }

        return fixture;
    }
}

/// <summary>A biller and the rule it applies to the amount paid.</summary>
public sealed record Biller(string Id, string Name, string Service, AmountRule AmountRule, decimal Fee = 0, string? ConsumerLabel = null)
{
    /// <summary>Why <paramref name="amount"/> is not acceptable against <paramref name="due"/>, or null when it is.</summary>
    public string? Refuses(decimal amount, decimal due) => AmountRule switch
    {
        _ when amount <= 0 => "the amount must be positive",
        AmountRule.Exact when amount != due => $"{Name} accepts exactly {due}",
        AmountRule.AtLeast when amount < due => $"{Name} accepts at least {due}",
        AmountRule.AtMost when amount > due => $"{Name} accepts at most {due}",
        _ => null,
    };
}

public sealed record ConsumerAccount(string BillerId, string ConsumerNumber, string Name, decimal AmountDue, DateOnly? DueDate, string? BillNumber = null);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true, RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(AccountFixture))]
internal sealed partial class FixtureJsonContext : JsonSerializerContext;
