namespace SevaKiosk.Protocol.CcTalk;

/// <summary>What <see cref="CcTalkFrameReader.Read"/> found.</summary>
public enum CcTalkReadResult
{
    /// <summary>All input was consumed and no result is complete yet.</summary>
    NeedMoreData,

    /// <summary>A frame whose checksum matches: see <see cref="CcTalkFrameReader.Header"/> and <see cref="CcTalkFrameReader.Data"/>.</summary>
    Frame,

    /// <summary>A complete frame, where one was expected, whose checksum did not match. Its bytes are readable for diagnostics.</summary>
    ChecksumError,

    /// <summary>Bytes that were not part of any frame (line noise, a frame cut short, bytes skipped while resynchronising).</summary>
    Garbage,
}

/// <summary>
/// Incremental ccTalk receiver for one checksum mode. Feed it whatever the link delivered; it reports frames, checksum
/// errors and garbage instead of throwing, and never allocates after construction.
/// </summary>
/// <remarks>
/// ccTalk has no start byte: a frame is recognised only by a LEN that fits and a checksum that matches. So when a
/// candidate fails, the reader drops its first byte and rescans the bytes after it (they may hold the real frame).
/// A failure is reported as <see cref="CcTalkReadResult.ChecksumError"/> only where a frame was expected (at the
/// start, after a frame, after <see cref="Flush"/> or <see cref="Reset"/>); failures found while resynchronising are
/// folded into <see cref="CcTalkReadResult.Garbage"/>. Because the bytes of a checksum error are rescanned, a later
/// result may start inside it. A candidate whose LEN promises more bytes than will ever come waits until
/// <see cref="Flush"/> (the driver calls it when its reply timeout or the inter-byte gap expires) or <see cref="Reset"/>.
/// </remarks>
public sealed class CcTalkFrameReader
{
    // Room for one whole candidate plus as much again, so compaction happens at most once per candidate.
    private const int Capacity = 2 * CcTalkConstants.MaxFrameLength;
    private readonly byte[] _buffer = new byte[Capacity];
    private readonly int _maxDataLength;
    private readonly byte? _destination;
    private int _head;
    private int _count;
    private long _headOffset;
    private long _position;
    private int _release;
    private int _resultFrameLength;
    private bool _inSync = true;
    private int _garbage;
    private long _garbageStart;

    /// <param name="mode">Checksum mode configured on the device; the wire does not say.</param>
    /// <param name="maxDataLength">Longest data to accept. A smaller bound makes resynchronisation after noise faster.</param>
    /// <param name="destination">When set, only frames addressed to it are recognised (the host reading replies,
    /// or a device reading commands); every other byte is garbage.</param>
    public CcTalkFrameReader(CcTalkChecksumMode mode, int maxDataLength = CcTalkConstants.MaxDataLength, byte? destination = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxDataLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxDataLength, CcTalkConstants.MaxDataLength);
        Mode = mode;
        _maxDataLength = maxDataLength;
        _destination = destination;
    }

    public CcTalkChecksumMode Mode { get; }

    /// <summary>Stream offset (bytes fed since construction) where the last result starts.</summary>
    public long ResultOffset { get; private set; }

    /// <summary>Number of wire bytes the last result covers.</summary>
    public int ResultLength { get; private set; }

    /// <summary>Total bytes consumed so far.</summary>
    public long Position => _position;

    /// <summary>True while bytes are held that belong to no result yet (a frame in progress, or bytes being rescanned).</summary>
    public bool HasPendingBytes => _count - _release > 0;

    /// <summary>The last frame (or checksum-error frame) as it was on the wire. Valid until the next call.</summary>
    public ReadOnlySpan<byte> FrameBytes => _buffer.AsSpan(_head, _resultFrameLength);

    public byte Destination => _buffer[_head];

    /// <summary>Sender's address. Only simple-checksum frames carry one; in CRC mode the slot holds the CRC's low byte.</summary>
    public byte? Source => Mode == CcTalkChecksumMode.Simple8 ? _buffer[_head + 2] : null;

    public byte Header => _buffer[_head + 3];

    /// <summary>DATA of the last frame. Valid until the next call to <see cref="Read"/>, <see cref="Flush"/> or <see cref="Reset"/>.</summary>
    public ReadOnlySpan<byte> Data => _buffer.AsSpan(_head + 4, _buffer[_head + 1]);

    /// <summary>Checksum (8-bit) or CRC (16-bit) carried by the last frame.</summary>
    public ushort ReceivedChecksum { get; private set; }

    /// <summary>Checksum or CRC computed over the last frame.</summary>
    public ushort ComputedChecksum { get; private set; }

    /// <summary>
    /// Consumes bytes from <paramref name="input"/> until one result is available or the input is exhausted. A result may
    /// come with all input consumed while another is already held (a frame found behind garbage), so call again (with
    /// the rest of the input, possibly empty) until it returns <see cref="CcTalkReadResult.NeedMoreData"/>.
    /// </summary>
    public CcTalkReadResult Read(ReadOnlySpan<byte> input, out int consumed)
    {
        consumed = 0;
        ReleaseLastResult();
        while (true)
        {
            var result = Scan();
            if (result != CcTalkReadResult.NeedMoreData)
            {
                return result;
            }

            if (consumed == input.Length)
            {
                return CcTalkReadResult.NeedMoreData;
            }

            var take = Math.Min(BytesWanted(), input.Length - consumed);
            Append(input.Slice(consumed, take));
            consumed += take;
        }
    }

    /// <summary>
    /// No more bytes are coming for now (end of a capture, reply timeout, inter-byte gap): resolves the held bytes. A
    /// frame in progress can no longer complete, so it is dropped byte by byte and the rest rescanned. Call until it
    /// returns <see cref="CcTalkReadResult.NeedMoreData"/>; the next byte is then expected to start a frame.
    /// </summary>
    public CcTalkReadResult Flush()
    {
        ReleaseLastResult();
        while (true)
        {
            var result = Scan();
            if (result != CcTalkReadResult.NeedMoreData)
            {
                return result;
            }

            if (_count == 0)
            {
                break;
            }

            Drop();
        }

        _inSync = true;
        return _garbage > 0 ? ReportGarbage() : CcTalkReadResult.NeedMoreData;
    }

    /// <summary>Forgets every held byte (a new exchange starts, or the link was reopened). They are reported nowhere.</summary>
    public void Reset()
    {
        _head = 0;
        _count = 0;
        _release = 0;
        _garbage = 0;
        _headOffset = _position;
        _inSync = true;
    }

    private CcTalkReadResult Scan()
    {
        while (_count > 0)
        {
            if (_destination is { } destination && _buffer[_head] != destination)
            {
                Drop();
                continue;
            }

            if (_count < 2)
            {
                return CcTalkReadResult.NeedMoreData;
            }

            var dataLength = _buffer[_head + 1];
            if (dataLength > _maxDataLength)
            {
                Drop();
                continue;
            }

            var length = CcTalkConstants.FrameLength(dataLength);
            if (_count < length)
            {
                return CcTalkReadResult.NeedMoreData;
            }

            var valid = CcTalkChecksum.Verify(Mode, _buffer.AsSpan(_head, length), out var received, out var computed);
            if (valid && _garbage > 0)
            {
                // Report what came before first; the frame is found again on the next call.
                return ReportGarbage();
            }

            if (valid || _inSync)
            {
                ReceivedChecksum = received;
                ComputedChecksum = computed;
                ResultOffset = _headOffset;
                ResultLength = length;
                _resultFrameLength = length;

                // A good frame is consumed whole; a bad one only by its first byte, the rest is rescanned.
                _release = valid ? length : 1;
                _inSync = valid;
                return valid ? CcTalkReadResult.Frame : CcTalkReadResult.ChecksumError;
            }

            Drop();
        }

        return CcTalkReadResult.NeedMoreData;
    }

    private int BytesWanted() => _count < 2 ? 2 - _count : CcTalkConstants.FrameLength(_buffer[_head + 1]) - _count;

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (_head + _count + bytes.Length > Capacity)
        {
            _buffer.AsSpan(_head, _count).CopyTo(_buffer);
            _head = 0;
        }

        bytes.CopyTo(_buffer.AsSpan(_head + _count));
        _count += bytes.Length;
        _position += bytes.Length;
    }

    private void Drop()
    {
        if (_garbage == 0)
        {
            _garbageStart = _headOffset;
        }

        _garbage++;
        Advance(1);
        _inSync = false;
    }

    private void ReleaseLastResult()
    {
        if (_release > 0)
        {
            Advance(_release);
            _release = 0;
        }
    }

    private void Advance(int n)
    {
        _head += n;
        _count -= n;
        _headOffset += n;
        if (_count == 0)
        {
            _head = 0;
        }
    }

    private CcTalkReadResult ReportGarbage()
    {
        ResultOffset = _garbageStart;
        ResultLength = _garbage;
        _garbage = 0;
        return CcTalkReadResult.Garbage;
    }
}
