using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SevaKiosk.Hal.Devices;
using SevaKiosk.Hal.Links;
using SevaKiosk.Protocol.EscPos;

namespace SevaKiosk.Hal.Printers;

/// <summary>
/// Driver for ESC/POS thermal receipt printers on a serial (or any duplex byte) link. Keeps the status current with
/// real-time status polls (<c>DLE EOT 1–4</c>) and Automatic Status Back where the profile has it, maps it onto the
/// shared device model, and prints jobs in chunks with flow control and a status check between chunks, reporting
/// how far a failed job got.
/// </summary>
public sealed partial class EscPosPrinter : IReceiptPrinter
{
    private readonly IByteLinkFactory _links;
    private readonly EscPosPrinterOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly FaultSet _faults;
    private readonly StatusCell<PrinterStatus> _status = new(PrinterStatus.Initial);
    private readonly SemaphoreSlim _io = new(1, 1);
    private readonly SemaphoreSlim _jobs = new(1, 1);
    private readonly object _gate = new();
    private TaskCompletionSource _statusChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private EscPosConnection? _connection;
    private CancellationTokenSource? _monitorStop;
    private Task? _monitor;
    private bool _answering;
    private bool _needsInitialize = true;
    private volatile bool _jobActive;
    private int _noiseBytes;

    /// <summary>A printer on a link the driver opens (and reopens after a loss) itself.</summary>
    public EscPosPrinter(IByteLinkFactory link, EscPosPrinterOptions? options = null, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        _links = link ?? throw new ArgumentNullException(nameof(link));
        _options = options ?? new EscPosPrinterOptions();
        _options.Validate();
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _faults = new FaultSet(_options.Name, _time);
        _faults.Raised += (_, e) => FaultRaised?.Invoke(this, e);
        _faults.Cleared += (_, e) => FaultCleared?.Invoke(this, e);
        _status.Changed += OnStatusChanged;
        Capabilities = new PrinterCapabilities(
            _options.Profile.Name, _options.Profile.Description, _options.Profile.DotsPerLine, _options.Profile.DotsPerInch,
            _options.Profile.Columns, _options.Profile.Cut, _options.Profile.NativeQr, _options.Profile.AutomaticStatusBack,
            _options.Profile.Code128, _options.FlowControl, _links.Description);
    }

    /// <summary>
    /// A printer on a stream someone else opened (dotnet/iot style). With <paramref name="shouldDispose"/> the driver
    /// disposes it when it stops.
    /// </summary>
    public EscPosPrinter(Stream stream, bool shouldDispose, EscPosPrinterOptions? options = null, TimeProvider? timeProvider = null, ILogger? logger = null)
        : this(new StreamLinkFactory("stream", _ => ValueTask.FromResult(Borrow(stream, shouldDispose))), options, timeProvider, logger)
    {
        ArgumentNullException.ThrowIfNull(stream);
    }

    public event EventHandler<DeviceFaultEventArgs>? FaultRaised;

    public event EventHandler<DeviceFaultEventArgs>? FaultCleared;

    public event EventHandler<StatusChangedEventArgs<PrinterStatus>>? StatusChanged;

    public string Name => _options.Name;

    public DeviceClass Class => DeviceClass.Printer;

    public DeviceState State => _status.Current.Device;

    public IReadOnlyList<DeviceFault> ActiveFaults => _faults.Active;

    public PrinterCapabilities Capabilities { get; }

    public PrinterStatus Status => _status.Current;

    public PrinterProfile Profile => _options.Profile;

    private byte AsbMask => _options.Profile.AutomaticStatusBack ? AutomaticStatus.EnableOnlineErrorPaper : (byte)0;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_monitor is not null)
        {
            throw new InvalidOperationException("The printer is already started.");
        }

        await ConnectAsync(cancellationToken).ConfigureAwait(false);
        if (_connection is not null)
        {
            await PollAsync(cancellationToken).ConfigureAwait(false);
        }

        _monitorStop = new CancellationTokenSource();
        var stop = _monitorStop.Token;
        _monitor = Task.Run(() => MonitorAsync(stop), CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_monitorStop is not null)
        {
            await _monitorStop.CancelAsync().ConfigureAwait(false);
            try
            {
                await _monitor!.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The monitor ends by cancellation.
            }

            _monitorStop.Dispose();
            _monitorStop = null;
            _monitor = null;
        }

        await DropConnectionAsync().ConfigureAwait(false);
    }

    public async Task<PrinterStatus> RefreshStatusAsync(CancellationToken cancellationToken)
    {
        if (_connection is null)
        {
            await ConnectAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_connection is not null)
        {
            await PollAsync(cancellationToken).ConfigureAwait(false);
        }

        return _status.Current;
    }

    public async Task<PrintReadiness> CheckReadyAsync(CancellationToken cancellationToken)
    {
        var status = await RefreshStatusAsync(cancellationToken).ConfigureAwait(false);
        return Readiness(status);
    }

    public async Task ResetAsync(CancellationToken cancellationToken)
    {
        var connection = _connection ?? throw new InvalidOperationException("The printer link is not open.");
        await _io.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // DLE ENQ 2 recovers from a recoverable error and clears the receive and print buffers.
            await connection.WriteAsync(new EscPosBuilder().RealTimeRecover(2).WrittenMemory, 0, cancellationToken).ConfigureAwait(false);
            await WriteInitializeAsync(connection, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _io.Release();
        }

        await PollAsync(cancellationToken).ConfigureAwait(false);
        if (!_status.Current.CutterError && !_status.Current.RecoverableError)
        {
            // The recovery took effect, so the printer emptied its buffers: nothing queued before will be answered.
            connection.ForgetQueued();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _io.Dispose();
        _jobs.Dispose();
    }

    private PrintReadiness Readiness(PrinterStatus status)
    {
        var active = _faults.Active;
        var blocking = active.Where(f => f.Severity >= FaultSeverity.Error).ToList();
        var warnings = active.Where(f => f.Severity < FaultSeverity.Error).ToList();
        var reason = status.CanPrint
            ? warnings.Count == 0 ? "ready" : "ready: " + string.Join("; ", warnings.Select(f => f.Message))
            : blocking.Count > 0 ? string.Join("; ", blocking.Select(f => f.Message))
            : status.Printing ? "ready" : "printer status not known yet";
        return new PrintReadiness(status.CanPrint, reason, status, blocking, warnings);
    }

    private async Task MonitorAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (_connection is null)
                {
                    await ConnectAsync(stop).ConfigureAwait(false);
                    if (_connection is null)
                    {
                        await Task.Delay(_options.ReconnectDelay, _time, stop).ConfigureAwait(false);
                        continue;
                    }
                }

                if (!_jobActive)
                {
                    await PollAsync(stop).ConfigureAwait(false);
                }

                var connection = _connection;
                var delay = Task.Delay(_options.StatusPollInterval, _time, stop);
                if (connection is not null && await Task.WhenAny(delay, connection.Closed).ConfigureAwait(false) == connection.Closed)
                {
                    _logger.LogWarning("Printer link {Link} was lost", _links.Description);
                    await DropConnectionAsync().ConfigureAwait(false);
                    MarkSilent(PrinterFaults.NoResponse, "the link was lost");
                    continue;
                }

                await delay.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        Stream stream;
        try
        {
            stream = await _links.OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException)
        {
            _logger.LogWarning("Printer link {Link} cannot be opened: {Message}", _links.Description, ex.Message);
            MarkSilent(PrinterFaults.LinkUnavailable, ex.Message);
            return;
        }

        var connection = new EscPosConnection(stream, _time);
        connection.AutomaticStatusReceived += asb => Apply(PrinterCondition.FromAutomaticStatus(asb));
        connection.NoiseReceived += _ =>
        {
            if (Interlocked.Increment(ref _noiseBytes) >= 4)
            {
                _faults.Raise(PrinterFaults.GarbledStatus);
            }
        };
        connection.Start();
        _faults.Clear(PrinterFaults.LinkUnavailable.Code);
        if (_options.FlowControl == PrinterFlowControl.Dsr && connection.ModemLines is null)
        {
            _faults.Raise(PrinterFaults.FlowControlUnsupported, _links.Description);
        }

        lock (_gate)
        {
            _connection = connection;
            _needsInitialize = true;
        }
    }

    private async Task DropConnectionAsync()
    {
        EscPosConnection? connection;
        lock (_gate)
        {
            connection = _connection;
            _connection = null;
        }

        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Asks DLE EOT 1–4 and applies the answer; a silent printer becomes offline. Initialises when needed.</summary>
    private async Task PollAsync(CancellationToken cancellationToken)
    {
        var connection = _connection;
        if (connection is null)
        {
            return;
        }

        await _io.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await PollLockedAsync(connection, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _io.Release();
        }
    }

    private async Task<bool> PollLockedAsync(EscPosConnection connection, CancellationToken cancellationToken)
    {
        byte[] replies;
        try
        {
            replies = await connection.QueryAllStatusAsync(_options.ReplyTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            MarkSilent(PrinterFaults.NoResponse, null);
            return false;
        }
        catch (IOException ex)
        {
            MarkSilent(PrinterFaults.NoResponse, ex.Message);
            return false;
        }

        _answering = true;
        _faults.Clear(PrinterFaults.NoResponse.Code);
        Interlocked.Exchange(ref _noiseBytes, 0);
        _faults.Clear(PrinterFaults.GarbledStatus.Code);
        if (_needsInitialize && !_jobActive)
        {
            // After opening the link or a silence (possibly a power cycle) the printer's modes and ASB are unknown.
            await WriteInitializeAsync(connection, cancellationToken).ConfigureAwait(false);
        }

        Apply(PrinterCondition.FromRealTime(replies));
        return true;
    }

    /// <summary><c>ESC @</c>, ASB on (it is off after every ESC @) and the profile's code table.</summary>
    private async Task WriteInitializeAsync(EscPosConnection connection, CancellationToken cancellationToken)
    {
        var init = new EscPosBuilder().Initialize();
        if (AsbMask != 0)
        {
            init.AutomaticStatusBack(AsbMask);
        }

        init.CodeTableSelect(_options.Profile.CodeTable, _options.Profile.CodeTableNumber);
        await connection.WriteAsync(init.WrittenMemory, 0, cancellationToken).ConfigureAwait(false);
        _needsInitialize = false;
    }

    private void MarkSilent(FaultDefinition fault, string? detail)
    {
        if (_answering || !_faults.IsActive(fault.Code))
        {
            _logger.LogWarning("Printer {Name} is offline: {Reason}", Name, detail ?? fault.Message);
        }

        _answering = false;
        _needsInitialize = true;
        _faults.Raise(fault, detail);
        _status.Update(s => s with { Device = DeviceState.Offline, Online = false, Paper = PaperState.Unknown });
    }

    /// <summary>Maps what the printer reported onto faults and the status record.</summary>
    private void Apply(PrinterCondition condition)
    {
        SetFault(PrinterFaults.PaperEnd, condition.PaperEnd);
        SetFault(PrinterFaults.PaperNearEnd, condition.PaperNearEnd && !condition.PaperEnd);
        SetFault(PrinterFaults.CoverOpen, condition.CoverOpen);
        SetFault(PrinterFaults.CutterError, condition.CutterError);
        SetFault(PrinterFaults.RecoverableError, condition.RecoverableError);
        SetFault(PrinterFaults.UnrecoverableError, condition.UnrecoverableError);
        SetFault(PrinterFaults.AutoRecoverableError, condition.AutoRecoverableError);
        SetFault(PrinterFaults.Offline, condition.UnexplainedOffline);

        var silent = _faults.IsActive(PrinterFaults.NoResponse.Code) || _faults.IsActive(PrinterFaults.LinkUnavailable.Code);
        var device = silent ? DeviceState.Offline : _faults.WorstState() ?? DeviceState.Online;
        _status.Update(s => s with
        {
            Device = device,
            Online = !silent && !condition.Offline,
            Paper = silent ? PaperState.Unknown : condition.Paper,
            CoverOpen = condition.CoverOpen,
            CutterError = condition.CutterError,
            RecoverableError = condition.RecoverableError,
            UnrecoverableError = condition.UnrecoverableError,
            AutoRecoverableError = condition.AutoRecoverableError,
        });
    }

    private void SetFault(FaultDefinition fault, bool active)
    {
        if (active)
        {
            _faults.Raise(fault);
        }
        else
        {
            _faults.Clear(fault.Code);
        }
    }

    private void OnStatusChanged(object? sender, StatusChangedEventArgs<PrinterStatus> e)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            changed = _statusChanged;
            _statusChanged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
        StatusChanged?.Invoke(this, e);
    }

    private Task StatusChangedTask()
    {
        lock (_gate)
        {
            return _statusChanged.Task;
        }
    }

    private static Stream Borrow(Stream stream, bool shouldDispose) =>
        shouldDispose ? stream : stream is IModemLines ? new BorrowedModemStream(stream) : new NonClosingStream(stream);

    /// <summary>A serial stream the caller keeps: not closed by the driver, its modem lines still visible.</summary>
    private sealed class BorrowedModemStream(Stream inner) : DelegatingStream(inner), IModemLines
    {
        public bool DsrHolding => ((IModemLines)Inner).DsrHolding;
    }
}
