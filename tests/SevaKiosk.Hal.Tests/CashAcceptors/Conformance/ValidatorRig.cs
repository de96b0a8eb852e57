using System.Text.Json.Nodes;
using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.Tests.Support;
using SevaKiosk.Simulator.Control;

namespace SevaKiosk.Hal.Tests.CashAcceptors.Conformance;

/// <summary>
/// What every protocol's rig shares: the driver and its simulated device on the two ends of an in-process line, in
/// virtual time, the device served in the background, and the teardown in the right order.
/// </summary>
internal abstract class ValidatorRig<TDriver, TSim> : IValidatorRig
    where TDriver : ICashAcceptor
    where TSim : ISimulatedDevice
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _device;
    private readonly List<JsonObject> _deviceEvents = [];

    protected ValidatorRig(VirtualClock clock, TSim sim, TDriver driver, Stream deviceEnd)
    {
        Clock = clock;
        Sim = sim;
        Driver = driver;

        // Recorded from before the device runs, so not even its first event is missed.
        sim.EventOccurred += e =>
        {
            lock (_deviceEvents)
            {
                _deviceEvents.Add(e);
            }
        };
        _device = Task.Run(() => sim.RunAsync(deviceEnd, _stop.Token));
    }

    public VirtualClock Clock { get; }

    public TSim Sim { get; }

    public TDriver Driver { get; }

    public RecordingObserver Events { get; } = new();

    /// <summary>Every JSON event line the simulated device raised.</summary>
    public IReadOnlyList<JsonObject> DeviceEvents
    {
        get
        {
            lock (_deviceEvents)
            {
                return [.. _deviceEvents];
            }
        }
    }

    ICashAcceptor IValidatorRig.Acceptor => Driver;

    public abstract int StackedNotes { get; }

    public abstract bool InvitesNotes { get; }

    /// <summary>The simulator's event name for a note reaching the device's credit point.</summary>
    protected abstract string CreditPointEvent { get; }

    /// <summary>The device's events of one kind (<c>"event": kind</c>), in order.</summary>
    public IReadOnlyList<JsonObject> DeviceEventsOf(string kind) => [.. DeviceEvents.Where(e => (string?)e["event"] == kind)];

    public Task<ICashInTransaction> BeginAsync(ICashInHandler? handler = null, CashInRequest? request = null) =>
        Driver.BeginCashInAsync(request ?? new CashInRequest("INR"), handler ?? ScriptedHandler.AcceptAll, CancellationToken.None);

    public abstract Task InsertAsync(decimal value);

    public Func<DateTimeOffset?> SilenceAtCreditPoint()
    {
        DateTimeOffset? at = null;
        Sim.EventOccurred += e =>
        {
            if ((string?)e["event"] == CreditPointEvent && at is null)
            {
                at = Clock.GetUtcNow();
                SetSilent(true);
            }
        };
        return () => at;
    }

    public void Speak() => SetSilent(false);

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

    protected abstract void SetSilent(bool silent);

    /// <summary>Starts the driver (within 30 s real time) with <paramref name="observer"/> or <see cref="Events"/>; for a
    /// rig created without starting it, once the test has set the device up.</summary>
    public async Task StartDriverAsync(ICashAcceptorObserver? observer = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Driver.StartAsync(observer ?? Events, timeout.Token);
    }
}
