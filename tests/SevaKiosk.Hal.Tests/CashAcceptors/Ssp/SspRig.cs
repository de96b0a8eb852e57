using Nerdbank.Streams;
using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.CashAcceptors.Ssp;
using SevaKiosk.Hal.Links;
using SevaKiosk.Hal.Tests.Support;
using SevaKiosk.Simulator.Devices.Validators.Ssp;

namespace SevaKiosk.Hal.Tests.CashAcceptors.Ssp;

/// <summary>The SSP driver against the simulated NV200 over an in-process duplex pipe, in virtual time.</summary>
internal sealed class SspRig : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _device;

    private SspRig(VirtualClock clock, SimulatedSspValidator sim, SspCashAcceptor driver, Stream host, Stream deviceEnd)
    {
        Clock = clock;
        Sim = sim;
        Driver = driver;
        Host = host;
        _device = Task.Run(() => sim.RunAsync(deviceEnd, _stop.Token));
    }

    public VirtualClock Clock { get; }

    public SimulatedSspValidator Sim { get; }

    public SspCashAcceptor Driver { get; }

    public Stream Host { get; }

    public RecordingObserver Events { get; } = new();

    public static async Task<SspRig> StartAsync(SspValidatorOptions? device = null, SspOptions? driver = null, bool start = true)
    {
        var clock = new VirtualClock().Start();
        var (host, deviceEnd) = FullDuplexStream.CreatePair();
        var sim = new SimulatedSspValidator(device ?? new SspValidatorOptions { Seed = 7 }, clock);
        var acceptor = new SspCashAcceptor(StreamLinkFactory.Fixed(host), driver ?? new SspOptions(), clock);
        var rig = new SspRig(clock, sim, acceptor, host, deviceEnd);
        if (start)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await acceptor.StartAsync(rig.Events, timeout.Token);
        }

        return rig;
    }

    public Task<ICashInTransaction> BeginAsync(ICashInHandler? handler = null, CashInRequest? request = null) =>
        Driver.BeginCashInAsync(request ?? new CashInRequest("INR"), handler ?? ScriptedHandler.AcceptAll, CancellationToken.None);

    /// <summary>Inserts a note once the validator is enabled and its path empty (a citizen waits for the green bezel).</summary>
    public async Task InsertAsync(long value, NoteOutcome? outcome = null)
    {
        await Eventually(() => Sim.Status is { Enabled: true, NotePhase: null, Booting: false }, "validator enabled with an empty path");
        var result = Sim.InsertNote(value, outcome ?? NoteOutcome.Genuine);
        Assert.True(result.Taken, result.Refusal);
    }

    /// <summary>Waits (real time) until <paramref name="condition"/> holds.</summary>
    public static Task Eventually(Func<bool> condition, string what, int seconds = 30) => Wait.UntilAsync(condition, what, seconds);

    public async ValueTask DisposeAsync()
    {
        await Driver.DisposeAsync();
        await _stop.CancelAsync();
        try
        {
            await _device;
        }
        catch (OperationCanceledException)
        {
            // Normal.
        }

        await Sim.DisposeAsync();
        await Clock.DisposeAsync();
        _stop.Dispose();
    }
}
