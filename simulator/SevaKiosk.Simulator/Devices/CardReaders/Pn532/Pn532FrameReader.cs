namespace SevaKiosk.Simulator.Devices.CardReaders.Pn532;

/// <summary>What the frame reader found in the host's byte stream.</summary>
public enum Pn532FrameKind
{
    /// <summary>A complete information frame from the host with valid checksums; <see cref="Pn532Frame.Data"/> holds PD0..PDn.</summary>
    Command,

    /// <summary>The host's ACK frame (00 00 FF 00 FF 00): it aborts the command in progress.</summary>
    Ack,

    /// <summary>The host's NACK frame (00 00 FF FF 00 00): it asks for the last response again.</summary>
    Nack,

    /// <summary>LEN + LCS did not sum to zero.</summary>
    LengthChecksumError,

    /// <summary>TFI + data + DCS did not sum to zero.</summary>
    DataChecksumError,

    /// <summary>A well-formed frame whose TFI is not D4 (host to PN532).</summary>
    WrongDirection,
}

/// <summary>One frame, or one framing error, found by <see cref="Pn532FrameReader"/>.</summary>
public readonly record struct Pn532Frame(Pn532FrameKind Kind, byte[] Data);

/// <summary>
/// Incremental parser for frames a host sends to a PN532 over HSU. Bytes before a start code (the 0x55 wake-up
/// preamble, padding zeros, line noise) are skipped, as the chip does. Feed bytes as they arrive; complete frames come
/// back from <see cref="Feed"/> in order.
/// </summary>
public sealed class Pn532FrameReader
{
    private enum State
    {
        SeekStart,
        AfterZero,
        Length,
        LengthChecksum,
        ExtendedLengthHigh,
        ExtendedLengthLow,
        ExtendedChecksum,
        Body,
        DataChecksum,
    }

    private readonly List<byte> _body = [];
    private State _state = State.SeekStart;
    private int _length;
    private bool _extended;
    private byte _lengthHigh;

    /// <summary>Consumes <paramref name="bytes"/> and returns every frame (or framing error) they completed.</summary>
    public IReadOnlyList<Pn532Frame> Feed(ReadOnlySpan<byte> bytes)
    {
        List<Pn532Frame>? frames = null;
        foreach (var b in bytes)
        {
            var frame = Step(b);
            if (frame is { } f)
            {
                (frames ??= []).Add(f);
            }
        }

        return frames is null ? [] : frames;
    }

    private Pn532Frame? Step(byte b)
    {
        switch (_state)
        {
            case State.SeekStart:
                if (b == 0x00)
                {
                    _state = State.AfterZero;
                }

                return null;
            case State.AfterZero:
                _state = b switch { 0xFF => State.Length, 0x00 => State.AfterZero, _ => State.SeekStart };
                return null;
            case State.Length:
                _length = b;
                _state = State.LengthChecksum;
                return null;
            case State.LengthChecksum:
                if (_length == 0x00 && b == 0xFF)
                {
                    _state = State.SeekStart;
                    return new Pn532Frame(Pn532FrameKind.Ack, []);
                }

                if (_length == 0xFF && b == 0x00)
                {
                    _state = State.SeekStart;
                    return new Pn532Frame(Pn532FrameKind.Nack, []);
                }

                if (_length == 0xFF && b == 0xFF)
                {
                    _state = State.ExtendedLengthHigh;
                    return null;
                }

                if ((byte)(_length + b) != 0 || _length == 0)
                {
                    _state = State.SeekStart;
                    return new Pn532Frame(Pn532FrameKind.LengthChecksumError, []);
                }

                return BeginBody(extended: false);
            case State.ExtendedLengthHigh:
                _lengthHigh = b;
                _state = State.ExtendedLengthLow;
                return null;
            case State.ExtendedLengthLow:
                _length = (_lengthHigh << 8) | b;
                _state = State.ExtendedChecksum;
                return null;
            case State.ExtendedChecksum:
                if ((byte)(_lengthHigh + (byte)_length + b) != 0 || _length == 0)
                {
                    _state = State.SeekStart;
                    return new Pn532Frame(Pn532FrameKind.LengthChecksumError, []);
                }

                return BeginBody(extended: true);
            case State.Body:
                _body.Add(b);
                if (_body.Count == _length)
                {
                    _state = State.DataChecksum;
                }

                return null;
            case State.DataChecksum:
            default:
                _state = State.SeekStart;
                byte sum = b;
                foreach (var x in _body)
                {
                    sum += x;
                }

                if (sum != 0)
                {
                    return new Pn532Frame(Pn532FrameKind.DataChecksumError, [.. _body]);
                }

                if (_body[0] != Pn532Frames.HostToPn532)
                {
                    return new Pn532Frame(Pn532FrameKind.WrongDirection, [.. _body]);
                }

                // The postamble (00) that follows is skipped by SeekStart like any padding.
                return new Pn532Frame(Pn532FrameKind.Command, _body.Skip(1).ToArray());
        }
    }

    private Pn532Frame? BeginBody(bool extended)
    {
        _extended = extended;
        _body.Clear();
        _state = State.Body;
        return null;
    }

    /// <summary>True when the last completed frame used the extended (LENM/LENL) form.</summary>
    public bool LastFrameWasExtended => _extended;
}
