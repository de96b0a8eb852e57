using Nerdbank.Streams;
using SevaKiosk.Firmware.Engine;
using SevaKiosk.Firmware.Journal;
using SevaKiosk.Hal.Devices;
using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.CashAcceptors.Ssp;
using SevaKiosk.Hal.Links;
using SevaKiosk.Simulator.Devices.Validators.Ssp;
using PaymentStatus = SevaKiosk.Protocol.Mqtt.PaymentStatus;

namespace SevaKiosk.Firmware.Tests.Engine.Support;

/// <summary>
/// The transaction engine composed the way <c>KioskRuntime</c> composes it, in virtual time: a real journal (SQLite in
/// a temp directory), the real SSP driver talking to the simulated NV200 over an in-process duplex pipe, the
/// validator journal as the driver's observer, the service state following the validator's faults, and scripted
/// backend, printer and citizen. The dataset includes ₹2000 (as the demo's does) so that the amount rule, not the
/// inhibit mask, decides what happens to it.
/// </summary>
internal sealed class EngineRig : IAsyncDisposable
{
    /// <summary>Real-time bound on any one wait, so a broken scenario fails instead of hanging the run.</summary>
    private static readonly TimeSpan RealTimeLimit = TimeSpan.FromSeconds(30);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _device;
    private int _notesSettled;

    private EngineRig(SessionOptions options, BillDetails? bill)
    {
        Options = options;
        // Jumps of up to one poll interval keep long waits (a citizen walking away, a backend deadline) quick; the
        // driver's reply timeout is raised to match, so a misjudged quiet moment never looks like a silent device.
        Clock = new VirtualClock(maxJump: TimeSpan.FromMilliseconds(200)).Start();
        Directory = new TempDirectory();
        Journal = new KioskJournal(JournalDatabase.Open(Directory.Path, []), Clock) { MachineId = "RJ-TEST-0001" };
        var (host, deviceEnd) = FullDuplexStream.CreatePair();
        Sim = new SimulatedSspValidator(new SspValidatorOptions { ChannelValues = [10, 20, 50, 100, 200, 500, 2000], Seed = 7 }, Clock);
        _device = Task.Run(() => Sim.RunAsync(deviceEnd, _stop.Token));
        Validator = new SspCashAcceptor(StreamLinkFactory.Fixed(host), new SspOptions { AcceptedNotes = [10m, 20m, 50m, 100m, 200m, 500m, 2000m], ResponseTimeout = TimeSpan.FromSeconds(1) }, Clock);
        Observer = new CashAcceptorJournal(Journal);
        Observer.Journaled += e =>
        {
            if (e is NoteCredited or NoteReturned or NoteRejected or NoteClearedAtPowerUp)
            {
                Interlocked.Increment(ref _notesSettled);
            }
        };
        Service = new ServiceState();
        Service.Follow(Validator);
        Backend = new ScriptedBackend(bill);
        Receipts = new RecordingReceipts();
        Engine = new SessionEngine(Journal, Validator, Observer, Backend, Receipts, Service, Options, Clock);
    }

    /// <summary>Short enough to keep walk-away scenarios quick in virtual time, long enough between two notes.</summary>
    public static SessionOptions DefaultOptions { get; } = new()
    {
        InactivityTimeout = TimeSpan.FromSeconds(10),
        DecisionTimeout = TimeSpan.FromSeconds(10),
        BackendTimeout = TimeSpan.FromSeconds(20),
    };

    public VirtualClock Clock { get; }

    public TempDirectory Directory { get; }

    public KioskJournal Journal { get; }

    public SimulatedSspValidator Sim { get; }

    public SspCashAcceptor Validator { get; }

    public CashAcceptorJournal Observer { get; }

    public ServiceState Service { get; }

    public ScriptedBackend Backend { get; }

    public RecordingReceipts Receipts { get; }

    public SessionEngine Engine { get; }

    public SessionOptions Options { get; }

    /// <summary>Notes the journal has seen credited, returned, rejected or cleared, in every session.</summary>
    public int NotesSettled => Volatile.Read(ref _notesSettled);

    public static async Task<EngineRig> StartAsync(SessionOptions? options = null, BillDetails? bill = null)
    {
        var rig = new EngineRig(options ?? DefaultOptions, bill);
        using var timeout = new CancellationTokenSource(RealTimeLimit);
        await rig.Validator.StartAsync(rig.Observer, timeout.Token);
        await rig.UntilAsync(() => rig.Service.InService, "validator ready and the kiosk in service");
        return rig;
    }

    public ScriptedCitizen Citizen() => new(this);

    public RecoveryService Recovery() => new(Journal, Engine, Backend, Options);

    /// <summary>Runs one citizen's session to its end and surfaces any failure of the citizen's script.</summary>
    public async Task<SessionOutcome> RunAsync(ScriptedCitizen citizen, string consumer = ScriptedBackend.Consumer)
    {
        var outcome = await Engine.RunAsync(new SessionRequest("electricity", "JVVNL", consumer), citizen, CancellationToken.None).WaitAsync(RealTimeLimit);
        await citizen.Script.WaitAsync(RealTimeLimit);
        return outcome;
    }

    /// <summary>Inserts a note once the validator invites one and waits until the journal has settled it.</summary>
    public async Task InsertAsync(long value, bool waitUntilSettled = true)
    {
        await UntilAsync(() => Sim.Status is { Enabled: true, NotePhase: null, Booting: false }, $"the validator inviting a note (for ₹{value})");
        var before = NotesSettled;
        var inserted = Sim.InsertNote(value);
        Assert.True(inserted.Taken, $"₹{value} not taken: {inserted.Refusal}");
        if (waitUntilSettled)
        {
            await UntilAsync(() => NotesSettled > before, $"₹{value} credited or handed back");
        }
    }

    /// <summary>
    /// The transaction the session settled as, read back from the journal and checked: its kind, the amount posted to
    /// the biller, what was credited, the excess held as a voucher, and the payment status.
    /// </summary>
    public JournalTransaction Settled(SessionOutcome outcome, TransactionKind kind, decimal posted, decimal credited, decimal excess, PaymentStatus status)
    {
        var tx = Journal.FindTransaction(outcome.Transaction!.TxId)!;
        Assert.Equal(
            (kind, Money.Inr(posted), Money.Inr(credited), Money.Inr(excess), status),
            (tx.Kind, tx.Amount, tx.Credited, tx.Excess, tx.PaymentStatus));
        return tx;
    }

    /// <summary>
    /// What the cash box and the X report show: the notes taken, what reached the biller, what was taken but not
    /// posted; the journal's counters equal its note rows, and the validator's cash box holds as many notes.
    /// Returns the report for further checks.
    /// </summary>
    public CashReport AssertCounted(decimal notes, decimal posted, decimal notPosted)
    {
        var x = Journal.XReport();
        Assert.Equal((Money.Inr(notes), Money.Inr(posted), Money.Inr(notPosted)), (x.NotesTotal, x.AmountPosted, x.AcceptedNotPosted));
        var counters = Journal.CashboxCounters();
        Assert.Equal(Journal.CashboxCountsFromNotes(), counters);
        Assert.Equal(counters.Values.Sum(), Sim.Status.NotesInCashbox);
        return x;
    }

    /// <summary>Waits (in virtual time, bounded in real time) until <paramref name="condition"/> holds.</summary>
    public async Task UntilAsync(Func<bool> condition, string what)
    {
        var until = DateTime.UtcNow + RealTimeLimit;
        while (!condition())
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"Timed out waiting for {what}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), Clock);
        }
    }

    /// <summary>The journal's event kinds for a session, in commit order.</summary>
    public IReadOnlyList<string> Events(string sessionId) => Journal.Database.Read(_ =>
    {
        using var command = Journal.Database.CreateCommand(null, "SELECT kind FROM journal WHERE session_id=$s ORDER BY seq").With("$s", sessionId);
        using var reader = command.ExecuteReader();
        var kinds = new List<string>();
        while (reader.Read())
        {
            kinds.Add(reader.GetString(0));
        }

        return kinds;
    });

    /// <summary>The detail (JSON) of the first event of <paramref name="kind"/> in a session.</summary>
    public string? EventDetail(string sessionId, string kind) => Journal.Database.Read(_ =>
        Journal.Database.CreateCommand(null, "SELECT detail FROM journal WHERE session_id=$s AND kind=$k ORDER BY seq LIMIT 1")
            .With("$s", sessionId).With("$k", kind).Scalar() as string);

    /// <summary>The print error the journal keeps for a receipt (null once printed).</summary>
    public string? PrintError(string receiptNo) => Journal.Database.Read(_ =>
        Journal.Database.CreateCommand(null, "SELECT print_error FROM receipts WHERE receipt_no=$r").With("$r", receiptNo).Scalar() as string);

    public async ValueTask DisposeAsync()
    {
        await Validator.DisposeAsync();
        await _stop.CancelAsync();
        try
        {
            await _device;
        }
        catch (OperationCanceledException)
        {
            // Normal at teardown.
        }

        await Sim.DisposeAsync();
        await Clock.DisposeAsync();
        Journal.Dispose();
        Directory.Dispose();
        _stop.Dispose();
    }
}
