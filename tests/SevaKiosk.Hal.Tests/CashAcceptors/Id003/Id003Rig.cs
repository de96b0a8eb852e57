using Nerdbank.Streams;
using SevaKiosk.Hal.CashAcceptors.Id003;
using SevaKiosk.Hal.Links;
using SevaKiosk.Hal.Tests.CashAcceptors.Conformance;
using SevaKiosk.Hal.Tests.Support;
using SevaKiosk.Simulator.Devices.Validators.Id003;

namespace SevaKiosk.Hal.Tests.CashAcceptors.Id003;

/// <summary>The ID-003 driver against the simulated JCM acceptor over an in-process duplex pipe, in virtual time.</summary>
internal sealed class Id003Rig : ValidatorRig<Id003CashAcceptor, Id003SimulatedValidator>
{
    private Id003Rig(VirtualClock clock, Id003SimulatedValidator sim, Id003CashAcceptor driver, Stream deviceEnd, ListLogger<Id003CashAcceptor>? log)
        : base(clock, sim, driver, deviceEnd)
    {
        Log = log;
    }

    /// <summary>The driver's log lines (null when the rig was started without logging).</summary>
    public ListLogger<Id003CashAcceptor>? Log { get; }

    /// <summary>Simulator defaults with a fixed noise seed.</summary>
    public static Id003SimulatorOptions DeviceOptions => new() { Seed = 7 };

    public override int StackedNotes => Sim.Snapshot().StackedCount;

    public override bool InvitesNotes => !Sim.Snapshot().Inhibited;

    protected override string CreditPointEvent => "vend-valid";

    /// <param name="maxJump">Largest single step of virtual time (the clock's default is 50 ms).</param>
    /// <param name="hostLine">Wraps the driver's end of the line (to lose one of its frames, for example).</param>
    public static async Task<Id003Rig> StartAsync(
        Id003SimulatorOptions? device = null, Id003Options? driver = null, bool start = true, bool log = true, TimeSpan? maxJump = null, Func<Stream, Stream>? hostLine = null)
    {
        var clock = new VirtualClock(maxJump: maxJump).Start();
        var (host, deviceEnd) = FullDuplexStream.CreatePair();
        var sim = new Id003SimulatedValidator(device ?? DeviceOptions, clock);
        var logger = log ? new ListLogger<Id003CashAcceptor>(() => clock.Elapsed.ToString()) : null;
        var acceptor = new Id003CashAcceptor(StreamLinkFactory.Fixed(hostLine?.Invoke(host) ?? host), driver ?? new Id003Options(), clock, logger);
        var rig = new Id003Rig(clock, sim, acceptor, deviceEnd, logger);
        if (start)
        {
            await rig.StartDriverAsync();
        }

        return rig;
    }

    public override Task InsertAsync(decimal value) => InsertAsync((long)value);

    /// <summary>Inserts a note once the acceptor is enabled and its path empty (a citizen waits for the green bezel).</summary>
    public async Task InsertAsync(long value, byte? rejectCode = null)
    {
        await Eventually.Holds(() => Sim.Snapshot() is { Phase: Id003SimulatorPhase.Ready, Inhibited: false, NoteValue: null }, "acceptor enabled with an empty path");
        var result = Sim.InsertNote(value, rejectCode);
        Assert.True(result.Taken, result.Refusal);
    }

    protected override void SetSilent(bool silent) => Sim.Silence(silent);
}
