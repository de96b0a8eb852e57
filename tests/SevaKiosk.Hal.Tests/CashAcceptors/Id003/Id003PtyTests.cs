using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.CashAcceptors.Id003;
using SevaKiosk.Hal.Devices;
using SevaKiosk.Hal.Links;
using SevaKiosk.Hal.Tests.Support;
using SevaKiosk.Simulator.Devices.Validators.Id003;
using SevaKiosk.Simulator.Pty;

namespace SevaKiosk.Hal.Tests.CashAcceptors.Id003;

/// <summary>
/// The driver exactly as the firmware runs it: System.IO.Ports at 9600 8E1 on a pseudo-terminal, the simulated unit on
/// the master side, real clock. Mechanical timings are shortened so the test takes a few seconds.
/// </summary>
public class Id003PtyTests
{
    private static readonly Id003SimulatorOptions QuickUnit = new()
    {
        InitializeDuration = TimeSpan.FromMilliseconds(200),
        AcceptingDuration = TimeSpan.FromMilliseconds(150),
        StackingDuration = TimeSpan.FromMilliseconds(200),
        StackerPointAfter = TimeSpan.FromMilliseconds(80),
        StackedDuration = TimeSpan.FromMilliseconds(100),
        ReturningDuration = TimeSpan.FromMilliseconds(200),
        RejectingDuration = TimeSpan.FromMilliseconds(200),
    };

    private static readonly Id003Options QuickDriver = new()
    {
        PollInterval = TimeSpan.FromMilliseconds(50),
        InitPause = TimeSpan.FromMilliseconds(50),
        ReconnectInitialDelay = TimeSpan.FromMilliseconds(50),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
    };

    [Fact]
    public async Task Cash_in_over_a_real_serial_port_8E1_credits_once_and_survives_a_power_cycle()
    {
        using var pty = PseudoTerminal.Open();
        await using var sim = new Id003SimulatedValidator(QuickUnit);
        using var stop = new CancellationTokenSource();
        var device = Task.Run(() => sim.RunAsync(pty.Master, stop.Token));
        var events = new RecordingObserver();
        var link = new SerialPortLinkFactory(pty.SlavePath, SerialSettings.Id003);
        Assert.Equal("9600,8E1", SerialSettings.Id003.ToString());
        await using (var driver = new Id003CashAcceptor(link, QuickDriver))
        {
            using (var started = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
            {
                await driver.StartAsync(events, started.Token);
            }

            Assert.Equal([10m, 20m, 50m, 100m, 200m, 500m], driver.Capabilities!.Denominations.Select(d => d.Value.Amount));
            var tx = await driver.BeginCashInAsync(new CashInRequest("INR"), ScriptedHandler.AcceptAll, CancellationToken.None);
            await InsertAsync(sim, 500);
            await events.WaitForAsync<NoteCredited>(c => c.Note.Value == Money.Inr(500));

            sim.PowerCycle();
            await events.WaitForAsync<DeviceReset>();
            await InsertAsync(sim, 200);
            await events.WaitForAsync<NoteCredited>(c => c.Note.Value == Money.Inr(200));
            var result = await tx.EndAsync(CancellationToken.None);

            Assert.Equal(Money.Inr(700), result.Total);
            Assert.Equal(2, events.Of<NoteCredited>().Count);
            Assert.Equal(DeviceState.Online, driver.State);
        }

        Assert.Equal(2, sim.Snapshot().StackedCount);
        Assert.True(sim.Snapshot().Inhibited);
        await stop.CancelAsync();
        try
        {
            await device.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (OperationCanceledException)
        {
            // The unit stops mid-reply when cancelled.
        }
    }

    private static async Task InsertAsync(Id003SimulatedValidator sim, long value)
    {
        await Eventually.Holds(() => sim.Snapshot() is { Phase: Id003SimulatorPhase.Ready, Inhibited: false, NoteValue: null }, "acceptor enabled");
        Assert.True(sim.InsertNote(value).Taken);
    }
}
