using System.Globalization;
using SevaKiosk.Firmware.Agent.Outbox;
using SevaKiosk.Hal.Devices;
using SevaKiosk.Protocol.Mqtt;
using UnitsNet;

namespace SevaKiosk.Firmware.Agent.Telemetry;

/// <summary>
/// Turns samples and faults into contract messages and queues them in the bounded outbox. Telemetry batches are
/// numbered per boot (the counter is durable, keyed by boot id, so a firmware restart within one boot does not reuse
/// numbers) and carry how many batches were dropped before them.
/// </summary>
public sealed class TelemetryRecorder
{
    private readonly OutboxStore _outbox;
    private readonly AgentValues _values;
    private readonly MachineTopics _topics;
    private readonly IMachineClock _clock;
    private readonly KioskAgentOptions _options;
    private readonly Action _wake;
    private readonly Lock _gate = new();

    public TelemetryRecorder(OutboxStore outbox, AgentValues values, MachineTopics topics, IMachineClock clock, KioskAgentOptions options, Action wake)
    {
        _outbox = outbox;
        _values = values;
        _topics = topics;
        _clock = clock;
        _options = options;
        _wake = wake;
        if (values.GetText(AgentValues.TelemetryBoot) != clock.BootId)
        {
            values.SetText(AgentValues.TelemetryBoot, clock.BootId);
            values.SetText(AgentValues.TelemetrySeq, "0");
        }
    }

    /// <summary>A sample of a UnitsNet quantity, its unit written as the invariant abbreviation (°C, %, V, ...).</summary>
    public static TelemetrySample Sample(string name, IQuantity quantity, long monotonicMs) =>
        new(name, (double)quantity.Value, UnitAbbreviationsCache.Default.GetDefaultAbbreviation(quantity.Unit.GetType(), Convert.ToInt32(quantity.Unit, CultureInfo.InvariantCulture), CultureInfo.InvariantCulture), monotonicMs);

    /// <summary>A count (no unit).</summary>
    public static TelemetrySample Count(string name, long value, long monotonicMs) => new(name, value, string.Empty, monotonicMs);

    /// <summary>Queues one batch (one durable commit); returns it as it will be published.</summary>
    public TelemetryBatch Record(IReadOnlyList<TelemetrySample> samples)
    {
        lock (_gate)
        {
            var seq = _values.Increment(AgentValues.TelemetrySeq) - 1;
            var batch = new TelemetryBatch
            {
                MachineId = _topics.MachineId,
                Seq = seq,
                Stamp = _clock.Now(),
                Samples = samples,
                DroppedBeforeThis = _values.GetNumber(AgentValues.DroppedCounter(OutboxStore.TelemetryKind)),
            };
            _outbox.EnqueueMessage(OutboxStore.TelemetryKind, _topics.Telemetry, KioskJson.Serialize(batch), _options.TelemetryCapacity);
            _wake();
            return batch;
        }
    }

    /// <summary>Queues a fault raised (<paramref name="active"/>) or cleared.</summary>
    public FaultMessage Fault(DeviceFault fault, bool active)
    {
        var message = new FaultMessage
        {
            MachineId = _topics.MachineId,
            Device = fault.Device,
            Code = fault.Code,
            Severity = fault.Severity switch
            {
                FaultSeverity.Warning => "warning",
                FaultSeverity.Error => "error",
                _ => "critical",
            },
            Action = fault.Action switch
            {
                RecommendedAction.Reset => "reset",
                RecommendedAction.OperatorCanClear => "operator-can-clear",
                RecommendedAction.TechnicianNeeded => "technician-needed",
                _ => "configuration",
            },
            ClearsBySelf = fault.ClearsBySelf,
            Active = active,
            Message = fault.Message,
            Stamp = _clock.Now(),
        };
        _outbox.EnqueueMessage(OutboxStore.FaultKind, _topics.Faults, KioskJson.Serialize(message), _options.EventCapacity);
        _wake();
        return message;
    }
}
