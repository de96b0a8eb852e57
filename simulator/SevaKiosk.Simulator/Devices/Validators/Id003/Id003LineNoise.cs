namespace SevaKiosk.Simulator.Devices.Validators.Id003;

/// <summary>
/// Corrupts a serial line: each byte is dropped with probability rate/2 or has one bit flipped with probability
/// rate/2. Seeded, so a noisy run repeats exactly. Used on both directions of the simulated link.
/// </summary>
internal sealed class Id003LineNoise
{
    private readonly object _gate = new();
    private Random _random;
    private double _rate;

    public Id003LineNoise(int seed) => _random = new Random(seed);

    public double Rate
    {
        get
        {
            lock (_gate)
            {
                return _rate;
            }
        }
    }

    public void Configure(double rate, int? seed)
    {
        if (double.IsNaN(rate) || rate is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "Noise is a probability per byte, 0..1.");
        }

        lock (_gate)
        {
            _rate = rate;
            if (seed is { } s)
            {
                _random = new Random(s);
            }
        }
    }

    /// <summary>Copies <paramref name="source"/> to <paramref name="destination"/> through the noise; returns the bytes kept.</summary>
    public int Apply(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        lock (_gate)
        {
            if (_rate == 0)
            {
                source.CopyTo(destination);
                return source.Length;
            }

            var kept = 0;
            foreach (var b in source)
            {
                var roll = _random.NextDouble();
                if (roll < _rate / 2)
                {
                    continue;
                }

                destination[kept++] = roll < _rate ? (byte)(b ^ (1 << _random.Next(8))) : b;
            }

            return kept;
        }
    }
}
