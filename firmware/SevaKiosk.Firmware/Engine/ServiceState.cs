using SevaKiosk.Hal.Devices;

namespace SevaKiosk.Firmware.Engine;

/// <summary>
/// Whether the machine serves citizens, and if not, every reason why (a fault with its recommended action, an
/// operator's out-of-service command, a full outbox). No session starts while any reason stands.
/// </summary>
public sealed class ServiceState
{
    private readonly object _gate = new();
    private readonly Dictionary<string, string> _reasons = new(StringComparer.Ordinal);

    public event Action<ServiceState>? Changed;

    public bool InService
    {
        get
        {
            lock (_gate)
            {
                return _reasons.Count == 0;
            }
        }
    }

    public IReadOnlyDictionary<string, string> Reasons
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, string>(_reasons, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Puts the machine out of service for <paramref name="key"/> (idempotent per key).</summary>
    public void Block(string key, string reason)
    {
        lock (_gate)
        {
            if (_reasons.TryGetValue(key, out var existing) && existing == reason)
            {
                return;
            }

            _reasons[key] = reason;
        }

        Changed?.Invoke(this);
    }

    public void Unblock(string key)
    {
        lock (_gate)
        {
            if (!_reasons.Remove(key))
            {
                return;
            }
        }

        Changed?.Invoke(this);
    }

    /// <summary>Follows a device's faults: any fault of severity Error or worse blocks service until it clears.</summary>
    public void Follow(IKioskDevice device)
    {
        void Refresh()
        {
            var blocking = device.ActiveFaults.Where(f => f.Severity >= FaultSeverity.Error).ToArray();
            if (blocking.Length == 0)
            {
                Unblock("device:" + device.Name);
            }
            else
            {
                Block("device:" + device.Name, string.Join("; ", blocking.Select(f => $"{f.Code} ({f.Action}): {f.Message}")));
            }
        }

        device.FaultRaised += (_, _) => Refresh();
        device.FaultCleared += (_, _) => Refresh();
        Refresh();
    }

    public string Describe()
    {
        var reasons = Reasons;
        return reasons.Count == 0 ? "in service" : "out of service: " + string.Join("; ", reasons.Values);
    }
}
