namespace SevaKiosk.Hal.Devices;

/// <summary>
/// Exponential backoff with full jitter (delay = random(0, min(max, initial * 2^attempt))). Jitter keeps a fleet of
/// kiosks that lost power together from hammering the same broker or a USB hub from re-enumerating in lockstep.
/// </summary>
public sealed class Backoff
{
    private readonly TimeSpan _initial;
    private readonly TimeSpan _max;
    private readonly Random _random;
    private int _attempt;

    public Backoff(TimeSpan initial, TimeSpan max, Random? random = null)
    {
        if (initial <= TimeSpan.Zero || max < initial)
        {
            throw new ArgumentOutOfRangeException(nameof(initial), "Backoff needs 0 < initial <= max.");
        }

        _initial = initial;
        _max = max;
        _random = random ?? Random.Shared;
    }

    public int Attempt => _attempt;

    /// <summary>The next delay; grows until <see cref="Reset"/>.</summary>
    public TimeSpan Next()
    {
        var ceiling = Math.Min(_max.Ticks, _initial.Ticks * (1L << Math.Min(_attempt, 30)));
        _attempt++;
        return TimeSpan.FromTicks(Math.Max(_initial.Ticks / 4, (long)(_random.NextDouble() * ceiling)));
    }

    public void Reset() => _attempt = 0;
}
