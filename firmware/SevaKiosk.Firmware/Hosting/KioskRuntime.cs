using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Nerdbank.Streams;
using SevaKiosk.Firmware.Agent;
using SevaKiosk.Firmware.Agent.Broker;
using SevaKiosk.Firmware.Engine;
using SevaKiosk.Firmware.Journal;
using SevaKiosk.Firmware.Receipts;
using SevaKiosk.Firmware.Updates.Ota;
using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.CashAcceptors.Ssp;
using SevaKiosk.Hal.Devices;
using SevaKiosk.Hal.Io;
using SevaKiosk.Hal.Links;
using SevaKiosk.Hal.Printers;
using SevaKiosk.Protocol.EscPos;
using SevaKiosk.Simulator.Backend;
using SevaKiosk.Simulator.Devices.Printers.EscPos;
using SevaKiosk.Simulator.Devices.Validators.Ssp;

namespace SevaKiosk.Firmware.Hosting;

/// <summary>Everything the runtime needs, bound and validated from configuration.</summary>
public sealed record KioskRuntimeSettings(
    KioskOptions Kiosk,
    ValidatorSettings Validator,
    PrinterSettings Printer,
    KioskAgentOptions Agent,
    SessionOptions Sessions)
{
    /// <summary>The GPIO pin map (section <c>KioskIo</c>); no pins configured = the simulated board with the reference wiring.</summary>
    public KioskIoOptions Io { get; init; } = new();

    /// <summary>Over-the-air updates (section <c>Updates</c>); they run only when the firmware runs from a slot layout.</summary>
    public UpdateOptions Updates { get; init; } = new();

    /// <summary>Tuning of the in-process simulated devices; never from configuration (a real kiosk has real devices).</summary>
    public SimulatedHardware? Simulated { get; init; }
}

/// <summary>
/// Adjusts the in-process simulated validator and printer before they start: soak runs and harnesses shorten their
/// mechanical timings (a note in 0.1 s instead of 1.3 s, paper at 2 m/s) to run thousands of sessions.
/// </summary>
public sealed record SimulatedHardware(
    Func<SspValidatorOptions, SspValidatorOptions>? Validator = null,
    Func<EscPosPrinterEmulatorOptions, EscPosPrinterEmulatorOptions>? Printer = null);

/// <summary>
/// The running kiosk: journal, broker link, devices, transaction engine, recovery. With no ports and no broker
/// configured it composes the simulated validator and printer in-process, the embedded MQTT broker on loopback and
/// the demo backend, so a fresh checkout runs with no hardware and no configuration.
/// </summary>
public sealed partial class KioskRuntime : IAsyncDisposable
{
    /// <summary>How long start-up waits for a note moving in the validator's path before recovering anyway.</summary>
    private static readonly TimeSpan QuietPathLimit = TimeSpan.FromSeconds(10);

    private readonly List<Func<ValueTask>> _cleanup = [];
    private readonly CancellationTokenSource _stop = new();
    private IJournalCommitHook? _commitHook;
    private readonly CancellationTokenSource _background = new();
    private Task _pendingPayments = Task.CompletedTask;

    private KioskRuntime(KioskRuntimeSettings settings, ILoggerFactory loggers, TimeProvider time)
    {
        Settings = settings;
        Loggers = loggers;
        Time = time;
        DataDirectory = Path.GetFullPath(settings.Kiosk.DataDirectory);
    }

    public KioskRuntimeSettings Settings { get; }

    public KioskOptions Kiosk => Settings.Kiosk;

    public string DataDirectory { get; }

    public ILoggerFactory Loggers { get; }

    public TimeProvider Time { get; }

    public KioskJournal Journal { get; private set; } = null!;

    public KioskAgent Agent { get; private set; } = null!;

    public ICashAcceptor Validator { get; private set; } = null!;

    public IReceiptPrinter Printer { get; private set; } = null!;

    public IKioskIo Io { get; private set; } = null!;

    /// <summary>The simulated GPIO when no pin map is configured (tests open the door and pull the cash box here).</summary>
    public SevaKiosk.Simulator.Devices.Gpio.SimulatedGpioDriver? SimulatedGpio { get; private set; }

    public IReceiptOutput Receipts { get; private set; } = null!;

    /// <summary>The printer-backed receipt output (receipts and printouts such as cash reports).</summary>
    public PrinterReceiptOutput? ReceiptPrinter => Receipts as PrinterReceiptOutput;

    public ServiceState Service { get; } = new();

    public SessionEngine Engine { get; private set; } = null!;

    public CashAcceptorJournal ValidatorJournal { get; private set; } = null!;

    /// <summary>The simulated validator when no port is configured (the demo's citizen feeds it notes).</summary>
    public SimulatedSspValidator? SimulatedValidator { get; private set; }

    public EscPosPrinterEmulator? SimulatedPrinter { get; private set; }

    public EmbeddedBroker? EmbeddedBroker { get; private set; }

    public DemoBackend? DemoBackend { get; private set; }

    public RecoveryService.Report? Recovery { get; private set; }

    /// <summary>Builds and starts everything; returns when the machine is ready for cash (or reports why not).</summary>
    public static async Task<KioskRuntime> StartAsync(KioskRuntimeSettings settings, ILoggerFactory loggers, Action restart, TimeProvider? time = null, IJournalCommitHook? commitHook = null, CancellationToken cancellationToken = default)
    {
        NativeHeap.LimitArenas(2);
        var runtime = new KioskRuntime(settings, loggers, time ?? TimeProvider.System) { _commitHook = commitHook };
        try
        {
            await runtime.StartCoreAsync(restart, cancellationToken).ConfigureAwait(false);
            return runtime;
        }
        catch
        {
            await runtime.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task StartCoreAsync(Action restart, CancellationToken ct)
    {
        var log = Loggers.CreateLogger("SevaKiosk.Runtime");
        Directory.CreateDirectory(DataDirectory);
        BootUpdates(restart, log);
        var clock = new SystemMachineClock(Time);
        var bridge = new OutboxBridge(Kiosk.MachineId, clock);
        Journal = new KioskJournal(JournalDatabase.Open(DataDirectory, [bridge], _commitHook), Time) { MachineId = Kiosk.MachineId };
        _cleanup.Add(() =>
        {
            Journal.Dispose();
            return ValueTask.CompletedTask;
        });

        var agentOptions = Settings.Agent;
        agentOptions.MachineId = Kiosk.MachineId;
        agentOptions.Location ??= new Protocol.Mqtt.MachineLocation(Kiosk.Panchayat, Kiosk.Block, Kiosk.District);
        agentOptions.DatabasePath = Journal.Database.Path;
        if (string.IsNullOrWhiteSpace(agentOptions.Broker))
        {
            EmbeddedBroker = await EmbeddedBroker.StartAsync().ConfigureAwait(false);
            _cleanup.Add(() => EmbeddedBroker.DisposeAsync());
            agentOptions.Broker = EmbeddedBroker.Url;
            agentOptions.FirstConnectMaxDelay = TimeSpan.Zero;
            agentOptions.ReconnectMinDelay = TimeSpan.FromMilliseconds(200);
            agentOptions.FleetPublicKey ??= DemoFleetKey(DataDirectory);
            log.LogInformation("Embedded MQTT broker listening on {Url}", EmbeddedBroker.Url);

            DemoBackend = new DemoBackend(new DemoBackendOptions { Broker = EmbeddedBroker.Url, LedgerPath = Path.Combine(DataDirectory, "demo-backend.db") }, Time);
            DemoBackend.Start();
            _cleanup.Add(() => DemoBackend.DisposeAsync());
        }

        var target = new KioskCommandTarget(() => this, restart);
        Agent = new KioskAgent(agentOptions, target, new KioskAgentServices { Time = Time, Clock = clock, LoggerFactory = Loggers });
        _cleanup.Add(() => Agent.DisposeAsync());
        bridge.Connect(Journal, Agent);
        if (OutboxBridge.ReconcileAcknowledged(Journal) is > 0 and var reconciled)
        {
            log.LogInformation("{Count} transaction(s) acknowledged before the last stop are marked so in the journal", reconciled);
        }

        Journal.TransactionsCommitted += Agent.NotifyTransactionsCommitted;
        Agent.OutboxStatusChanged += (_, e) =>
        {
            if (e.Status.IsFull)
            {
                Service.Block("outbox", $"the transaction outbox is full ({e.Status.PendingTransactions} unacknowledged): the backend is unreachable");
            }
            else
            {
                Service.Unblock("outbox");
            }
        };
        Service.Changed += s => Agent.ReportServiceState(s.InService, s.InService ? null : s.Describe());
        Agent.Start();

        Validator = CreateValidator();
        Printer = CreatePrinter(out var images);
        foreach (var device in new IKioskDevice[] { Validator, Printer })
        {
            device.FaultRaised += (_, e) => Agent.ReportFault(e.Fault, active: true);
            device.FaultCleared += (_, e) => Agent.ReportFault(e.Fault, active: false);
        }

        Service.Follow(Validator);
        Io = await CreateIoAsync(ct).ConfigureAwait(false);
        var io = new KioskIoSupervisor(Io, Journal, Agent, Service, Validator, Time, Loggers.CreateLogger<KioskIoSupervisor>());
        _cleanup.Add(() =>
        {
            io.Dispose();
            return ValueTask.CompletedTask;
        });

        // Fleet gauges (paper, cash-box fill, today's transactions): sampled on the agent's telemetry timer, and at once
        // when the paper state changes or a transaction commits, so a technician's watch sees it without waiting. The
        // first timer sample ran before the devices existed, so ask for one now.
        Agent.AddTelemetrySource(stamp => FleetGauges.Sample(this, stamp));
        Printer.StatusChanged += (_, _) => Agent.RequestTelemetrySample();
        Journal.TransactionsCommitted += Agent.RequestTelemetrySample;
        Agent.RequestTelemetrySample();
        var fonts = ReceiptFonts.Load();
        _cleanup.Add(() =>
        {
            fonts.Dispose();
            return ValueTask.CompletedTask;
        });
        Receipts = new PrinterReceiptOutput(Printer, new ReceiptComposer(((EscPosPrinter)Printer).Profile, fonts), Kiosk, Path.Combine(DataDirectory, "receipts"), images, Loggers.CreateLogger("SevaKiosk.Receipts"));

        ValidatorJournal = new CashAcceptorJournal(Journal, Loggers.CreateLogger<CashAcceptorJournal>());
        var backend = new AgentBillingBackend(Agent, Kiosk.MachineId);
        Engine = new SessionEngine(Journal, Validator, ValidatorJournal, backend, Receipts, Service, Settings.Sessions, Time, Loggers.CreateLogger<SessionEngine>());
        Engine.SessionEnded += (_, _) => NativeHeap.ScheduleTrim();

        await Printer.StartAsync(ct).ConfigureAwait(false);
        using (var ready = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            ready.CancelAfter(TimeSpan.FromSeconds(20));
            try
            {
                await Validator.StartAsync(ValidatorJournal, ready.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                log.LogError("The validator is not answering: {State} {Faults}", Validator.State, string.Join("; ", Validator.ActiveFaults));
            }
        }

        // Let the validator report what happened while we were down before settling old sessions: credits and power-up
        // clears, and a note it held in escrow that is handed back now. Three polls at least, then until nothing moves
        // in the note path (a return or a stacking takes a second or two), but not for ever: a jam is the technician's.
        var reported = Validator.State == DeviceState.Online;
        if (reported)
        {
            await WaitForQuietNotePathAsync(ct).ConfigureAwait(false);
        }

        var recovery = new RecoveryService(Journal, Engine, backend, Settings.Sessions, Loggers.CreateLogger<RecoveryService>());
        Recovery = await recovery.RecoverAsync(reported, ct).ConfigureAwait(false);
        _pendingPayments = ResolvePendingPaymentsLoopAsync(recovery, log);
        log.LogInformation("Kiosk {Machine} ready for cash: {Service}; data in {Data}", Kiosk.MachineId, Service.Describe(), DataDirectory);
        ConfirmUpdates();
    }

    /// <summary>
    /// A payment whose outcome is unknown (a post that timed out) is queried again every
    /// <see cref="SessionOptions.PendingPaymentQueryInterval"/> while the kiosk runs, never re-posted under a new id.
    /// </summary>
    private async Task ResolvePendingPaymentsLoopAsync(RecoveryService recovery, ILogger log)
    {
        using var timer = new PeriodicTimer(Settings.Sessions.PendingPaymentQueryInterval, Time);
        try
        {
            while (await timer.WaitForNextTickAsync(_background.Token).ConfigureAwait(false))
            {
                if (Engine.Busy)
                {
                    continue; // the backend link is the citizen's now
                }

                var resolved = await recovery.ResolvePendingPaymentsAsync(_background.Token).ConfigureAwait(false);
                if (resolved > 0)
                {
                    log.LogInformation("Resolved {Count} pending payment(s) by query", resolved);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private async Task WaitForQuietNotePathAsync(CancellationToken ct)
    {
        var poll = Settings.Validator.PollInterval;
        await Task.Delay(poll * 3, Time, ct).ConfigureAwait(false);
        var giveUp = Time.GetUtcNow() + QuietPathLimit;
        while (Validator.Status.Acceptor is AcceptorState.Reading or AcceptorState.Escrow or AcceptorState.Stacking or AcceptorState.Returning or AcceptorState.Rejecting
            && Time.GetUtcNow() < giveUp)
        {
            await Task.Delay(poll, Time, ct).ConfigureAwait(false);
        }
    }

    private ICashAcceptor CreateValidator()
    {
        var v = Settings.Validator;
        if (!string.IsNullOrWhiteSpace(v.Port))
        {
            var validator = ValidatorFactory.OpenSerial(v, Time, Loggers);
            _cleanup.Add(() => validator.DisposeAsync());
            return validator;
        }

        if (v.Protocol != "ssp")
        {
            // The in-process simulator speaks SSP; other protocols run their simulator on a pty
            // (sevakiosk-sim device validator --protocol PROTOCOL --pty) with Validator:Port set to it.
            throw new DeviceConfigurationException("Validator:Port", $"required for {v.Protocol}: the built-in simulated validator speaks SSP");
        }

        var (host, device) = FullDuplexStream.CreatePair();
        var simulated = new SspValidatorOptions { ChannelValues = v.SimulatedChannels };
        SimulatedValidator = new SimulatedSspValidator(Settings.Simulated?.Validator?.Invoke(simulated) ?? simulated, Time);
        var serving = Task.Run(() => SimulatedValidator.RunAsync(device, _stop.Token));
        var driver = new SspCashAcceptor(StreamLinkFactory.Fixed(host), ValidatorFactory.SspOptions(v), Time, Loggers.CreateLogger<SspCashAcceptor>());
        _cleanup.Add(async () =>
        {
            await driver.DisposeAsync().ConfigureAwait(false);
            await _stop.CancelAsync().ConfigureAwait(false);
            await SimulatedValidator.DisposeAsync().ConfigureAwait(false);
        });
        return driver;
    }

    private async Task<IKioskIo> CreateIoAsync(CancellationToken ct)
    {
        var options = Settings.Io;
        System.Device.Gpio.GpioController gpio;
        if (options.Door.Pin >= 0 || options.CashBox.Pin >= 0 || options.ValidatorRelay.Pin >= 0)
        {
            gpio = new System.Device.Gpio.GpioController();
        }
        else
        {
            // The reference wiring on a simulated header: door closed (reed switch pulls low), cash box in.
            options = KioskIoOptions.ReferenceWiring;
            SimulatedGpio = new SevaKiosk.Simulator.Devices.Gpio.SimulatedGpioDriver();
            SimulatedGpio.Drive(options.Door.Pin, System.Device.Gpio.PinValue.Low);
            SimulatedGpio.Drive(options.CashBox.Pin, System.Device.Gpio.PinValue.Low);
            gpio = new System.Device.Gpio.GpioController(SimulatedGpio);
        }

        var board = new KioskIoBoard(gpio, options, Time, shouldDispose: true);
        _cleanup.Add(() => board.DisposeAsync());
        await board.StartAsync(ct).ConfigureAwait(false);
        return board;
    }

    private EscPosPrinter CreatePrinter(out IReceiptImages images)
    {
        var p = Settings.Printer;
        EscPosPrinterOptions options;
        try
        {
            options = p.ToOptions();
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            throw new DeviceConfigurationException(PrinterSettings.Section, ex.Message);
        }

        var profile = options.Profile;
        var logger = Loggers.CreateLogger<EscPosPrinter>();
        if (!string.IsNullOrWhiteSpace(p.Port))
        {
            var printer = new EscPosPrinter(p.CreateLink(), options, Time, logger);
            _cleanup.Add(() => printer.DisposeAsync());
            images = new RenderedReceiptImages(profile.DotsPerLine);
            return printer;
        }

        var (host, device) = FullDuplexStream.CreatePair();
        var emulator = new EscPosPrinterEmulatorOptions
        {
            WidthDots = profile.DotsPerLine,
            OutputDirectory = Path.Combine(DataDirectory, "receipts", ".roll"),

            // Receipts are taken as PNGs when they are cut; kept in memory too, each would stay resident for good.
            KeepPages = false,
        };
        SimulatedPrinter = new EscPosPrinterEmulator(Settings.Simulated?.Printer?.Invoke(emulator) ?? emulator);
        var serving = Task.Run(() => SimulatedPrinter.RunAsync(device, _stop.Token));
        var emulated = new EscPosPrinter(host, shouldDispose: true, options, Time, logger);
        images = new EmulatorReceiptImages(SimulatedPrinter);
        _cleanup.Add(async () =>
        {
            await emulated.DisposeAsync().ConfigureAwait(false);
            await SimulatedPrinter.DisposeAsync().ConfigureAwait(false);
        });
        return emulated;
    }

    /// <summary>
    /// With the embedded broker there is no fleet: a per-machine demo key pair is made once so that signed commands can
    /// still be tried locally (the private half stays in the data directory, readable by its owner only).
    /// </summary>
    private static string DemoFleetKey(string dataDirectory)
    {
        var privatePath = Path.Combine(dataDirectory, "demo-fleet-key.pem");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        if (File.Exists(privatePath))
        {
            key.ImportFromPem(File.ReadAllText(privatePath));
        }
        else
        {
            File.WriteAllText(privatePath, key.ExportECPrivateKeyPem());
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(privatePath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        return key.ExportSubjectPublicKeyInfoPem();
    }

    public async ValueTask DisposeAsync()
    {
        await _background.CancelAsync().ConfigureAwait(false);
        await _pendingPayments.ConfigureAwait(false);

        // Reverse start order: devices stop (their last events still reach the journal), then the agent says
        // offline, then the backend and broker go, and the journal closes last.
        for (var i = _cleanup.Count - 1; i >= 0; i--)
        {
            var step = _cleanup[i];
            try
            {
                await step().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or OperationCanceledException or IOException)
            {
                // Shutting down: keep releasing the rest.
            }
        }

        _cleanup.Clear();
        _stop.Dispose();
        _background.Dispose();
    }
}
