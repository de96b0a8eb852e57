using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SevaKiosk.Protocol.EscPos;
using SevaKiosk.Simulator.Control;

namespace SevaKiosk.Simulator.Devices.Printers.EscPos;

/// <summary>The emulated printer's condition, as a technician would read it off the machine.</summary>
public sealed record EmulatedPrinterCondition(
    bool PoweredOff,
    bool CoverOpen,
    string Paper,
    long PaperRemainingMm,
    bool CutterJammed,
    bool CutterError,
    bool Busy,
    int BufferedBytes,
    long DroppedBytes,
    int BusyEpisodes,
    byte AutomaticStatusMask);

/// <summary>
/// An ESC/POS thermal receipt printer on a byte stream. Received bytes pass a real-time scanner (DLE EOT is answered
/// at once, even inside image data or with a full buffer) and then an Epson-like receive buffer that discards what
/// does not fit; a print mechanism drains the buffer at paper speed through the shared parser and interpreter, and
/// every cut writes the page as a PNG. It models the roll (length, near-end, end), the cover, a cutter that jams,
/// power loss, XON/XOFF and the DTR busy line, and Automatic Status Back.
/// </summary>
/// <remarks>
/// Control commands (JSON): <c>{"paper":"near-end"|"end"|"ok"}</c>, <c>{"paperRemainingMm":N}</c>,
/// <c>{"cover":"open"|"closed"}</c>, <c>{"cutter":"jam"|"clear"}</c>, <c>{"offline":true|false}</c>. "offline"
/// means the printer stops answering altogether (powered off or cable pulled); coming back is a power-on reset.
/// </remarks>
public sealed class EscPosPrinterEmulator : ISimulatedDevice, IEscPosHost
{
    private const int MechanismChunkBytes = 256;

    // Two locks, always taken in this order: _mechanism (parser, interpreter, roll) then _gate (receive buffer,
    // sensors, replies). The receive path takes only _gate, so real-time replies never wait for rendering.
    private readonly object _mechanism = new();
    private readonly object _gate = new();
    private readonly EscPosPrinterEmulatorOptions _options;
    private readonly TimeProvider _time;
    private readonly DeviceFont _font;
    private readonly PrintedRoll _roll;
    private readonly EscPosInterpreter _interpreter;
    private readonly EscPosParser _parser = new();
    private readonly RealTimeCommandScanner _scanner = new();
    private readonly ReceiveBuffer _buffer;
    private readonly Queue<EscPosCommand> _commands = new();
    private readonly List<EscPosCommand> _parsed = [];
    private readonly List<byte> _outgoing = [];
    private readonly List<PrintedPage> _closedPages = [];
    private readonly List<string> _pngFiles = [];
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly AsyncSignal _wake = new();
    private readonly long _fullRollRows;
    private readonly long _nearEndRows;
    private readonly double _rowsPerSecond;

    private Stream? _link;
    private long _remainingRows;
    private bool _coverOpen;
    private bool _cutterJam;
    private bool _cutterError;
    private bool _poweredOff;
    private bool _busy;
    private byte _asbMask;
    private byte[]? _lastAsb;
    private long _dropped;
    private int _busyEpisodes;
    private int _rowsFed;
    private long _busyUntil;
    private int _pageIndex;
    private int _pendingCommands;
    private bool _clearRequested;

    public EscPosPrinterEmulator(EscPosPrinterEmulatorOptions? options = null)
    {
        _options = options ?? new EscPosPrinterEmulatorOptions();
        _options.Validate();
        _time = _options.TimeProvider;
        _font = DeviceFont.Load(_options.FontDirectory);
        _roll = new PrintedRoll(_options.WidthDots, _options.KeepPages);
        _interpreter = new EscPosInterpreter(_roll, _font, this, _options.DefaultLineSpacingDots);
        _interpreter.PageClosed += page =>
        {
            _closedPages.Add(page);
            if (!_options.KeepPages)
            {
                // About 80 transcript lines a receipt: kept, they grew the firmware's no-hardware mode by 5 KB a
                // session (found by the 10,000-session soak). The page itself goes out through PageOutput.
                _interpreter.ForgetTranscript();
            }
        };
        _interpreter.Notice += (command, message) => EventOccurred?.Invoke(new JsonObject
        {
            ["event"] = "notice",
            ["offset"] = command.Offset,
            ["command"] = command.Mnemonic,
            ["message"] = message,
        });
        _buffer = new ReceiveBuffer(_options.ReceiveBufferBytes);
        _fullRollRows = (long)_options.RollLengthMm * _options.DotsPerMm;
        _nearEndRows = (long)_options.NearEndRemainingMm * _options.DotsPerMm;
        _rowsPerSecond = _options.PrintSpeedMmPerSecond * _options.DotsPerMm;
        _remainingRows = _fullRollRows;
        _busyUntil = _time.GetTimestamp();
        if (_options.OutputDirectory is not null)
        {
            Directory.CreateDirectory(_options.OutputDirectory);
        }
    }

    public event Action<JsonObject>? EventOccurred;

    /// <summary>A page was cut off (or ended by paper end); the path is null when no output directory is set.</summary>
    public event Action<PrintedPage, string?>? PageOutput;

    public string Kind => "printer";

    public EscPosPrinterEmulatorOptions Options => _options;

    /// <summary>The DTR line as the host sees it on DSR: true = ready, false = busy.</summary>
    public bool ReadyLine
    {
        get
        {
            lock (_gate)
            {
                return !_busy && !_poweredOff;
            }
        }
    }

    public long DroppedBytes
    {
        get
        {
            lock (_gate)
            {
                return _dropped;
            }
        }
    }

    /// <summary>Pages closed so far (cut, or ended by paper end).</summary>
    public IReadOnlyList<PrintedPage> Pages
    {
        get
        {
            lock (_mechanism)
            {
                return [.. _roll.Pages];
            }
        }
    }

    /// <summary>PNG files written so far.</summary>
    public IReadOnlyList<string> PngFiles
    {
        get
        {
            lock (_gate)
            {
                return [.. _pngFiles];
            }
        }
    }

    /// <summary>Transcript of every printed line.</summary>
    public IReadOnlyList<string> TextLines
    {
        get
        {
            lock (_mechanism)
            {
                return [.. _interpreter.TextLines];
            }
        }
    }

    public EmulatedPrinterCondition Condition
    {
        get
        {
            lock (_gate)
            {
                return new EmulatedPrinterCondition(
                    _poweredOff, _coverOpen, PaperWord(), _remainingRows / _options.DotsPerMm, _cutterJam, _cutterError, _busy,
                    _buffer.Count + Volatile.Read(ref _pendingCommands), _dropped, _busyEpisodes, _asbMask);
            }
        }
    }

    private bool PaperEnd => _remainingRows <= 0;

    private bool NearEnd => _remainingRows <= _nearEndRows;

    private bool Offline => _coverOpen || PaperEnd || _cutterError;

    private bool CanPrint => !_poweredOff && !Offline && !_clearRequested;

    public JsonObject Describe() => new()
    {
        ["widthDots"] = _options.WidthDots,
        ["receiveBufferBytes"] = _options.ReceiveBufferBytes,
        ["xonXoff"] = _options.SendsXonXoff,
        ["automaticStatusBack"] = _options.SupportsAutomaticStatusBack,
        ["printSpeedMmPerSecond"] = _options.PrintSpeedMmPerSecond,
        ["rollLengthMm"] = _options.RollLengthMm,
        ["outDir"] = _options.OutputDirectory,
    };

    public async Task RunAsync(Stream link, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(link);
        _link = link;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var mechanism = Task.Run(() => MechanismLoopAsync(stop.Token), CancellationToken.None);
        try
        {
            await ReceiveLoopAsync(link, stop.Token).ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await mechanism.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Normal shutdown.
            }
        }
    }

    public JsonObject? Apply(JsonElement command)
    {
        var known = false;
        foreach (var property in command.EnumerateObject())
        {
            known = true;
            switch (property.Name)
            {
                case "paper":
                    switch (property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null)
                    {
                        case "ok":
                            LoadPaper();
                            break;
                        case "near-end":
                            SetPaperRemaining(_options.NearEndRemainingMm);
                            break;
                        case "end":
                            SetPaperRemaining(0);
                            break;
                        default:
                            throw new SimulatorControlException("\"paper\" takes \"ok\", \"near-end\" or \"end\".");
                    }

                    break;
                case "paperRemainingMm":
                    if (!property.Value.TryGetInt32(out var millimetres) || millimetres < 0)
                    {
                        throw new SimulatorControlException("\"paperRemainingMm\" takes a whole number of millimetres, 0 or more.");
                    }

                    SetPaperRemaining(millimetres);
                    break;
                case "cover":
                    SetCover(property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() switch
                    {
                        "open" => true,
                        "closed" => false,
                        _ => throw new SimulatorControlException("\"cover\" takes \"open\" or \"closed\"."),
                    } : throw new SimulatorControlException("\"cover\" takes \"open\" or \"closed\"."));
                    break;
                case "cutter":
                    SetCutterJam(property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() switch
                    {
                        "jam" => true,
                        "clear" => false,
                        _ => throw new SimulatorControlException("\"cutter\" takes \"jam\" or \"clear\"."),
                    } : throw new SimulatorControlException("\"cutter\" takes \"jam\" or \"clear\"."));
                    break;
                case "offline":
                    if (property.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    {
                        throw new SimulatorControlException("\"offline\" takes true or false.");
                    }

                    SetPoweredOff(property.Value.GetBoolean());
                    break;
                default:
                    throw new SimulatorControlException(
                        $"Unknown printer command \"{property.Name}\"; known: paper, paperRemainingMm, cover, cutter, offline.");
            }
        }

        if (!known)
        {
            throw new SimulatorControlException("Empty command; known: paper, paperRemainingMm, cover, cutter, offline.");
        }

        return new JsonObject { ["status"] = ConditionJson() };
    }

    /// <summary>Loads a fresh roll.</summary>
    public void LoadPaper() => SetPaperRemainingRows(_fullRollRows);

    /// <summary>Leaves exactly this much paper on the roll (0 = paper end, at or below the near-end length trips near-end).</summary>
    public void SetPaperRemaining(int millimetres) => SetPaperRemainingRows((long)millimetres * _options.DotsPerMm);

    public void SetCover(bool open) => Change(() =>
    {
        if (!open && _coverOpen && _cutterError && !_cutterJam)
        {
            // Opening and closing the cover clears a recoverable cutter error once the jam is gone (Epson behaviour).
            _cutterError = false;
        }

        _coverOpen = open;
    });

    /// <summary>True makes the next cut jam (and every cut until cleared); false removes the jam. The error stays
    /// latched until DLE ENQ or a cover cycle recovers it.</summary>
    public void SetCutterJam(bool jammed) => Change(() => _cutterJam = jammed);

    /// <summary>True: the printer stops answering and loses its buffer. False: power-on reset.</summary>
    public void SetPoweredOff(bool off) => Change(() =>
    {
        if (off == _poweredOff)
        {
            return;
        }

        _poweredOff = off;
        _buffer.Clear();
        ClearMechanism();
        _scanner.Reset();
        if (!off)
        {
            _interpreter.Execute(new EscPosCommand(EscPosCommandKind.Initialize, 0, [EscPosControl.Esc, (byte)'@'], 2, 2));
            _cutterError = false;
            _lastAsb = null;
            _asbMask = 0;
            _busy = false;
            if (_options.SendsXonXoff)
            {
                _outgoing.Add(EscPosControl.Xon);
            }
        }
    });

    public async ValueTask DisposeAsync()
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        _writeLock.Dispose();
        _font.Dispose();
    }

    bool IEscPosHost.TryFeed(int rows)
    {
        lock (_gate)
        {
            if (_remainingRows < rows)
            {
                // The roll runs out under this line: nothing of it is printed, and the rest of the roll is gone.
                _remainingRows = 0;
                UpdateBusy();
                SendAutomaticStatusIfChanged();
                return false;
            }

            _remainingRows -= rows;
            _rowsFed += rows;
            return true;
        }
    }

    bool IEscPosHost.TryCut(bool partial)
    {
        lock (_gate)
        {
            if (_cutterJam)
            {
                _cutterError = true;
                UpdateBusy();
                SendAutomaticStatusIfChanged();
                return false;
            }

            return true;
        }
    }

    void IEscPosHost.Reply(ReadOnlySpan<byte> bytes)
    {
        lock (_gate)
        {
            if (!_poweredOff)
            {
                _outgoing.AddRange(bytes);
            }
        }
    }

    byte IEscPosHost.PaperSensorReply()
    {
        lock (_gate)
        {
            return new PaperSensorReply(NearEnd, PaperEnd).Encode();
        }
    }

    void IEscPosHost.AutomaticStatusBackChanged(byte mask)
    {
        lock (_gate)
        {
            _asbMask = _options.SupportsAutomaticStatusBack ? mask : (byte)0;
            _lastAsb = null;
            SendAutomaticStatusIfChanged();
        }
    }

    private void SetPaperRemainingRows(long rows) => Change(() =>
    {
        var wasEnd = PaperEnd;
        _remainingRows = Math.Max(0, rows);
        if (!wasEnd && PaperEnd && _roll.OpenRows > 0)
        {
            _interpreter.ClosePageAtPaperEnd();
        }
    });

    /// <summary>Applies a state change, then updates busy/XON/XOFF and ASB and wakes the mechanism.</summary>
    private void Change(Action change)
    {
        lock (_mechanism)
        {
            lock (_gate)
            {
                change();
                UpdateBusy();
                SendAutomaticStatusIfChanged();
            }
        }

        _ = FlushAfterChangeAsync();
    }

    private async Task FlushAfterChangeAsync()
    {
        try
        {
            await FlushOutgoingAsync(CancellationToken.None).ConfigureAwait(false);
            await WritePagesAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // Disposed while a control command was being applied.
        }

        _wake.Set();
    }

    private async Task ReceiveLoopAsync(Stream link, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        while (!cancellationToken.IsCancellationRequested)
        {
            int read;
            try
            {
                read = await link.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
            {
                return;
            }

            if (read == 0)
            {
                return;
            }

            int lost;
            lock (_gate)
            {
                lost = Receive(buffer.AsSpan(0, read));
            }

            if (lost > 0)
            {
                EventOccurred?.Invoke(new JsonObject { ["event"] = "overrun", ["dropped"] = lost, ["totalDropped"] = DroppedBytes });
            }

            await FlushOutgoingAsync(cancellationToken).ConfigureAwait(false);
            _wake.Set();
        }
    }

    /// <summary>The receive path: real-time commands act at once, then the bytes go into the buffer if they fit.</summary>
    private int Receive(ReadOnlySpan<byte> bytes)
    {
        if (_poweredOff)
        {
            return 0;
        }

        foreach (var b in bytes)
        {
            var command = _scanner.Scan(b);
            if (command.Kind == RealTimeCommandKind.TransmitStatus)
            {
                _outgoing.Add(RealTimeStatusByte(command.N));
            }
            else if (command.Kind == RealTimeCommandKind.Recover)
            {
                Recover(command.N);
            }
        }

        var lost = _buffer.Write(bytes);
        _dropped += lost;
        UpdateBusy();
        return lost;
    }

    private byte RealTimeStatusByte(byte n) => n switch
    {
        1 => new PrinterStatusFlags(false, Offline, false, false).Encode(),
        2 => new OfflineCauseFlags(_coverOpen, false, PaperEnd, _cutterError).Encode(),
        3 => new ErrorCauseFlags(false, _cutterError, false, false).Encode(),
        _ => new RollPaperFlags(NearEnd, PaperEnd).Encode(),
    };

    /// <summary><c>DLE ENQ n</c>: only acts on a recoverable error whose cause is gone (Epson ignores it otherwise).</summary>
    private void Recover(byte n)
    {
        if (!_cutterError || _cutterJam)
        {
            return;
        }

        _cutterError = false;
        if (n == 2)
        {
            // The mechanism drops its parsed commands and line buffer before it runs again.
            _buffer.Clear();
            _clearRequested = true;
        }

        UpdateBusy();
        SendAutomaticStatusIfChanged();
    }

    private async Task MechanismLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TimeSpan wait;
            lock (_mechanism)
            {
                lock (_gate)
                {
                    wait = NextStep();
                }
            }

            if (wait == Timeout.InfiniteTimeSpan)
            {
                await _wake.WaitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            lock (_mechanism)
            {
                Step();
            }

            await FlushOutgoingAsync(cancellationToken).ConfigureAwait(false);
            await WritePagesAsync().ConfigureAwait(false);
        }
    }

    private TimeSpan NextStep()
    {
        if (_clearRequested)
        {
            return TimeSpan.Zero;
        }

        if (!CanPrint || (_commands.Count == 0 && _buffer.Count == 0))
        {
            return Timeout.InfiniteTimeSpan;
        }

        var ahead = _time.GetElapsedTime(_time.GetTimestamp(), _busyUntil);
        return ahead > TimeSpan.Zero ? ahead : TimeSpan.Zero;
    }

    /// <summary>
    /// Processes about 20 ms worth of printing, then lets the clock catch up. Runs under the mechanism lock; the
    /// receive state is touched only in short sections under <c>_gate</c> (host callbacks take it too).
    /// </summary>
    private void Step()
    {
        lock (_gate)
        {
            if (_clearRequested)
            {
                ClearMechanism();
                _clearRequested = false;
            }

            _rowsFed = 0;
        }

        var budget = Math.Max(24, (int)(_rowsPerSecond / 50));
        Span<byte> chunk = stackalloc byte[MechanismChunkBytes];
        while (true)
        {
            int taken;
            lock (_gate)
            {
                if (_rowsFed >= budget || !CanPrint)
                {
                    break;
                }

                taken = _commands.Count == 0 ? _buffer.Read(chunk) : -1;
                if (taken >= 0)
                {
                    UpdateBusy();
                }
            }

            if (taken == 0)
            {
                break;
            }

            if (taken > 0)
            {
                _parsed.Clear();
                _parser.Parse(chunk[..taken], _parsed);
                foreach (var command in _parsed)
                {
                    _commands.Enqueue(command);
                }

                Volatile.Write(ref _pendingCommands, _commands.Count);
                continue;
            }

            var outcome = _interpreter.Execute(_commands.Peek());
            if (outcome == InterpretOutcome.Done)
            {
                _commands.Dequeue();
                Volatile.Write(ref _pendingCommands, _commands.Count);
                continue;
            }

            if (outcome == InterpretOutcome.PaperEnd && _roll.OpenRows > 0)
            {
                _interpreter.ClosePageAtPaperEnd();
            }

            break;
        }

        lock (_gate)
        {
            var now = _time.GetTimestamp();
            var start = Math.Max(now, _busyUntil);
            _busyUntil = start + (long)(_rowsFed / _rowsPerSecond * _time.TimestampFrequency);
            UpdateBusy();
            SendAutomaticStatusIfChanged();
        }
    }

    /// <summary>Forgets everything between the receive buffer and the paper (power loss, DLE ENQ 2).</summary>
    private void ClearMechanism()
    {
        _commands.Clear();
        _parser.Reset();
        _interpreter.ClearLineBuffer();
        Volatile.Write(ref _pendingCommands, 0);
    }

    /// <summary>Busy (XOFF, DTR mark) with hysteresis on free buffer space, and while off line if so configured.</summary>
    private void UpdateBusy()
    {
        if (_poweredOff)
        {
            return;
        }

        var offlineBusy = _options.BusyWhenOffline && Offline;
        var busy = _busy
            ? offlineBusy || _buffer.Free < _options.ReadyAtFreeBytes
            : offlineBusy || _buffer.Free <= _options.BusyAtFreeBytes;
        if (busy == _busy)
        {
            return;
        }

        _busy = busy;
        if (busy)
        {
            _busyEpisodes++;
        }

        if (_options.SendsXonXoff)
        {
            _outgoing.Add(busy ? EscPosControl.Xoff : EscPosControl.Xon);
        }
    }

    private void SendAutomaticStatusIfChanged()
    {
        if (_asbMask == 0 || _poweredOff)
        {
            return;
        }

        var online = (_asbMask & 0x02) != 0;
        var errors = (_asbMask & 0x04) != 0;
        var paper = (_asbMask & 0x08) != 0;
        var frame = new AutomaticStatus(
            DrawerPinHigh: false,
            Offline: online && Offline,
            CoverOpen: online && _coverOpen,
            PaperFedByButton: false,
            WaitingForOnlineRecovery: false,
            FeedButtonPressed: false,
            RecoverableError: false,
            AutoCutterError: errors && _cutterError,
            UnrecoverableError: false,
            AutoRecoverableError: false,
            PaperNearEnd: paper && NearEnd,
            PaperEnd: paper && PaperEnd).Encode();
        if (_lastAsb is not null && frame.AsSpan().SequenceEqual(_lastAsb))
        {
            return;
        }

        _lastAsb = frame;
        _outgoing.AddRange(frame);
    }

    private async Task FlushOutgoingAsync(CancellationToken cancellationToken)
    {
        byte[] bytes;
        lock (_gate)
        {
            if (_outgoing.Count == 0 || _link is null)
            {
                return;
            }

            bytes = [.. _outgoing];
            _outgoing.Clear();
        }

        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _link!.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            await _link.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The host side is gone; replies have nowhere to go.
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task WritePagesAsync()
    {
        List<(PrintedPage Page, int Index)> pages;
        lock (_mechanism)
        {
            if (_closedPages.Count == 0)
            {
                return;
            }

            pages = [.. _closedPages.Select(p => (p, ++_pageIndex))];
            _closedPages.Clear();
        }

        foreach (var (page, index) in pages)
        {
            string? path = null;
            if (_options.OutputDirectory is not null)
            {
                path = Path.Combine(_options.OutputDirectory, string.Create(CultureInfo.InvariantCulture, $"receipt-{index:0000}.png"));
                await File.WriteAllBytesAsync(path, PrintedRoll.EncodePng(page)).ConfigureAwait(false);
                if (_options.KeepPages)
                {
                    lock (_gate)
                    {
                        _pngFiles.Add(path);
                    }
                }
            }

            PageOutput?.Invoke(page, path);
            EventOccurred?.Invoke(new JsonObject
            {
                ["event"] = page.End == PageEnd.PaperEnd ? "paper-end" : "cut",
                ["index"] = index,
                ["cut"] = page.End switch { PageEnd.FullCut => "full", PageEnd.PartialCut => "partial", _ => "none" },
                ["png"] = path,
                ["widthDots"] = page.Width,
                ["heightDots"] = page.Height,
            });
        }
    }

    private string PaperWord() => PaperEnd ? "end" : NearEnd ? "near-end" : "ok";

    private JsonObject ConditionJson()
    {
        var c = Condition;
        return new JsonObject
        {
            ["offline"] = c.PoweredOff,
            ["cover"] = c.CoverOpen ? "open" : "closed",
            ["paper"] = c.Paper,
            ["paperRemainingMm"] = c.PaperRemainingMm,
            ["cutter"] = c.CutterJammed ? "jam" : c.CutterError ? "error" : "ok",
            ["busy"] = c.Busy,
            ["bufferedBytes"] = c.BufferedBytes,
            ["droppedBytes"] = c.DroppedBytes,
            ["busyEpisodes"] = c.BusyEpisodes,
        };
    }
}
