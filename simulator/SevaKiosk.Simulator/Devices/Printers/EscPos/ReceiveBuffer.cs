namespace SevaKiosk.Simulator.Devices.Printers.EscPos;

/// <summary>
/// The printer's receive buffer: a fixed-size ring. <see cref="Write"/> takes what fits and reports how much did not;
/// the caller counts those bytes as lost, the way an Epson printer discards bytes that arrive with no space left.
/// Not thread-safe; the emulator guards it.
/// </summary>
internal sealed class ReceiveBuffer
{
    private readonly byte[] _ring;
    private int _head;

    public ReceiveBuffer(int capacity) => _ring = new byte[capacity];

    public int Capacity => _ring.Length;

    public int Count { get; private set; }

    public int Free => _ring.Length - Count;

    /// <summary>Stores as much of <paramref name="bytes"/> as fits; returns the number of bytes that did not fit.</summary>
    public int Write(ReadOnlySpan<byte> bytes)
    {
        var take = Math.Min(bytes.Length, Free);
        for (var i = 0; i < take; i++)
        {
            _ring[(_head + Count + i) % _ring.Length] = bytes[i];
        }

        Count += take;
        return bytes.Length - take;
    }

    /// <summary>Moves up to <paramref name="target"/>.Length bytes out, oldest first.</summary>
    public int Read(Span<byte> target)
    {
        var take = Math.Min(target.Length, Count);
        for (var i = 0; i < take; i++)
        {
            target[i] = _ring[(_head + i) % _ring.Length];
        }

        _head = (_head + take) % _ring.Length;
        Count -= take;
        return take;
    }

    public void Clear()
    {
        _head = 0;
        Count = 0;
    }
}
