using System.Collections.Concurrent;
using SevaKiosk.Firmware.Engine;
using SevaKiosk.Firmware.Journal;
using SevaKiosk.Hal.Devices;
using PaymentStatus = SevaKiosk.Protocol.Mqtt.PaymentStatus;

namespace SevaKiosk.Firmware.Tests.Engine.Support;

/// <summary>
/// The biller side of <see cref="IBillingBackend"/> as a script: which consumers exist, and what a fetch, a post and a
/// status query do (answer, time out, hang until the engine's deadline, fail). Records every call so a test can check
/// that a payment was posted once and queried under the same idempotency key.
/// </summary>
internal sealed class ScriptedBackend : IBillingBackend
{
    public const string Consumer = "210441023456";
    private readonly ConcurrentDictionary<string, BillDetails> _bills = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<JournalTransaction> _posts = new();
    private readonly ConcurrentQueue<string> _queries = new();
    private readonly ConcurrentQueue<string> _fetches = new();
    private int _approvals;

    public ScriptedBackend(BillDetails? bill = null)
    {
        Add(bill ?? Bill(850m));
    }

    /// <summary>What a bill fetch does; null answers from the known bills.</summary>
    public Func<CancellationToken, Task<BillDetails?>>? OnFetch { get; set; }

    /// <summary>What a payment post does; the default posts it with a fresh approval reference.</summary>
    public Func<JournalTransaction, CancellationToken, Task<PaymentOutcome>>? OnPost { get; set; }

    /// <summary>What a status query does; the default says the payment was posted.</summary>
    public Func<string, CancellationToken, Task<PaymentOutcome>>? OnQuery { get; set; }

    public IReadOnlyList<JournalTransaction> Posts => [.. _posts];

    public IReadOnlyList<string> Queries => [.. _queries];

    public IReadOnlyList<string> Fetches => [.. _fetches];

    public static BillDetails Bill(decimal due, AmountRule rule = AmountRule.Exact, decimal fee = 0m, string consumer = Consumer) => new(
        "electricity", "JVVNL", "Jaipur Vidyut Vitran Nigam", consumer, "Ramesh Kumar", "JV-2611-0042", new DateOnly(2026, 12, 10),
        Money.Inr(due), rule, Money.Inr(fee));

    public void Add(BillDetails bill) => _bills[bill.ConsumerNumber] = bill;

    /// <summary>Answers like a backend whose reply never comes: waits until the engine's deadline cancels it.</summary>
    public static async Task<T> HangAsync<T>(CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        throw new InvalidOperationException("unreachable");
    }

    public PaymentOutcome Approve() => new(PaymentStatus.Posted, $"APR-{Interlocked.Increment(ref _approvals):D4}", "posted");

    public Task<BillDetails?> FetchBillAsync(string service, string billerId, string consumerNumber, CancellationToken cancellationToken)
    {
        _fetches.Enqueue(consumerNumber);
        return OnFetch is { } fetch
            ? fetch(cancellationToken)
            : Task.FromResult(_bills.TryGetValue(consumerNumber, out var bill) && bill.Service == service ? bill : null);
    }

    public Task<PaymentOutcome> PostPaymentAsync(JournalTransaction transaction, CancellationToken cancellationToken)
    {
        _posts.Enqueue(transaction);
        return OnPost is { } post ? post(transaction, cancellationToken) : Task.FromResult(Approve());
    }

    public Task<PaymentOutcome> QueryPaymentAsync(string txId, CancellationToken cancellationToken)
    {
        _queries.Enqueue(txId);
        return OnQuery is { } query ? query(txId, cancellationToken) : Task.FromResult(Approve());
    }
}
