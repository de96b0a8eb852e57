using Nerdbank.Streams;
using SevaKiosk.Hal.CashAcceptors.Ssp;
using SevaKiosk.Hal.Links;
using SevaKiosk.Hal.Tests.CashAcceptors.Conformance;
using SevaKiosk.Hal.Tests.Support;
using SevaKiosk.Simulator.Devices.Validators.Ssp;

namespace SevaKiosk.Hal.Tests.CashAcceptors.Ssp;

/// <summary>The SSP driver against the simulated NV200 over an in-process duplex pipe, in virtual time.</summary>
internal sealed class SspRig : ValidatorRig<SspCashAcceptor, SimulatedSspValidator>
{
    private SspRig(VirtualClock clock, SimulatedSspValidator sim, SspCashAcceptor driver, Stream deviceEnd)
        : base(clock, sim, driver, deviceEnd)
    {
    }

    public override int StackedNotes => (int)Sim.Status.Counters.Stacked;

    public override bool InvitesNotes => Sim.Status.Enabled;

    protected override string CreditPointEvent => "note-credited";

    public static async Task<SspRig> StartAsync(SspValidatorOptions? device = null, SspOptions? driver = null, bool start = true)
    {
        var clock = new VirtualClock().Start();
        var (host, deviceEnd) = FullDuplexStream.CreatePair();
        var sim = new SimulatedSspValidator(device ?? new SspValidatorOptions { Seed = 7 }, clock);
        var acceptor = new SspCashAcceptor(StreamLinkFactory.Fixed(host), driver ?? new SspOptions(), clock);
        var rig = new SspRig(clock, sim, acceptor, deviceEnd);
        if (start)
        {
            await rig.StartDriverAsync();
        }

        return rig;
    }

    public override Task InsertAsync(decimal value) => InsertAsync((long)value);

    /// <summary>Inserts a note once the validator is enabled and its path empty (a citizen waits for the green bezel).</summary>
    public async Task InsertAsync(long value, NoteOutcome? outcome = null)
    {
        await Eventually.Holds(() => Sim.Status is { Enabled: true, NotePhase: null, Booting: false }, "validator enabled with an empty path");
        var result = Sim.InsertNote(value, outcome ?? NoteOutcome.Genuine);
        Assert.True(result.Taken, result.Refusal);
    }

    protected override void SetSilent(bool silent) => Sim.Silence(silent);
}
