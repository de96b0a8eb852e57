using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.CashAcceptors.CcTalk;
using SevaKiosk.Hal.Devices;
using SevaKiosk.Hal.Links;
using SevaKiosk.Hal.Tests.Support;
using SevaKiosk.Simulator.Devices.Validators.CcTalk;
using SevaKiosk.Simulator.Pty;

namespace SevaKiosk.Hal.Tests.CashAcceptors.CcTalk;

/// <summary>
/// The driver on a real serial port (System.IO.Ports, 9600 8N1) against the simulated validator on a pseudo-terminal,
/// on the real clock: what the firmware does against <c>sevakiosk-sim device validator --protocol cctalk --pty</c>.
/// </summary>
public class CcTalkPtyTests
{
    [Fact]
    public async Task Driver_on_a_serial_port_identifies_the_validator_credits_a_bill_and_returns_one()
    {
        using var pty = PseudoTerminal.Open();
        await using var sim = new CcTalkValidatorSimulator(new CcTalkValidatorOptions { TransportTime = TimeSpan.FromMilliseconds(100) });
        using var stop = new CancellationTokenSource();
        var device = Task.Run(() => sim.RunAsync(pty.Master, stop.Token));
        var observer = new RecordingObserver();
        // Real clock on a shared machine: a generous reply timeout so load never looks like a silent device.
        var options = new CcTalkOptions { PollInterval = TimeSpan.FromMilliseconds(50), ResponseTimeout = TimeSpan.FromSeconds(1), HoldRenewInterval = TimeSpan.FromMilliseconds(500) };
        await using (var driver = CcTalkCashAcceptor.OpenSerial(pty.SlavePath, options, SerialSettings.CcTalk))
        {
            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
            {
                await driver.StartAsync(observer, timeout.Token);
            }

            Assert.Equal("1234567", driver.Capabilities!.SerialNumber);
            Assert.Equal(DeviceState.Online, driver.State);

            var decisions = 0;
            var tx = await driver.BeginCashInAsync(
                new CashInRequest("INR"),
                new ScriptedHandler((_, _) => Task.FromResult(Interlocked.Increment(ref decisions) == 1 ? EscrowDecision.Accept : EscrowDecision.Return)),
                CancellationToken.None);

            await InsertWhenReadyAsync(sim, 500);
            await observer.WaitForAsync<NoteCredited>(seconds: 20);
            await InsertWhenReadyAsync(sim, 100);
            await observer.WaitForAsync<NoteReturned>(seconds: 20);
            var result = await tx.EndAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

            Assert.Equal(Money.Inr(500), result.Total);
            Assert.Equal(Money.Inr(100), Assert.Single(result.Returned).Note.Value);
            Assert.True(driver.LinkStatistics.EchoesSkipped > 0);
        }

        Assert.Equal(1, (int)sim.Status()["cashboxCount"]!);
        await stop.CancelAsync();
        await Task.WhenAny(device, Task.Delay(TimeSpan.FromSeconds(5)));
    }

    private static async Task InsertWhenReadyAsync(CcTalkValidatorSimulator sim, decimal value)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var s = sim.Status();
            if ((bool)s["accepting"]! && s["escrow"] is null && s["moving"] is null)
            {
                sim.Insert(value);
                return;
            }

            Assert.True(DateTime.UtcNow < until, "validator never became ready");
            await Task.Delay(10);
        }
    }
}
