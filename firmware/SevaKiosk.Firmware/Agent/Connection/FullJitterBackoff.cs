namespace SevaKiosk.Firmware.Agent.Connection;

/// <summary>
/// Exponential backoff with full jitter: the wait before reconnect attempt <c>n</c> (from 0) is uniform in
/// <c>[0, min(cap, base·2^n)]</c>. Spreading the whole interval, not just a fringe, is what keeps a fleet that lost
/// its broker at the same moment from coming back at the same moment.
/// </summary>
public sealed class FullJitterBackoff
{
    private readonly TimeSpan _base;
    private readonly TimeSpan _cap;
    private readonly Func<double> _unit;

    /// <param name="unitRandom">Returns a value in [0, 1); <see cref="Random.Shared"/> by default.</param>
    public FullJitterBackoff(TimeSpan baseDelay, TimeSpan cap, Func<double>? unitRandom = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(baseDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(cap, baseDelay);
        _base = baseDelay;
        _cap = cap;
        _unit = unitRandom ?? Random.Shared.NextDouble;
    }

    /// <summary>The upper bound for attempt <paramref name="attempt"/>: min(cap, base·2^attempt).</summary>
    public TimeSpan Ceiling(int attempt)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(attempt);
        var ticks = _base.Ticks * Math.Pow(2, Math.Min(attempt, 62));
        return ticks >= _cap.Ticks ? _cap : TimeSpan.FromTicks((long)ticks);
    }

    public TimeSpan Delay(int attempt) => TimeSpan.FromTicks((long)(Ceiling(attempt).Ticks * Math.Clamp(_unit(), 0, 1)));
}
