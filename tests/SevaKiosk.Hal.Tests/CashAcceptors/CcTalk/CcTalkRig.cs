using System.Text.Json.Nodes;
using Nerdbank.Streams;
using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.CashAcceptors.CcTalk;
using SevaKiosk.Hal.Links;
using SevaKiosk.Hal.Tests.CashAcceptors.Conformance;
using SevaKiosk.Hal.Tests.Support;
using SevaKiosk.Simulator.Devices.Validators.CcTalk;

namespace SevaKiosk.Hal.Tests.CashAcceptors.CcTalk;

/// <summary>The ccTalk driver against the simulated bill validator over an in-process duplex pipe, in virtual time.</summary>
internal sealed class CcTalkRig : IValidatorRig
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _device;
    private readonly List<JsonObject> _deviceEvents = [];

    private CcTalkRig(VirtualClock clock, CcTalkValidatorSimulator sim, CcTalkCashAcceptor driver, Stream deviceEnd)
    {
        Clock = clock;
        Sim = sim;
        Driver = driver;
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

    public CcTalkValidatorSimulator Sim { get; }

    public CcTalkCashAcceptor Driver { get; }

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

    /// <param name="line">Wraps the device's end of the line (to doctor what the device sends, for example).</param>
    public static async Task<CcTalkRig> StartAsync(
        CcTalkValidatorOptions? device = null, CcTalkOptions? driver = null, bool start = true, ICashAcceptorObserver? observer = null, Func<Stream, Stream>? line = null)
    {
        var clock = new VirtualClock().Start();
        var (host, deviceEnd) = FullDuplexStream.CreatePair();
        deviceEnd = line?.Invoke(deviceEnd) ?? deviceEnd;
        var sim = new CcTalkValidatorSimulator(device ?? new CcTalkValidatorOptions(), clock);
        var acceptor = new CcTalkCashAcceptor(StreamLinkFactory.Fixed(host), driver ?? new CcTalkOptions(), clock);
        var rig = new CcTalkRig(clock, sim, acceptor, deviceEnd);
        if (start)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await acceptor.StartAsync(observer ?? rig.Events, timeout.Token);
        }

        return rig;
    }

    public Task<ICashInTransaction> BeginAsync(ICashInHandler? handler = null, CashInRequest? request = null) =>
        Driver.BeginCashInAsync(request ?? new CashInRequest("INR"), handler ?? ScriptedHandler.AcceptAll, CancellationToken.None);

    /// <summary>The simulator's status record, as its JSON control would print it.</summary>
    public JsonObject Status => Sim.Status();

    public int CashboxCount => (int)Status["cashboxCount"]!;

    /// <summary>Inserts a bill once master inhibit is lifted and the path is empty (a citizen waits for the bezel).</summary>
    public async Task InsertAsync(decimal value, CcTalkRejectReason? reject = null)
    {
        await Eventually.Holds(IsReady, "validator accepting with an empty path");
        Sim.Insert(value, reject);
    }

    public bool IsReady()
    {
        var s = Status;
        return (bool)s["accepting"]! && s["escrow"] is null && s["moving"] is null;
    }

    ICashAcceptor IValidatorRig.Acceptor => Driver;

    public int StackedNotes => CashboxCount;

    public bool InvitesNotes => (bool)Status["accepting"]!;

    Task IValidatorRig.InsertAsync(decimal value) => InsertAsync(value);

    public Func<DateTimeOffset?> SilenceAtCreditPoint()
    {
        DateTimeOffset? at = null;
        Sim.EventOccurred += e =>
        {
            if ((string?)e["event"] == "BILL_CREDIT" && at is null)
            {
                at = Clock.GetUtcNow();
                Sim.Silent = true;
            }
        };
        return () => at;
    }

    public void Speak() => Sim.Silent = false;

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
