using System.Text.Json.Nodes;
using Nerdbank.Streams;
using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.CashAcceptors.Id003;
using SevaKiosk.Hal.Links;
using SevaKiosk.Hal.Tests.Support;
using SevaKiosk.Simulator.Devices.Validators.Id003;

namespace SevaKiosk.Hal.Tests.CashAcceptors.Id003;

/// <summary>The ID-003 driver against the simulated JCM acceptor over an in-process duplex pipe, in virtual time.</summary>
internal sealed class Id003Rig : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _device;
    private readonly List<JsonObject> _simEvents = [];

    private Id003Rig(VirtualClock clock, Id003SimulatedValidator sim, Id003CashAcceptor driver, Stream deviceEnd, ListLogger<Id003CashAcceptor>? log)
    {
        Clock = clock;
        Sim = sim;
        Driver = driver;
        Log = log;
        sim.EventOccurred += e =>
        {
            lock (_simEvents)
            {
                _simEvents.Add(e);
            }
        };
        _device = Task.Run(() => sim.RunAsync(deviceEnd, _stop.Token));
    }

    public VirtualClock Clock { get; }

    public Id003SimulatedValidator Sim { get; }

    public Id003CashAcceptor Driver { get; }

    /// <summary>The driver's log lines (null when the rig was started without logging).</summary>
    public ListLogger<Id003CashAcceptor>? Log { get; }

    public RecordingObserver Events { get; } = new();

    /// <summary>Simulator defaults with a fixed noise seed.</summary>
    public static Id003SimulatorOptions DeviceOptions => new() { Seed = 7 };

    /// <param name="maxJump">Largest single step of virtual time (the clock's default is 50 ms).</param>
    public static async Task<Id003Rig> StartAsync(Id003SimulatorOptions? device = null, Id003Options? driver = null, bool start = true, bool log = true, TimeSpan? maxJump = null)
    {
        var clock = new VirtualClock(maxJump: maxJump).Start();
        var (host, deviceEnd) = FullDuplexStream.CreatePair();
        var sim = new Id003SimulatedValidator(device ?? DeviceOptions, clock);
        var logger = log ? new ListLogger<Id003CashAcceptor>(() => clock.Elapsed.ToString()) : null;
        var acceptor = new Id003CashAcceptor(StreamLinkFactory.Fixed(host), driver ?? new Id003Options(), clock, logger);
        var rig = new Id003Rig(clock, sim, acceptor, deviceEnd, logger);
        if (start)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await acceptor.StartAsync(rig.Events, timeout.Token);
        }

        return rig;
    }

    public IReadOnlyList<JsonObject> SimEvents(string kind)
    {
        lock (_simEvents)
        {
            return _simEvents.Where(e => (string?)e["event"] == kind).ToArray();
        }
    }

    public Task<ICashInTransaction> BeginAsync(ICashInHandler? handler = null, CashInRequest? request = null) =>
        Driver.BeginCashInAsync(request ?? new CashInRequest("INR"), handler ?? ScriptedHandler.AcceptAll, CancellationToken.None);

    /// <summary>Inserts a note once the acceptor is enabled and its path empty (a citizen waits for the green bezel).</summary>
    public async Task InsertAsync(long value, byte? rejectCode = null)
    {
        await Eventually.Holds(() => Sim.Snapshot() is { Phase: Id003SimulatorPhase.Ready, Inhibited: false, NoteValue: null }, "acceptor enabled with an empty path");
        var result = Sim.InsertNote(value, rejectCode);
        Assert.True(result.Taken, result.Refusal);
    }

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
