using Nerdbank.Streams;
using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.CashAcceptors.CcTalk;
using SevaKiosk.Hal.Links;
using SevaKiosk.Simulator.Devices.Validators.CcTalk;
using SevaKiosk.Tools.Trace;

namespace SevaKiosk.Tools.Tests.Trace;

/// <summary>The real driver against the simulated validator, its line tapped as a host-side logger would write it,
/// then decoded: the decoder, the driver and the simulator must agree on every byte.</summary>
public class CcTalkLiveCaptureTests
{
    [Fact]
    public async Task A_tapped_cash_in_decodes_cleanly_with_every_echo_and_the_credit_once()
    {
        var (host, device) = FullDuplexStream.CreatePair();
        var tap = new CaptureTap(host);
        await using var sim = new CcTalkValidatorSimulator(new CcTalkValidatorOptions { TransportTime = TimeSpan.FromMilliseconds(100) });
        using var stop = new CancellationTokenSource();
        var serving = Task.Run(() => sim.RunAsync(device, stop.Token));
        var credited = new TaskCompletionSource();
        await using (var driver = new CcTalkCashAcceptor(StreamLinkFactory.Fixed(tap), new CcTalkOptions { PollInterval = TimeSpan.FromMilliseconds(50), ResponseTimeout = TimeSpan.FromSeconds(2) }))
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await driver.StartAsync(new Observer(credited), timeout.Token);
            await driver.BeginCashInAsync(new CashInRequest("INR"), new AcceptEveryNote(), timeout.Token);
            while (!(bool)sim.Status()["accepting"]!)
            {
                await Task.Delay(10, timeout.Token);
            }

            sim.Insert(500);
            await credited.Task.WaitAsync(timeout.Token);
        }

        await stop.CancelAsync();
        await Task.WhenAny(serving, Task.Delay(TimeSpan.FromSeconds(5)));
        var records = TraceDecoders.Create("cctalk", new TraceDecoderOptions()).Decode(Samples.ParseHex(tap.Text)).ToList();

        Assert.All(records, r => Assert.Equal(TraceRecordKind.Frame, r.Kind));
        Assert.All(records, r => Assert.Null(r.Error));
        // Real clock: the long reply timeout keeps a loaded machine from causing retransmissions (which the decoder would
        // show as such). The driver's last poll may go out after the tap's last read.
        var sent = records.Count(r => r.Direction == TraceDirection.Host && !r.Echo);
        Assert.InRange(records.Count(r => r.Echo), sent - 1, sent);
        Assert.InRange(records.Count(r => r.Direction == TraceDirection.Device), sent - 1, sent);
        Assert.All(records.Where(r => r.Direction == TraceDirection.Device), r => Assert.NotNull(r.ReplyTo));
        Assert.Contains(records, r => r.Detail == "bill type 6: IN0500A");
        Assert.Contains(records, r => r is { Name: "ROUTE_BILL", Detail: "STACK", Echo: false });
        var credits = records.Where(r => r.Detail?.Contains("new event(s)", StringComparison.Ordinal) == true && r.Events![0].Name == "BILL_CREDIT").ToList();
        Assert.Single(credits);
    }

    private sealed class Observer(TaskCompletionSource credited) : ICashAcceptorObserver
    {
        public ValueTask OnEventAsync(CashAcceptorEvent e, CancellationToken cancellationToken)
        {
            if (e is NoteCredited)
            {
                credited.TrySetResult();
            }

            return ValueTask.CompletedTask;
        }
    }
}
