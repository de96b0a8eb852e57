using Nerdbank.Streams;
using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.CashAcceptors.Ssp;
using SevaKiosk.Hal.Links;
using SevaKiosk.Hal.Tests.Support;
using SevaKiosk.Simulator.Devices.Validators.Ssp;

namespace SevaKiosk.Hal.Tests.CashAcceptors.Ssp;

/// <summary>
/// The firmware died (SIGKILL, watchdog) while the validator, on its own supply, held a note in escrow; a new driver
/// instance starts against the same device. SSP would take the note on the next POLL, which nobody decided: the new
/// driver must see it handed back and say so in a way the journal can match to the note it still has in escrow.
/// The crash tests (tests/SevaKiosk.Crash.Tests) found this with the real processes.
/// </summary>
[Collection(VirtualTimeCollection.Name)]
public class SspRestartTests
{
    [Theory]
    [InlineData(false)] // back within the 10 s escrow timeout: the start-up DISABLE hands the note back
    [InlineData(true)] // back after it: the device already handed it back on its own (0x13)
    public async Task A_note_held_in_escrow_for_a_host_that_died_is_returned_and_reported_as_cleared_from_the_front(bool afterEscrowTimeout)
    {
        await using var clock = new VirtualClock().Start();
        await using var sim = new SimulatedSspValidator(new SspValidatorOptions { Seed = 7 }, clock);

        // First life: a note reaches escrow and the host is gone before it decides.
        var (host1, device1) = FullDuplexStream.CreatePair();
        using var cut = new CancellationTokenSource();
        var serving1 = Task.Run(() => sim.RunAsync(device1, cut.Token));
        var first = new SspCashAcceptor(StreamLinkFactory.Fixed(host1), new SspOptions(), clock);
        var escrowed = new TaskCompletionSource();
        await StartAsync(first, new RecordingObserver());
        await first.BeginCashInAsync(new CashInRequest("INR"), new ScriptedHandler(async (_, ct) =>
        {
            escrowed.TrySetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, clock, ct);
            return EscrowDecision.Accept;
        }), CancellationToken.None);
        await Eventually.Holds(() => sim.Status is { Enabled: true, NotePhase: null, Booting: false }, "validator enabled");
        Assert.True(sim.InsertNote(500).Taken);
        await escrowed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await cut.CancelAsync();
        await serving1;
        if (afterEscrowTimeout)
        {
            await Eventually.Holds(() => sim.Status.NotePhase is null, "the device returns the unattended note");
        }

        // Second life: a fresh driver on the same device.
        var (host2, device2) = FullDuplexStream.CreatePair();
        using var stop = new CancellationTokenSource();
        var serving2 = Task.Run(() => sim.RunAsync(device2, stop.Token));
        var events = new RecordingObserver();
        await using (var second = new SspCashAcceptor(StreamLinkFactory.Fixed(host2), new SspOptions(), clock))
        {
            await StartAsync(second, events);
            var cleared = await events.WaitForAsync<NoteClearedAtPowerUp>();
            await Eventually.Holds(() => sim.Status.NotePhase is null, "the note is out of the path");
            await Task.Delay(TimeSpan.FromSeconds(1), clock);

            Assert.False(cleared.IntoCashbox);
            Assert.Empty(events.Of<NoteCredited>());
            Assert.Empty(events.Of<NoteRejected>());
            Assert.Equal(0u, sim.Status.Counters.Stacked);
        }

        await stop.CancelAsync();
        await serving2;
        await first.DisposeAsync();
    }

    private static async Task StartAsync(SspCashAcceptor driver, ICashAcceptorObserver observer)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await driver.StartAsync(observer, timeout.Token);
    }
}
