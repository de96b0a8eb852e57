using SevaKiosk.Simulator.Devices.Validators.Ssp;

namespace SevaKiosk.Simulator.Tests.Validators.Ssp;

/// <summary>Step sequences that several tests need.</summary>
internal static class NoteFlow
{
    /// <summary>Insert, escrow, accept, credit, stack: the whole happy path with plain POLLs.</summary>
    public static async Task<string[]> StackAsync(SspSimulatorHarness sim, long value)
    {
        var channel = await sim.NoteInEscrowAsync(value);
        var seen = new List<string>(await sim.Host.PollAsync());
        var options = sim.Device.Firmware.Options;
        sim.Advance(options.CreditDelay);
        seen.AddRange(await sim.Host.PollAsync());
        sim.Advance(options.StackingTime - options.CreditDelay);
        seen.AddRange(await sim.Host.PollAsync());
        Assert.Contains($"NOTE_CREDIT({channel})", seen);
        Assert.Null(sim.Device.Status.NotePhase);
        return [.. seen];
    }
}
