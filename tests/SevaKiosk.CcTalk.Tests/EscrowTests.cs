using SevaKiosk.Protocol.CcTalk;
using SevaKiosk.Simulator.Devices.Validators.CcTalk;

namespace SevaKiosk.CcTalk.Tests;

public class EscrowTests
{
    [Fact]
    public async Task Credit_appears_only_after_route_stack_and_the_stacking_time()
    {
        await using var host = new CcTalkTestHost();
        await host.StartAcceptingAsync(escrow: true);

        host.Device.Insert(500);
        Assert.Equal([CcTalkBillEvent.Escrow(6)], (await host.PollEventsAsync()).NewEvents);
        Assert.Empty((await host.PollEventsAsync()).NewEvents);

        Assert.Empty(await host.AckAsync(CcTalkHeader.RouteBill, (byte)CcTalkRouteCode.Stack));
        Assert.Equal(CcTalkCounterOutcome.NoNewEvents, (await host.PollEventsAsync()).Step.Outcome);

        host.Time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Empty((await host.PollEventsAsync()).NewEvents);
        host.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal([CcTalkBillEvent.Credit(6)], (await host.PollEventsAsync()).NewEvents);
        Assert.Equal(1, (int)host.Device.Status()["cashboxCount"]!);
    }

    [Fact]
    public async Task Route_return_gives_the_bill_back_without_credit()
    {
        await using var host = new CcTalkTestHost();
        await host.StartAcceptingAsync(escrow: true);

        host.Device.Insert(100);
        await host.PollEventsAsync();
        Assert.Empty(await host.AckAsync(CcTalkHeader.RouteBill, (byte)CcTalkRouteCode.Return));
        host.Time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal([CcTalkBillEvent.Status(CcTalkBillEventCode.BillReturnedFromEscrow)], (await host.PollEventsAsync()).NewEvents);
        Assert.Equal(0, (int)host.Device.Status()["cashboxCount"]!);
    }

    [Fact]
    public async Task The_device_returns_a_bill_itself_when_the_escrow_times_out()
    {
        await using var host = new CcTalkTestHost(new CcTalkValidatorOptions { EscrowTimeout = TimeSpan.FromSeconds(10) });
        await host.StartAcceptingAsync(escrow: true);

        host.Device.Insert(50);
        await host.PollEventsAsync();
        host.Time.Advance(TimeSpan.FromSeconds(10));
        host.Time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal([CcTalkBillEvent.Status(CcTalkBillEventCode.BillReturnedFromEscrow)], (await host.PollEventsAsync()).NewEvents);
        Assert.Equal(new byte[] { (byte)CcTalkRouteResult.EscrowEmpty }, await host.AckAsync(CcTalkHeader.RouteBill, (byte)CcTalkRouteCode.Stack));
        Assert.Contains(host.Events, e => (string?)e["event"] == "escrow_timeout");
    }

    [Fact]
    public async Task Extending_the_escrow_timeout_keeps_the_bill_for_another_full_timeout()
    {
        await using var host = new CcTalkTestHost();
        await host.StartAcceptingAsync(escrow: true);
        host.Device.Insert(200);
        await host.PollEventsAsync();

        host.Time.Advance(TimeSpan.FromSeconds(9));
        Assert.Empty(await host.AckAsync(CcTalkHeader.RouteBill, (byte)CcTalkRouteCode.ExtendEscrowTimeout));

        // Past the original 10 s and just short of the new deadline (9 s + 10 s).
        host.Time.Advance(TimeSpan.FromSeconds(9.9));
        Assert.Empty((await host.PollEventsAsync()).NewEvents);
        Assert.Equal(200m, (decimal)host.Device.Status()["escrow"]!);

        Assert.Empty(await host.AckAsync(CcTalkHeader.RouteBill, (byte)CcTalkRouteCode.Stack));
        host.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([CcTalkBillEvent.Credit(5)], (await host.PollEventsAsync()).NewEvents);
    }

    [Fact]
    public async Task Routing_with_an_empty_escrow_is_an_error_reply_not_a_nak()
    {
        await using var host = new CcTalkTestHost();
        var reply = await host.RequestAsync(CcTalkHeader.RouteBill, (byte)CcTalkRouteCode.Stack);

        Assert.True(reply.IsAck);
        Assert.True(CcTalkRouteBill.TryParseReply(reply.Data, out var result));
        Assert.Equal(CcTalkRouteResult.EscrowEmpty, result);
    }

    [Fact]
    public async Task Stacking_without_a_cash_box_fails_and_the_bill_stays_in_escrow()
    {
        await using var host = new CcTalkTestHost();
        await host.StartAcceptingAsync(escrow: true);
        host.Device.Insert(500);
        await host.PollEventsAsync();
        host.Device.Cashbox(CcTalkCashboxAction.Removed);

        Assert.Equal(new byte[] { (byte)CcTalkRouteResult.FailedToRoute }, await host.AckAsync(CcTalkHeader.RouteBill, (byte)CcTalkRouteCode.Stack));
        Assert.Equal(500m, (decimal)host.Device.Status()["escrow"]!);
    }

    [Fact]
    public async Task Without_escrow_a_valid_bill_goes_straight_to_the_cash_box_and_is_credited()
    {
        await using var host = new CcTalkTestHost();
        await host.StartAcceptingAsync(escrow: false);

        host.Device.Insert(20);
        host.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([CcTalkBillEvent.Credit(2)], (await host.PollEventsAsync()).NewEvents);
    }
}
