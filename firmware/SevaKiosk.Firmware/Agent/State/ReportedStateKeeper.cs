using System.Text;
using SevaKiosk.Firmware.Agent.Outbox;
using SevaKiosk.Protocol.Mqtt;

namespace SevaKiosk.Firmware.Agent.State;

/// <summary>
/// The machine's reported state (applied configuration version, in/out of service and why), kept durably and
/// published retained on <c>state/reported</c> whenever it changes and after every connect.
/// </summary>
public sealed class ReportedStateKeeper
{
    private readonly AgentValues _values;
    private readonly IMachineClock _clock;
    private readonly Lock _gate = new();
    private ReportedState _current;

    public ReportedStateKeeper(AgentValues values, IMachineClock clock, string machineId)
    {
        _values = values;
        _clock = clock;
        var stored = values.GetText(AgentValues.ReportedState);
        _current = stored is not null && KioskJson.TryDeserialize<ReportedState>(Encoding.UTF8.GetBytes(stored), out var state, out _) && state is not null
            ? state
            : new ReportedState { MachineId = machineId, Version = 0, InService = true, Stamp = clock.Now() };
    }

    /// <summary>Raised after every durable change, with the new state (the agent publishes it).</summary>
    public event EventHandler<ReportedState>? Changed;

    public ReportedState Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>Applies <paramref name="change"/>, stores the result durably, then raises <see cref="Changed"/>.</summary>
    public ReportedState Update(Func<ReportedState, ReportedState> change)
    {
        ReportedState next;
        lock (_gate)
        {
            next = change(_current) with { Stamp = _clock.Now() };
            _values.SetText(AgentValues.ReportedState, KioskJson.SerializeToString(next));
            _current = next;
        }

        Changed?.Invoke(this, next);
        return next;
    }
}
