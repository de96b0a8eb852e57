using SevaKiosk.Protocol.Mqtt;

namespace SevaKiosk.Tools.Fleet.Watch;

/// <summary>
/// What kioskctl knows about each machine, built from the retained documents (status, meta, reported state) and the
/// live stream (telemetry, faults). Thread-safe: the MQTT receive loop applies messages while the screen reads
/// snapshots.
/// </summary>
/// <remarks>
/// <para>Last seen: a live message counts at the moment it arrived (kioskctl's clock, so a machine with a wrong clock
/// still looks alive); a retained one only at its own stamp, since it may have sat on the broker for days.</para>
/// <para>Status: a status with a lower birth sequence than the one shown is a late will from an older connection and is
/// ignored.</para>
/// <para>Gauges (paper, cash box, today's transactions): from the reported state (retained, current when written) and
/// from telemetry, whichever the machine stamped later.</para>
/// <para>Faults: the reported state's list (retained, current when it was written) replaces what is known; live
/// fault messages add and remove in between.</para>
/// </remarks>
internal sealed class FleetView
{
    private readonly Dictionary<string, MachineState> _machines = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Messages that could not be used (wrong topic, bad JSON), for the footer.</summary>
    public long Ignored { get; private set; }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _machines.Count;
            }
        }
    }

    public void Ignore()
    {
        lock (_gate)
        {
            Ignored++;
        }
    }

    public void Apply(FleetMessage message)
    {
        lock (_gate)
        {
            if (!_machines.TryGetValue(message.MachineId, out var machine))
            {
                machine = new MachineState(message.MachineId);
                _machines.Add(message.MachineId, machine);
            }

            machine.Apply(message);
        }
    }

    /// <summary>
    /// The rows to show at <paramref name="now"/>: silent machines first, then offline, then faults, then the rest.
    /// Silence is judged only over time kioskctl has been listening (since <paramref name="listeningSince"/>): an old
    /// retained document does not prove a machine has said nothing since, so a fresh snapshot marks nobody silent.
    /// </summary>
    public IReadOnlyList<MachineRow> Snapshot(DateTimeOffset now, DateTimeOffset listeningSince, TimeSpan silentAfter, string? block = null)
    {
        lock (_gate)
        {
            return _machines.Values
                .Where(m => block is null || string.Equals(m.Location?.Block, block, StringComparison.OrdinalIgnoreCase))
                .Select(m => m.Row(now, listeningSince, silentAfter))
                .OrderBy(r => r.Urgency)
                .ThenBy(r => r.MachineId, StringComparer.Ordinal)
                .ToList();
        }
    }

    private sealed class MachineState(string machineId)
    {
        private readonly Dictionary<(string Device, string Code), FaultMessage> _faults = [];
        private readonly Dictionary<string, (TelemetrySample Sample, MachineStamp Stamp)> _gauges = new(StringComparer.Ordinal);
        private StatusMessage? _status;
        private DateTimeOffset? _statusReceivedLive;
        private DateTimeOffset? _faultsAsOf;

        public MachineLocation? Location { get; private set; }

        private string? Firmware { get; set; }

        private DateTimeOffset? LastSeen { get; set; }

        private ReportedState? Reported { get; set; }

        public void Apply(FleetMessage message)
        {
            // Retained documents say when the machine wrote them; live ones prove it is talking now.
            switch (message)
            {
                case StatusReceived { Status: var status } received:
                    Seen(received, status.Stamp);
                    if (_status is null || status.BirthSeq >= _status.BirthSeq)
                    {
                        _status = status;
                        _statusReceivedLive = received.Retained ? null : received.ReceivedAt;
                        Firmware = status.FirmwareVersion;
                    }

                    break;
                case MetaReceived { Meta: var meta } received:
                    Seen(received, meta.Stamp);
                    Location = meta.Location ?? Location;
                    Firmware = meta.FirmwareVersion;
                    break;
                case ReportedReceived { State: var state } received:
                    Seen(received, state.Stamp);
                    Reported = state;
                    if (state.ActiveFaults is { } active && (_faultsAsOf is null || state.Stamp.Wall >= _faultsAsOf))
                    {
                        _faults.Clear();
                        foreach (var fault in active)
                        {
                            _faults[(fault.Device, fault.Code)] = fault;
                        }

                        _faultsAsOf = state.Stamp.Wall;
                    }

                    foreach (var (name, value) in state.Gauges ?? new Dictionary<string, double>())
                    {
                        Gauge(new TelemetrySample(name, value, string.Empty, state.Stamp.MonotonicMs), state.Stamp);
                    }

                    break;
                case FaultReceived { Fault: var fault } received:
                    Seen(received, fault.Stamp);
                    if (_faultsAsOf is null || fault.Stamp.Wall >= _faultsAsOf)
                    {
                        if (fault.Active)
                        {
                            _faults[(fault.Device, fault.Code)] = fault;
                        }
                        else
                        {
                            _faults.Remove((fault.Device, fault.Code));
                        }
                    }

                    break;
                case TelemetryReceived { Batch: var batch } received:
                    Seen(received, batch.Stamp);
                    foreach (var sample in batch.Samples)
                    {
                        Gauge(sample, batch.Stamp);
                    }

                    break;
                default:
                    Seen(message, null);
                    break;
            }
        }

        public MachineRow Row(DateTimeOffset now, DateTimeOffset listeningSince, TimeSpan silentAfter)
        {
            var online = _status?.Online;
            var heardOrListening = LastSeen is { } seen && seen > listeningSince ? seen : listeningSince;
            var silent = online != false && now - heardOrListening > silentAfter;
            var state = silent ? ConnectionView.Silent : online == true ? ConnectionView.Online : ConnectionView.Offline;

            // Online since the connect stamp; offline since the will arrived if we saw it, else since last seen.
            var since = state switch
            {
                ConnectionView.Online => _status!.Stamp.Wall,
                ConnectionView.Offline => _statusReceivedLive ?? LastSeen,
                _ => LastSeen,
            };
            var faults = _faults.Values
                .OrderBy(f => ActionRank(f.Action))
                .ThenBy(f => f.Code, StringComparer.Ordinal)
                .Select(f => new FaultView(f.Device, f.Code, f.Action, f.Severity))
                .ToList();
            var urgency = state switch
            {
                ConnectionView.Silent => 0,
                ConnectionView.Offline => 1,
                _ when faults.Any(f => f.Action == "technician-needed") => 2,
                _ when faults.Count > 0 => 3,
                _ when Reported is { InService: false } => 4,
                _ => 5,
            };
            return new MachineRow(
                machineId,
                Location,
                state,
                since,
                LastSeen,
                Reported is { InService: false } r ? r.OutOfServiceReason ?? "out of service" : null,
                faults,
                Gauge(FleetMetrics.PrinterPaper),
                Gauge(FleetMetrics.CashboxFill),
                Gauge(FleetMetrics.CashboxNotes),
                Gauge(FleetMetrics.TransactionsToday),
                Gauge(FleetMetrics.AmountToday),
                Firmware,
                urgency);
        }

        /// <summary>Keeps a gauge value unless a newer one is known (a telemetry replay or an old retained document).</summary>
        private void Gauge(TelemetrySample sample, MachineStamp stamp)
        {
            if (!_gauges.TryGetValue(sample.Name, out var known) || Newer(stamp, known.Stamp))
            {
                _gauges[sample.Name] = (sample, stamp);
            }
        }

        private double? Gauge(string name) => _gauges.TryGetValue(name, out var gauge) ? gauge.Sample.Value : null;

        private void Seen(FleetMessage message, MachineStamp? stamp)
        {
            var at = message.Retained ? stamp?.Wall : message.ReceivedAt;
            if (at is { } time && (LastSeen is null || time > LastSeen))
            {
                // A retained stamp from a machine whose clock runs ahead must not look newer than now.
                LastSeen = time > message.ReceivedAt ? message.ReceivedAt : time;
            }
        }

        // Within one boot the monotonic clock orders batches (a replay after an outage arrives late); across boots only
        // the wall clock can.
        private static bool Newer(MachineStamp candidate, MachineStamp known) =>
            candidate.BootId == known.BootId ? candidate.MonotonicMs >= known.MonotonicMs : candidate.Wall >= known.Wall;

        private static int ActionRank(string action) => action switch
        {
            "technician-needed" => 0,
            "configuration" => 1,
            "operator-can-clear" => 2,
            _ => 3,
        };
    }
}

internal enum ConnectionView
{
    Online,
    Offline,

    /// <summary>Not known to be offline, but nothing heard for longer than the silence limit.</summary>
    Silent,
}

/// <summary>An active fault as the table shows it.</summary>
internal sealed record FaultView(string Device, string Code, string Action, string Severity);

/// <summary>One machine's line in the watch table. Gauges are null until the machine's first telemetry arrives.</summary>
internal sealed record MachineRow(
    string MachineId,
    MachineLocation? Location,
    ConnectionView Connection,
    DateTimeOffset? Since,
    DateTimeOffset? LastSeen,
    string? OutOfService,
    IReadOnlyList<FaultView> Faults,
    double? Paper,
    double? CashboxFill,
    double? CashboxNotes,
    double? TransactionsToday,
    double? AmountToday,
    string? Firmware,
    int Urgency);
