using System.Buffers.Binary;
using SevaKiosk.Protocol.Checksums;

namespace SevaKiosk.Protocol.Ssp;

/// <summary>What <see cref="SspPacketReader.Read"/> found.</summary>
public enum SspReadResult
{
    /// <summary>All input was consumed and no packet is complete yet.</summary>
    NeedMoreData,

    /// <summary>A packet with a good CRC: see <see cref="SspPacketReader.SeqId"/> and <see cref="SspPacketReader.Data"/>.</summary>
    Packet,

    /// <summary>A complete packet whose CRC did not match. Its bytes are still readable for diagnostics.</summary>
    CrcError,

    /// <summary>Bytes that were not part of any packet (line noise, a packet cut short by a lone STX, LEN 0).</summary>
    Garbage,
}

/// <summary>
/// Incremental SSP receiver. Feed it whatever the link delivered; it removes byte stuffing, restarts on a lone STX
/// inside a packet (as the SSP manual requires), checks the CRC and reports garbage instead of throwing. It never
/// allocates after construction, so the poll loop can run on it without GC pressure.
/// </summary>
public sealed class SspPacketReader
{
    // SEQ/ID, LEN, DATA (up to 255), CRC low, CRC high, unstuffed.
    private readonly byte[] _packet = new byte[2 + SspConstants.MaxDataLength + 2];
    private bool _inPacket;
    private bool _escape;
    private int _count;
    private long _position;
    private long _packetStart;
    private int _garbage;
    private long _garbageStart;

    /// <summary>Stream offset (bytes fed since construction or <see cref="Reset"/>) where the last result starts.</summary>
    public long ResultOffset { get; private set; }

    /// <summary>Number of wire bytes the last result covers.</summary>
    public int ResultLength { get; private set; }

    /// <summary>SEQ/ID byte of the last packet (or CRC-error packet).</summary>
    public byte SeqId => _packet[0];

    /// <summary>Sequence flag (bit 7) of the last packet.</summary>
    public bool SequenceFlag => SspConstants.SequenceFlagOf(_packet[0]);

    /// <summary>Slave id (bits 6..0) of the last packet.</summary>
    public byte SlaveId => SspConstants.SlaveIdOf(_packet[0]);

    /// <summary>Unstuffed DATA of the last packet. Valid until the next call to <see cref="Read"/>.</summary>
    public ReadOnlySpan<byte> Data => _packet.AsSpan(2, _packet[1]);

    /// <summary>CRC carried by the last packet.</summary>
    public ushort ReceivedCrc { get; private set; }

    /// <summary>CRC computed over the last packet.</summary>
    public ushort ComputedCrc { get; private set; }

    /// <summary>Total bytes consumed so far.</summary>
    public long Position => _position;

    /// <summary>True while a packet has started but is not complete.</summary>
    public bool InPacket => _inPacket;

    /// <summary>
    /// Consumes bytes from <paramref name="input"/> until one result is available or the input is exhausted.
    /// </summary>
    public SspReadResult Read(ReadOnlySpan<byte> input, out int consumed)
    {
        consumed = 0;
        while (consumed < input.Length)
        {
            var b = input[consumed];
            if (!_inPacket)
            {
                if (b == SspConstants.Stx)
                {
                    if (_garbage > 0)
                    {
                        return ReportIdleGarbage();
                    }

                    StartPacket(_position);
                    consumed++;
                    _position++;
                    continue;
                }

                if (_garbage == 0)
                {
                    _garbageStart = _position;
                }

                _garbage++;
                consumed++;
                _position++;
                continue;
            }

            consumed++;
            _position++;

            if (_escape)
            {
                _escape = false;
                if (b != SspConstants.Stx)
                {
                    // A lone STX inside a packet restarts reception; this byte is the new SEQ/ID.
                    var loneStx = _position - 2;
                    SetResult(_packetStart, (int)(loneStx - _packetStart));
                    StartPacket(loneStx);
                    var restarted = Append(b);
                    return restarted == SspReadResult.NeedMoreData ? SspReadResult.Garbage : restarted;
                }
            }
            else if (b == SspConstants.Stx)
            {
                _escape = true;
                continue;
            }

            var result = Append(b);
            if (result != SspReadResult.NeedMoreData)
            {
                return result;
            }
        }

        return SspReadResult.NeedMoreData;
    }

    /// <summary>At the end of a capture: reports trailing garbage or an unfinished packet as garbage.</summary>
    public SspReadResult Flush()
    {
        if (_inPacket)
        {
            _inPacket = false;
            SetResult(_packetStart, (int)(_position - _packetStart));
            return SspReadResult.Garbage;
        }

        return _garbage > 0 ? ReportIdleGarbage() : SspReadResult.NeedMoreData;
    }

    /// <summary>Forgets any partial packet (for example after the link was reopened).</summary>
    public void Reset()
    {
        _inPacket = false;
        _escape = false;
        _count = 0;
        _garbage = 0;
    }

    private SspReadResult ReportIdleGarbage()
    {
        SetResult(_garbageStart, _garbage);
        _garbage = 0;
        return SspReadResult.Garbage;
    }

    private void StartPacket(long offset)
    {
        _inPacket = true;
        _escape = false;
        _count = 0;
        _packetStart = offset;
    }

    private SspReadResult Append(byte b)
    {
        _packet[_count++] = b;
        if (_count == 2 && _packet[1] == 0)
        {
            // LEN 0 is not a valid SSP packet: drop it and hunt for the next STX.
            _inPacket = false;
            SetResult(_packetStart, (int)(_position - _packetStart));
            return SspReadResult.Garbage;
        }

        if (_count < 2 || _count < 2 + _packet[1] + 2)
        {
            return SspReadResult.NeedMoreData;
        }

        _inPacket = false;
        var length = _packet[1];
        ReceivedCrc = BinaryPrimitives.ReadUInt16LittleEndian(_packet.AsSpan(2 + length, 2));
        ComputedCrc = Crc16Cms.Compute(_packet.AsSpan(0, 2 + length));
        SetResult(_packetStart, (int)(_position - _packetStart));
        return ReceivedCrc == ComputedCrc ? SspReadResult.Packet : SspReadResult.CrcError;
    }

    private void SetResult(long offset, int length)
    {
        ResultOffset = offset;
        ResultLength = length;
    }
}
