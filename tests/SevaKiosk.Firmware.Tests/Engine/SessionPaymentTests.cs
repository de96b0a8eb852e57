using SevaKiosk.Firmware.Engine;
using SevaKiosk.Firmware.Journal;
using SevaKiosk.Firmware.Tests.Engine.Support;
using SevaKiosk.Hal.Devices;
using PaymentStatus = SevaKiosk.Protocol.Mqtt.PaymentStatus;

namespace SevaKiosk.Firmware.Tests.Engine;

/// <summary>
/// Posting the payment: an outcome that is not known in time is left pending, the receipt says so, and it is resolved
/// later by querying the transaction id, never by posting it again under a new one.
/// </summary>
[Collection(VirtualTimeCollection.Name)]
public sealed class SessionPaymentTests
{
    [Fact]
    public async Task A_post_that_times_out_is_left_pending_receipted_as_pending_and_resolved_by_query_under_the_same_id()
    {
        await using var rig = await EngineRig.StartAsync();
        rig.Backend.OnPost = (_, _) => Task.FromException<PaymentOutcome>(new TimeoutException("no answer on payment/post"));
        var citizen = rig.Citizen().Inserts(500, 200, 100, 50);

        var outcome = await rig.RunAsync(citizen);

        var txId = outcome.Transaction!.TxId;
        AssertPendingAndReceipted(rig, citizen, outcome);

        // Later the status query finds it posted: resolved under the same id, posted once only.
        rig.Backend.OnQuery = (_, _) => Task.FromResult(new PaymentOutcome(PaymentStatus.Posted, "APR-7731", "posted"));
        var resolved = await rig.Recovery().ResolvePendingPaymentsAsync(CancellationToken.None);

        Assert.Equal(1, resolved);
        Assert.Equal([txId], rig.Backend.Queries);
        Assert.Equal([txId], rig.Backend.Posts.Select(p => p.TxId));
        var tx = rig.Journal.FindTransaction(txId)!;
        Assert.Equal((PaymentStatus.Posted, "APR-7731"), (tx.PaymentStatus, tx.ApprovalRef));
        Assert.Contains("PAYMENT_POSTED", rig.Events(outcome.SessionId));
        rig.AssertCounted(notes: 850, posted: 850, notPosted: 0);
        Assert.Empty(rig.Journal.TransactionsWithPaymentStatus(PaymentStatus.Pending));
    }

    [Fact]
    public async Task A_post_whose_answer_never_comes_is_cut_off_at_the_backend_deadline_and_left_pending()
    {
        await using var rig = await EngineRig.StartAsync();
        rig.Backend.OnPost = (_, ct) => ScriptedBackend.HangAsync<PaymentOutcome>(ct);
        var citizen = rig.Citizen().Inserts(500, 200, 100, 50);

        var outcome = await rig.RunAsync(citizen);

        AssertPendingAndReceipted(rig, citizen, outcome);
        Assert.True(rig.Clock.Elapsed >= rig.Options.BackendTimeout, $"only {rig.Clock.Elapsed} passed");

        // Restarted later: recovery queries it; still pending at the biller, then posted on the next query.
        var answers = new Queue<PaymentOutcome>([new(PaymentStatus.Pending, null, "biller processing"), new(PaymentStatus.Posted, "APR-0090", null)]);
        rig.Backend.OnQuery = (_, _) => Task.FromResult(answers.Dequeue());
        var report = await rig.Recovery().RecoverAsync(validatorReported: true, CancellationToken.None);
        Assert.Equal(1, report.PaymentsQueried);
        Assert.Equal(PaymentStatus.Pending, rig.Journal.FindTransaction(outcome.Transaction!.TxId)!.PaymentStatus);
        await rig.Recovery().ResolvePendingPaymentsAsync(CancellationToken.None);
        Assert.Equal(PaymentStatus.Posted, rig.Journal.FindTransaction(outcome.Transaction.TxId)!.PaymentStatus);
        Assert.Single(rig.Backend.Posts);
        Assert.All(rig.Backend.Queries, q => Assert.Equal(outcome.Transaction.TxId, q));
    }

    [Fact]
    public async Task A_post_that_never_reached_the_backend_is_posted_again_under_the_same_transaction_id()
    {
        await using var rig = await EngineRig.StartAsync();
        var posts = 0;
        rig.Backend.OnPost = (_, _) => Interlocked.Increment(ref posts) == 1
            ? Task.FromException<PaymentOutcome>(new TimeoutException("broker unreachable"))
            : Task.FromResult(rig.Backend.Approve());
        rig.Backend.OnQuery = (_, _) => Task.FromResult(new PaymentOutcome(PaymentStatus.Pending, null, "unknown key", NeverReceived: true));

        var outcome = await rig.RunAsync(rig.Citizen().Inserts(500, 200, 100, 50));
        await rig.Recovery().ResolvePendingPaymentsAsync(CancellationToken.None);

        var txId = outcome.Transaction!.TxId;
        Assert.Equal([txId, txId], rig.Backend.Posts.Select(p => p.TxId));
        Assert.All(rig.Backend.Posts, p => Assert.Equal(Money.Inr(850), p.Amount));
        Assert.Equal(PaymentStatus.Posted, rig.Journal.FindTransaction(txId)!.PaymentStatus);
        Assert.Equal(1, rig.Journal.XReport().Transactions);
    }

    [Fact]
    public async Task A_status_query_that_fails_leaves_the_payment_pending_for_the_next_query_and_does_not_stop_recovery()
    {
        await using var rig = await EngineRig.StartAsync();
        rig.Backend.OnPost = (_, _) => Task.FromException<PaymentOutcome>(new TimeoutException("no answer on payment/post"));
        var outcome = await rig.RunAsync(rig.Citizen().Inserts(500, 200, 100, 50));

        rig.Backend.OnQuery = (_, _) => Task.FromException<PaymentOutcome>(new FormatException("payment/status reply is not valid JSON"));
        var report = await rig.Recovery().RecoverAsync(validatorReported: true, CancellationToken.None);

        Assert.Equal(1, report.PaymentsQueried);
        Assert.Equal(PaymentStatus.Pending, rig.Journal.FindTransaction(outcome.Transaction!.TxId)!.PaymentStatus);
        rig.Backend.OnQuery = null;
        Assert.Equal(1, await rig.Recovery().ResolvePendingPaymentsAsync(CancellationToken.None));
        Assert.Equal(PaymentStatus.Posted, rig.Journal.FindTransaction(outcome.Transaction.TxId)!.PaymentStatus);
        Assert.Single(rig.Backend.Posts);
    }

    [Fact]
    public async Task A_biller_that_answers_pending_leaves_the_payment_pending_for_the_query()
    {
        await using var rig = await EngineRig.StartAsync();
        rig.Backend.OnPost = (_, _) => Task.FromResult(new PaymentOutcome(PaymentStatus.Pending, null, "biller processing"));

        var citizen = rig.Citizen().Inserts(500, 200, 100, 50);
        var outcome = await rig.RunAsync(citizen);

        AssertPendingAndReceipted(rig, citizen, outcome);
        Assert.Contains("PAYMENT_PENDING", rig.Events(outcome.SessionId));
    }

    [Fact]
    public async Task A_payment_the_biller_refuses_is_receipted_as_failed_and_counted_as_not_posted()
    {
        await using var rig = await EngineRig.StartAsync();
        rig.Backend.OnPost = (_, _) => Task.FromResult(new PaymentOutcome(PaymentStatus.Failed, null, "consumer account closed"));

        var citizen = rig.Citizen().Inserts(500, 200, 100, 50);
        var outcome = await rig.RunAsync(citizen);

        rig.Settled(outcome, TransactionKind.Full, posted: 850, credited: 850, excess: 0, PaymentStatus.Failed);
        Assert.Equal(PaymentStatus.Failed, Assert.Single(rig.Receipts.Sent).Transaction.PaymentStatus);
        Assert.Equal((SessionState.Completed, "payment-refused"), (outcome.State, outcome.Outcome));
        var told = citizen.Shown("payment-refused").Text;
        Assert.Contains("refused", told, StringComparison.Ordinal);
        Assert.Contains(outcome.Transaction!.ReceiptNo, told, StringComparison.Ordinal);
        rig.AssertCounted(notes: 850, posted: 0, notPosted: 850);
        Assert.Equal(0, await rig.Recovery().ResolvePendingPaymentsAsync(CancellationToken.None));
        Assert.Empty(rig.Backend.Queries);
    }

    [Fact]
    public async Task A_backend_that_breaks_while_posting_leaves_the_payment_pending_and_the_citizen_still_gets_a_receipt()
    {
        await using var rig = await EngineRig.StartAsync();
        rig.Backend.OnPost = (_, _) => Task.FromException<PaymentOutcome>(new InvalidOperationException("agent stopped"));

        var citizen = rig.Citizen().Inserts(500, 200, 100, 50);
        var outcome = await rig.RunAsync(citizen);

        AssertPendingAndReceipted(rig, citizen, outcome);
    }

    private static void AssertPendingAndReceipted(EngineRig rig, ScriptedCitizen citizen, SessionOutcome outcome)
    {
        Assert.Equal(SessionState.Completed, outcome.State);
        Assert.Equal(SessionState.Completed, rig.Journal.FindSession(outcome.SessionId)!.State);
        var tx = rig.Settled(outcome, TransactionKind.Full, posted: 850, credited: 850, excess: 0, PaymentStatus.Pending);
        Assert.Null(tx.ApprovalRef);
        Assert.Equal([tx.TxId], rig.Backend.Posts.Select(p => p.TxId));

        // What the citizen holds and sees says pending.
        var receipt = Assert.Single(rig.Receipts.Sent);
        Assert.Equal(PaymentStatus.Pending, receipt.Transaction.PaymentStatus);
        Assert.True(rig.Journal.Receipt(tx.ReceiptNo)!.Value.Printed);
        Assert.Contains("Pending", citizen.Shown("paid").Text, StringComparison.Ordinal);

        rig.AssertCounted(notes: 850, posted: 0, notPosted: 850);
    }
}
