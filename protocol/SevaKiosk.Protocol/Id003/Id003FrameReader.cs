using System.Buffers.Binary;
using SevaKiosk.Protocol.Checksums;

namespace SevaKiosk.Protocol.Id003;

/// <summary>What <see cref="Id003FrameReader.Read"/> found.</summary>
public enum Id003ReadResult
{
    /// <summary>All input was consumed and nothing more can be reported until more bytes arrive.</summary>
    NeedMoreData,

    /// <summary>A frame with a good CRC: see <see cref="Id003FrameReader.Code"/> and <see cref="Id003FrameReader.Data"/>.</summary>
    Frame,

    /// <summary>
    /// A SYNC whose frame failed its CRC. The result covers the bytes from that SYNC up to the end of its LNG or up
    /// to the next SYNC inside it, whichever comes first: a good frame may start there and is still reported.
    /// </summary>
    CrcError,

    /// <summary>Bytes that belong to no frame (line noise, a SYNC with an impossible LNG, a frame cut short).</summary>
    Garbage,
}

/// <summary>
/// Incremental ID-003 receiver. ID-003 has no byte stuffing, so 0xFC can occur inside data: the reader trusts LNG
/// to find the end of a candidate frame and, when its CRC fails, drops only the candidate's SYNC and rescans the
/// buffered bytes, so a good frame that starts inside a corrupted one is never lost. Bad bytes are reported as
/// <see cref="Id003ReadResult.Garbage"/> or <see cref="Id003ReadResult.CrcError"/> with their stream offsets; results
/// never overlap. It never allocates after construction, so a poll loop can run on it without GC pressure.
/// </summary>
/// <remarks>
/// Call <see cref="Read"/> repeatedly, passing what is left of the input (possibly nothing), until it returns
/// <see cref="Id003ReadResult.NeedMoreData"/>: after a CRC error a complete frame may already be buffered.
/// A SYNC followed by a large corrupted LNG makes the reader wait for bytes that never come (the acceptor only
/// speaks when polled); a driver calls <see cref="Flush"/> on its response timeout so that those bytes are rescanned
/// at once instead of swallowing the next replies.
/// </remarks>
public sealed class Id003FrameReader
{
    private readonly byte[] _buffer = new byte[Id003Constants.MaxFrameLength];
    private int _head;
    private int _count;
    private long _bufferOffset;
    private long _position;
    private long _garbageStart;
    private int _garbage;
    private int _resultIndex;
    private int _resultFrameLength;

    /// <summary>Stream offset (bytes fed since construction) where the last result starts.</summary>
    public long ResultOffset { get; private set; }

    /// <summary>Number of wire bytes the last result covers.</summary>
    public int ResultLength { get; private set; }

    /// <summary>
    /// The whole frame (SYNC..CRC, LNG bytes) of the last <see cref="Id003ReadResult.Frame"/> or
    /// <see cref="Id003ReadResult.CrcError"/>. Valid until the next call to <see cref="Read"/>, <see cref="Flush"/> or
    /// <see cref="Reset"/>.
    /// </summary>
    public ReadOnlySpan<byte> Frame => _buffer.AsSpan(_resultIndex, _resultFrameLength);

    /// <summary>Command (host to acceptor) or status (acceptor to host) byte of the last frame.</summary>
    public byte Code => _resultFrameLength >= Id003Constants.FrameOverhead ? _buffer[_resultIndex + 2] : (byte)0;

    /// <summary>Data bytes of the last frame (between the code and the CRC). Valid like <see cref="Frame"/>.</summary>
    public ReadOnlySpan<byte> Data => _resultFrameLength >= Id003Constants.FrameOverhead
        ? _buffer.AsSpan(_resultIndex + 3, _resultFrameLength - Id003Constants.FrameOverhead)
        : default;

    /// <summary>CRC carried by the last frame or CRC-error candidate.</summary>
    public ushort ReceivedCrc { get; private set; }

    /// <summary>CRC computed over the last frame or CRC-error candidate.</summary>
    public ushort ComputedCrc { get; private set; }

    /// <summary>Total bytes consumed so far.</summary>
    public long Position => _position;

    /// <summary>True while bytes are buffered that have not been reported yet (a frame in progress).</summary>
    public bool HasPendingBytes => _count > _head || _garbage > 0;

    /// <summary>
    /// Consumes bytes from <paramref name="input"/> until one result is available or the input is exhausted.
    /// Call again with the rest of the input (even when empty) until it returns <see cref="Id003ReadResult.NeedMoreData"/>.
    /// </summary>
    public Id003ReadResult Read(ReadOnlySpan<byte> input, out int consumed) => Process(input, flushing: false, out consumed);

    /// <summary>
    /// The line went quiet (end of a capture, or a response timeout): an unfinished frame cannot complete, so its SYNC
    /// is dropped and the buffered bytes are rescanned; complete frames among them are still reported. Returns one
    /// result per call; call until it returns <see cref="Id003ReadResult.NeedMoreData"/>.
    /// </summary>
    public Id003ReadResult Flush() => Process(ReadOnlySpan<byte>.Empty, flushing: true, out _);

    /// <summary>Forgets buffered bytes without reporting them (for example after the link was reopened).</summary>
    public void Reset()
    {
        _head = 0;
        _count = 0;
        _garbage = 0;
        _bufferOffset = _position;
    }

    private Id003ReadResult Process(ReadOnlySpan<byte> input, bool flushing, out int consumed)
    {
        Compact();
        consumed = 0;
        while (true)
        {
            // Bytes at the front of the buffer that are not a SYNC belong to no frame.
            while (_head < _count && _buffer[_head] != Id003Constants.Sync)
            {
                AddGarbage(_bufferOffset + _head, 1);
                _head++;
            }

            if (_head == _count)
            {
                _head = 0;
                _count = 0;
                _bufferOffset = _position;
                var rest = input[consumed..];
                if (rest.IsEmpty)
                {
                    return flushing && _garbage > 0 ? ReportGarbage() : Id003ReadResult.NeedMoreData;
                }

                var sync = rest.IndexOf(Id003Constants.Sync);
                var skip = sync < 0 ? rest.Length : sync;
                if (skip > 0)
                {
                    AddGarbage(_position, skip);
                    _position += skip;
                    consumed += skip;
                    continue;
                }

                _bufferOffset = _position;
                _buffer[0] = Id003Constants.Sync;
                _count = 1;
                _position++;
                consumed++;
                continue;
            }

            var have = _count - _head;
            if (have < 2)
            {
                if (!Fill(input, ref consumed, 2 - have))
                {
                    if (flushing)
                    {
                        DropCandidateSync();
                        continue;
                    }

                    return Id003ReadResult.NeedMoreData;
                }

                continue;
            }

            int length = _buffer[_head + 1];
            if (length < Id003Constants.MinFrameLength)
            {
                DropCandidateSync();
                continue;
            }

            // A plausible frame starts here, so the garbage before it is complete: report it first.
            if (_garbage > 0)
            {
                return ReportGarbage();
            }

            if (have < length)
            {
                if (!Fill(input, ref consumed, length - have))
                {
                    if (flushing)
                    {
                        DropCandidateSync();
                        continue;
                    }

                    return Id003ReadResult.NeedMoreData;
                }

                continue;
            }

            return Evaluate(length);
        }
    }

    private Id003ReadResult Evaluate(int length)
    {
        var frame = _buffer.AsSpan(_head, length);
        _resultIndex = _head;
        _resultFrameLength = length;
        ReceivedCrc = BinaryPrimitives.ReadUInt16LittleEndian(frame[(length - 2)..]);
        ComputedCrc = Crc16Kermit.Compute(frame[..(length - 2)]);
        if (ReceivedCrc == ComputedCrc)
        {
            SetResult(_bufferOffset + _head, length);
            _head += length;
            return Id003ReadResult.Frame;
        }

        // Drop this SYNC only: the bad span ends where the next SYNC inside it begins, which is rescanned next.
        var next = frame[1..].IndexOf(Id003Constants.Sync);
        var bad = next < 0 ? length : next + 1;
        SetResult(_bufferOffset + _head, bad);
        _head += bad;
        return Id003ReadResult.CrcError;
    }

    /// <summary>Appends up to <paramref name="needed"/> input bytes; true when all of them were available.</summary>
    private bool Fill(ReadOnlySpan<byte> input, ref int consumed, int needed)
    {
        Compact();
        var take = Math.Min(needed, input.Length - consumed);
        input.Slice(consumed, take).CopyTo(_buffer.AsSpan(_count));
        _count += take;
        consumed += take;
        _position += take;
        return take == needed;
    }

    private void DropCandidateSync()
    {
        AddGarbage(_bufferOffset + _head, 1);
        _head++;
    }

    private void Compact()
    {
        if (_head == 0)
        {
            return;
        }

        _buffer.AsSpan(_head, _count - _head).CopyTo(_buffer);
        _count -= _head;
        _bufferOffset += _head;
        _head = 0;
    }

    private void AddGarbage(long offset, int length)
    {
        if (_garbage == 0)
        {
            _garbageStart = offset;
        }

        _garbage += length;
    }

    private Id003ReadResult ReportGarbage()
    {
        SetResult(_garbageStart, _garbage);
        _resultFrameLength = 0;
        _resultIndex = 0;
        _garbage = 0;
        return Id003ReadResult.Garbage;
    }

    private void SetResult(long offset, int length)
    {
        ResultOffset = offset;
        ResultLength = length;
    }
}
