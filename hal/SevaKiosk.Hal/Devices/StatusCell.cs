namespace SevaKiosk.Hal.Devices;

/// <summary>
/// Holds a device's current status record and raises <see cref="Changed"/> only when an update really changes it
/// (records compare by value), so observers and telemetry get deltas, not poll-rate noise.
/// </summary>
public sealed class StatusCell<TStatus>
    where TStatus : class, IEquatable<TStatus>
{
    private readonly object _gate = new();
    private TStatus _current;

    public StatusCell(TStatus initial) => _current = initial;

    public event EventHandler<StatusChangedEventArgs<TStatus>>? Changed;

    public TStatus Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>Applies <paramref name="update"/> atomically; returns true and raises <see cref="Changed"/> if the status changed.</summary>
    public bool Update(Func<TStatus, TStatus> update)
    {
        TStatus previous;
        TStatus next;
        lock (_gate)
        {
            previous = _current;
            next = update(previous);
            if (next.Equals(previous))
            {
                return false;
            }

            _current = next;
        }

        Changed?.Invoke(this, new StatusChangedEventArgs<TStatus>(previous, next));
        return true;
    }
}
