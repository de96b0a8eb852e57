using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.CashAcceptors.Ssp;
using SevaKiosk.Hal.Devices;
using SevaKiosk.Hal.Tests.Support;
using SevaKiosk.Simulator.Devices.Validators.Ssp;
using SevaKiosk.Simulator.Pty;

namespace SevaKiosk.Hal.Tests.CashAcceptors.Ssp;

/// <summary>
/// The driver opening a real serial port by path (System.IO.Ports on a Linux pseudo-terminal, 8N2) against the
/// simulated NV200 on the pty master, on the real clock: exactly what the firmware does in production.
/// </summary>
public class SspPtyTests
{
    [Fact]
    public async Task Driver_on_a_pseudo_terminal_identifies_the_device_and_credits_a_note()
    {
        using var pty = PseudoTerminal.Open();
        await using var sim = new SimulatedSspValidator(new SspValidatorOptions
        {
            ReadingTime = TimeSpan.FromMilliseconds(100),
            CreditDelay = TimeSpan.FromMilliseconds(80),
            StackingTime = TimeSpan.FromMilliseconds(160),
            BootTime = TimeSpan.FromMilliseconds(50),
        });
        using var stop = new CancellationTokenSource();
        var device = Task.Run(() => sim.RunAsync(pty.Master, stop.Token));
        var events = new RecordingObserver();
        await using var driver = SspCashAcceptor.OpenSerial(pty.SlavePath, new SspOptions { PollInterval = TimeSpan.FromMilliseconds(50) });

        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            await driver.StartAsync(events, timeout.Token);
        }

        Assert.Equal("0012345678", driver.Capabilities!.SerialNumber);
        var tx = await driver.BeginCashInAsync(new CashInRequest("INR"), ScriptedHandler.AcceptAll, CancellationToken.None);
        await Eventually.Holds(() => sim.Status is { Enabled: true, NotePhase: null }, "enabled");
        Assert.True(sim.InsertNote(100).Taken);

        var credit = await events.WaitForAsync<NoteCredited>();
        var result = await tx.EndAsync(CancellationToken.None);

        Assert.Equal(Money.Inr(100), credit.Note.Value);
        Assert.Equal(Money.Inr(100), result.Total);
        await stop.CancelAsync();
    }
}
