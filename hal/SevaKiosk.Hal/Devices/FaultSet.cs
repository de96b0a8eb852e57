namespace SevaKiosk.Hal.Devices;

/// <summary>
/// The active faults of one device, keyed by code. Raising an already active code or clearing an inactive one is a
/// no-op, so drivers can call these on every poll and observers still see each transition exactly once.
/// </summary>
public sealed class FaultSet
{
    private readonly object _gate = new();
    private readonly List<DeviceFault> _active = [];
    private readonly string _device;
    private readonly TimeProvider _time;

    public FaultSet(string device, TimeProvider time)
    {
        _device = device;
        _time = time;
    }

    public event EventHandler<DeviceFaultEventArgs>? Raised;

    public event EventHandler<DeviceFaultEventArgs>? Cleared;

    public IReadOnlyList<DeviceFault> Active
    {
        get
        {
            lock (_gate)
            {
                return _active.ToArray();
            }
        }
    }

    public bool IsActive(string code)
    {
        lock (_gate)
        {
            return IndexOf(code) >= 0;
        }
    }

    /// <summary>Raises <paramref name="definition"/> unless it is already active. Returns true if it was new.</summary>
    public bool Raise(FaultDefinition definition, string? detail = null)
    {
        DeviceFault fault;
        lock (_gate)
        {
            if (IndexOf(definition.Code) >= 0)
            {
                return false;
            }

            fault = definition.Raise(_device, _time.GetUtcNow(), detail);
            _active.Add(fault);
        }

        Raised?.Invoke(this, new DeviceFaultEventArgs(fault));
        return true;
    }

    /// <summary>Clears the fault with <paramref name="code"/>. Returns true if it was active.</summary>
    public bool Clear(string code)
    {
        DeviceFault fault;
        lock (_gate)
        {
            var index = IndexOf(code);
            if (index < 0)
            {
                return false;
            }

            fault = _active[index];
            _active.RemoveAt(index);
        }

        Cleared?.Invoke(this, new DeviceFaultEventArgs(fault));
        return true;
    }

    /// <summary>Clears every active fault that matches <paramref name="predicate"/>.</summary>
    public void ClearWhere(Func<DeviceFault, bool> predicate)
    {
        foreach (var fault in Active)
        {
            if (predicate(fault))
            {
                Clear(fault.Code);
            }
        }
    }

    /// <summary>A plain loop rather than a predicate: drivers ask on every poll, and a lambda capturing the code would
    /// allocate each time.</summary>
    private int IndexOf(string code)
    {
        for (var i = 0; i < _active.Count; i++)
        {
            if (_active[i].Code == code)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The state implied by the worst active fault, or null when none stops the device.</summary>
    public DeviceState? WorstState()
    {
        var active = Active;
        if (active.Count == 0)
        {
            return null;
        }

        return active.Max(f => f.Severity) switch
        {
            FaultSeverity.Warning => null,
            _ => active.Any(f => f.Code.Contains(".fraud", StringComparison.Ordinal)) ? DeviceState.FraudAttempt
                : active.Any(f => f.Action == RecommendedAction.OperatorCanClear && f.Severity >= FaultSeverity.Error) ? DeviceState.UserError
                : DeviceState.HardwareError,
        };
    }
}
