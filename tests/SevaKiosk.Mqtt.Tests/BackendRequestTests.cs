using SevaKiosk.Firmware.Agent;
using SevaKiosk.Firmware.Agent.Backend;
using SevaKiosk.Firmware.Agent.Broker;
using SevaKiosk.Mqtt.Tests.Infrastructure;
using SevaKiosk.Protocol.Mqtt;
using SevaKiosk.Simulator.Backend;

namespace SevaKiosk.Mqtt.Tests;

/// <summary>Bill fetch and payments over MQTT 5 request/response, against the demo backend and its fault injection.</summary>
public sealed class BackendRequestTests : IAsyncLifetime
{
    private const string Machine = "kiosk-be-01";
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("sevakiosk-backend-");
    private readonly FleetKeys _fleet = new();
    private EmbeddedBroker _broker = null!;
    private DemoBackend _backend = null!;
    private KioskAgent _agent = null!;

    public async Task InitializeAsync()
    {
        _broker = await EmbeddedBroker.StartAsync();
        _backend = new DemoBackend(new DemoBackendOptions { Broker = _broker.Url, LedgerPath = Path.Combine(_data.FullName, "backend.db") });
        _backend.Start();
        _agent = new KioskAgent(TestAgents.Options(Machine, _broker.Url, _fleet.PublicPem, _data.FullName), new RecordingTarget());
        _agent.Start();
        await _backend.WaitConnectedAsync(CancellationToken.None);
        await Wait.UntilAsync(() => _agent.IsConnected, TimeSpan.FromSeconds(10), "the agent to connect");
    }

    public async Task DisposeAsync()
    {
        await _agent.DisposeAsync();
        await _backend.DisposeAsync();
        await _broker.DisposeAsync();
        _fleet.Dispose();
        _data.Delete(recursive: true);
    }

    [Fact]
    public async Task The_demo_k_number_account_owes_850_exactly()
    {
        var bill = await _agent.Backend.FetchBillAsync("electricity", "JVVNL", AccountFixture.DemoKNumber, CancellationToken.None);
        Assert.Equal(BillFetchOutcome.Found, bill.Outcome);
        Assert.Equal(850m, bill.AmountDue);
        Assert.Equal(AmountRule.Exact, bill.AmountRule);
        Assert.Equal("Ramesh Kumar Sharma", bill.ConsumerName);

        var missing = await _agent.Backend.FetchBillAsync("electricity", "JVVNL", "000000000000", CancellationToken.None);
        Assert.Equal(BillFetchOutcome.NotFound, missing.Outcome);
    }

    [Theory]
    [InlineData("JVVNL", "210441023456", 850, PaymentResult.Posted)] // exact
    [InlineData("JVVNL", "210441023456", 900, PaymentResult.Failed)]
    [InlineData("PHED", "PHED-0042-7781", 500, PaymentResult.Posted)] // at least 300
    [InlineData("PHED", "PHED-0042-7781", 200, PaymentResult.Failed)]
    [InlineData("BSNL-LL", "01412223344", 100, PaymentResult.Posted)] // at most 499
    [InlineData("BSNL-LL", "01412223344", 500, PaymentResult.Failed)]
    [InlineData("AIRTEL-POSTPAID", "9829012345", 1, PaymentResult.Posted)] // any
    public async Task Payments_follow_the_billers_amount_rule(string biller, string consumer, int amount, PaymentResult expected)
    {
        var answer = await _agent.Backend.SettlePaymentAsync(Post(Guid.NewGuid().ToString(), biller, consumer, amount), CancellationToken.None);
        Assert.Equal(expected, answer.Result);
    }

    [Fact]
    public async Task Posting_the_same_key_twice_pays_once()
    {
        var request = Post("tx-dup-1", "JVVNL", AccountFixture.DemoKNumber, 850);
        var first = await _agent.Backend.PostPaymentAsync(request, CancellationToken.None);
        var second = await _agent.Backend.PostPaymentAsync(request, CancellationToken.None);
        Assert.Equal(first.PaymentReference, second.PaymentReference);
        Assert.Equal(2, _backend.Ledger.FindPayment("tx-dup-1")!.Posts);
    }

    [Fact]
    public async Task A_payment_whose_answer_is_lost_is_queried_by_its_key_and_never_posted_under_another()
    {
        var request = Post("tx-lost-1", "JVVNL", AccountFixture.DemoKNumber, 850);
        _backend.Behaviour = new BackendBehaviour(Delay: TimeSpan.FromSeconds(3)); // beyond the 2 s request deadline
        await Assert.ThrowsAsync<BackendTimeoutException>(() => _agent.Backend.PostPaymentAsync(request, CancellationToken.None));

        _backend.Behaviour = BackendBehaviour.Normal;
        await Wait.UntilAsync(() => _backend.Ledger.FindPayment("tx-lost-1") is not null, TimeSpan.FromSeconds(5), "the slow post to land");
        var resolved = await _agent.Backend.ResolvePaymentAsync(request, CancellationToken.None);
        Assert.Equal(PaymentResult.Posted, resolved.Result);
        Assert.Equal(1, _backend.Ledger.FindPayment("tx-lost-1")!.Posts);
    }

    [Fact]
    public async Task A_post_that_never_arrived_is_posted_again_under_the_same_key_once_the_backend_is_back()
    {
        var request = Post("tx-down-1", "JVVNL", AccountFixture.DemoKNumber, 850);
        _backend.Behaviour = new BackendBehaviour(Down: true);
        var settling = _agent.Backend.SettlePaymentAsync(request, CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Null(_backend.Ledger.FindPayment("tx-down-1"));

        _backend.Behaviour = BackendBehaviour.Normal;
        var answer = await settling;
        Assert.Equal(PaymentResult.Posted, answer.Result);
        Assert.Equal("tx-down-1", answer.IdempotencyKey);
        Assert.Equal(1, _backend.Ledger.FindPayment("tx-down-1")!.Posts);
    }

    [Fact]
    public async Task A_pending_payment_stays_pending_until_the_biller_answers()
    {
        var request = Post("tx-pend-1", "JVVNL", AccountFixture.DemoKNumber, 850);
        _backend.Behaviour = new BackendBehaviour(AnswerPending: true);
        Assert.Equal(PaymentResult.Pending, (await _agent.Backend.SettlePaymentAsync(request, CancellationToken.None)).Result);
        Assert.Equal(PaymentResult.Pending, (await _agent.Backend.QueryPaymentAsync("tx-pend-1", CancellationToken.None)).Result);

        _backend.Behaviour = BackendBehaviour.Normal;
        var later = await _agent.Backend.QueryPaymentAsync("tx-pend-1", CancellationToken.None);
        Assert.Equal(PaymentResult.Posted, later.Result);
        Assert.NotNull(later.PaymentReference);
        Assert.Equal(1, _backend.Ledger.FindPayment("tx-pend-1")!.Posts);
    }

    private static PaymentPostRequest Post(string key, string biller, string consumer, decimal amount) => new()
    {
        RequestId = string.Empty,
        IdempotencyKey = key,
        MachineId = Machine,
        BillerId = biller,
        ConsumerNumber = consumer,
        Amount = amount,
    };
}
