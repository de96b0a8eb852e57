using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;

namespace SevaKiosk.Simulator.Line;

/// <summary>
/// What a bad serial line or a cheap adapter does to a simulated device's traffic: byte noise (drop or flip one bit, at
/// a rate, in both directions), an echo of everything the host sends, a delay before every reply, or total silence (an
/// unplugged cable). Protocol-neutral, so every simulated serial device uses the same faults. Thread-safe: controls
/// change the settings while the device's link loop reads them.
/// </summary>
public sealed class LineFaults
{
    private readonly object _gate = new();
    private readonly Random _random;
    private double _noiseRate;
    private TimeSpan _replyDelay;
    private volatile bool _echo;
    private volatile bool _silent;
    private long _dropped;
    private long _corrupted;

    /// <param name="seed">Seed for the noise generator, so that a failing noisy run can be replayed; null picks one.</param>
    [SuppressMessage("Security", "CA5394:Do not use insecure randomness", Justification = "Simulated line noise, not security.")]
    public LineFaults(int? seed = null) => _random = seed is { } s ? new Random(s) : new Random();

    /// <summary>Probability (0..1) that any byte, in either direction, is dropped or has one bit flipped.</summary>
    public double NoiseRate
    {
        get
        {
            lock (_gate)
            {
                return _noiseRate;
            }
        }

        set
        {
            if (double.IsNaN(value) || value is < 0 or > 1)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The noise rate is a probability between 0 and 1.");
            }

            lock (_gate)
            {
                _noiseRate = value;
            }
        }
    }

    /// <summary>Delay before every reply (a slow device or a congested USB adapter). Zero for none.</summary>
    public TimeSpan ReplyDelay
    {
        get
        {
            lock (_gate)
            {
                return _replyDelay;
            }
        }

        set
        {
            if (value < TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "A reply delay cannot be negative.");
            }

            lock (_gate)
            {
                _replyDelay = value;
            }
        }
    }

    /// <summary>Echo every byte received back onto the line before the reply, as some RS-232/USB adapters do.</summary>
    public bool Echo
    {
        get => _echo;
        set => _echo = value;
    }

    /// <summary>Neither receive nor answer anything, like an unplugged device.</summary>
    public bool Silent
    {
        get => _silent;
        set => _silent = value;
    }

    /// <summary>Bytes dropped by noise so far.</summary>
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

    /// <summary>Bytes corrupted (one bit flipped) by noise so far.</summary>
    public long CorruptedBytes
    {
        get
        {
            lock (_gate)
            {
                return _corrupted;
            }
        }
    }

    /// <summary>The settings and counters as <c>{"status":true}</c> prints them under <c>"line"</c>.</summary>
    public JsonObject ToJson() => new()
    {
        ["silent"] = Silent,
        ["slowMs"] = ReplyDelay.TotalMilliseconds,
        ["noise"] = NoiseRate,
        ["echo"] = Echo,
        ["droppedBytes"] = DroppedBytes,
        ["corruptedBytes"] = CorruptedBytes,
    };

    /// <summary>
    /// Copies <paramref name="source"/> to <paramref name="destination"/> through the noise: each byte is, with the
    /// noise rate, either dropped or has one random bit flipped (a single-bit error, which a CRC always detects; a
    /// dropped byte shifts the frame, which a CRC detects all but about 1 in 65,536 times). Returns the bytes written.
    /// </summary>
    [SuppressMessage("Security", "CA5394:Do not use insecure randomness", Justification = "Simulated line noise, not security.")]
    public int Apply(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException("The destination must hold at least the source.", nameof(destination));
        }

        lock (_gate)
        {
            if (_noiseRate <= 0)
            {
                source.CopyTo(destination);
                return source.Length;
            }

            var written = 0;
            foreach (var b in source)
            {
                if (_random.NextDouble() >= _noiseRate)
                {
                    destination[written++] = b;
                }
                else if (_random.Next(2) == 0)
                {
                    _dropped++;
                }
                else
                {
                    _corrupted++;
                    destination[written++] = (byte)(b ^ (1 << _random.Next(8)));
                }
            }

            return written;
        }
    }
}
