using System.Globalization;

namespace SevaKiosk.Protocol.EscPos;

/// <summary>
/// Incremental ESC/POS parser shared by the printer emulator, <c>kioskctl receipt render</c> and the driver's job
/// planner. Feed it bytes as they arrive; it reports each complete command. It never throws on input: unknown
/// commands are reported as <see cref="EscPosCommandKind.Unknown"/> and skipped, commands declaring more data than
/// <see cref="MaxCommandBytes"/> are skipped unbuffered as <see cref="EscPosCommandKind.Oversized"/>.
/// </summary>
public sealed class EscPosParser
{
    private byte[] _pending = new byte[64];
    private int _pendingLength;
    private long _pendingOffset;
    private long _expected;
    private EscPosCommandKind _kind;
    private int _prefix;
    private long _skipRemaining;
    private EscPosCommand? _skipReport;

    public EscPosParser(int maxCommandBytes = 1 << 20)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCommandBytes, 64);
        MaxCommandBytes = maxCommandBytes;
    }

    /// <summary>Largest command kept whole; a raster of 576 × 4095 dots is about 295 KB.</summary>
    public int MaxCommandBytes { get; }

    /// <summary>Bytes consumed since construction or <see cref="Reset"/>.</summary>
    public long Position { get; private set; }

    /// <summary>True when the parser is between commands (no partial command pending).</summary>
    public bool AtBoundary => _pendingLength == 0 && _skipRemaining == 0;

    /// <summary>Parses <paramref name="input"/>, adding every completed command to <paramref name="output"/>.</summary>
    public void Parse(ReadOnlySpan<byte> input, ICollection<EscPosCommand> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var i = 0;
        while (i < input.Length)
        {
            if (_skipRemaining > 0)
            {
                var skip = (int)Math.Min(_skipRemaining, input.Length - i);
                _skipRemaining -= skip;
                i += skip;
                Position += skip;
                if (_skipRemaining == 0)
                {
                    output.Add(_skipReport!);
                    _skipReport = null;
                }

                continue;
            }

            if (_pendingLength == 0)
            {
                i += StartCommand(input[i..], output);
                continue;
            }

            if (_expected > 0)
            {
                var take = (int)Math.Min(_expected - _pendingLength, input.Length - i);
                Append(input.Slice(i, take));
                i += take;
                Position += take;
                if (_pendingLength == _expected)
                {
                    Emit(output);
                }

                continue;
            }

            Append(input.Slice(i, 1));
            i++;
            Position++;
            Measure(output);
        }
    }

    /// <summary>Ends the stream: a command still incomplete is reported as <see cref="EscPosCommandKind.Truncated"/>.</summary>
    public void Complete(ICollection<EscPosCommand> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_skipRemaining > 0 && _skipReport is not null)
        {
            output.Add(new EscPosCommand(EscPosCommandKind.Truncated, _skipReport.Offset, _skipReport.Bytes, _skipReport.PrefixLength,
                (int)Math.Min(int.MaxValue, Position - _skipReport.Offset), $"stream ended {_skipRemaining} bytes before the end of an oversized command"));
        }
        else if (_pendingLength > 0)
        {
            var bytes = _pending.AsSpan(0, _pendingLength).ToArray();
            var note = _expected > 0
                ? string.Create(CultureInfo.InvariantCulture, $"stream ended {_expected - _pendingLength} bytes before the end of {EscPosMnemonic.Of(bytes.AsSpan(0, Math.Max(1, Math.Min(_prefix, bytes.Length))))}")
                : $"stream ended inside {EscPosMnemonic.Of(bytes.AsSpan(0, Math.Min(2, bytes.Length)))}";
            output.Add(new EscPosCommand(EscPosCommandKind.Truncated, _pendingOffset, bytes, Math.Min(_prefix, bytes.Length), bytes.Length, note));
        }

        Reset(Position);
    }

    public void Reset() => Reset(0);

    private void Reset(long position)
    {
        _pendingLength = 0;
        _expected = 0;
        _skipRemaining = 0;
        _skipReport = null;
        Position = position;
    }

    /// <summary>Handles a byte at a command boundary; returns how many input bytes were consumed.</summary>
    private int StartCommand(ReadOnlySpan<byte> input, ICollection<EscPosCommand> output)
    {
        var b = input[0];
        if (b >= 0x20)
        {
            var run = input.IndexOfAnyInRange((byte)0x00, (byte)0x1F);
            if (run < 0)
            {
                run = input.Length;
            }

            output.Add(new EscPosCommand(EscPosCommandKind.Text, Position, input[..run].ToArray(), 0, run));
            Position += run;
            return run;
        }

        var single = b switch
        {
            EscPosControl.Lf => EscPosCommandKind.LineFeed,
            EscPosControl.Cr => EscPosCommandKind.CarriageReturn,
            EscPosControl.Ht => EscPosCommandKind.HorizontalTab,
            EscPosControl.Ff => EscPosCommandKind.FormFeed,
            EscPosControl.Can => EscPosCommandKind.Cancel,
            EscPosControl.Esc or EscPosControl.Gs or EscPosControl.Fs or EscPosControl.Dle => EscPosCommandKind.Text, // marker: multi-byte
            _ => EscPosCommandKind.Unknown,
        };

        if (single == EscPosCommandKind.Text)
        {
            _pendingOffset = Position;
            _expected = 0;
            Append(input[..1]);
            Position++;
            return 1;
        }

        var note = single == EscPosCommandKind.Unknown ? $"control byte 0x{b:X2} has no meaning; skipped" : null;
        output.Add(new EscPosCommand(single, Position, [b], 1, 1, note));
        Position++;
        return 1;
    }

    private void Measure(ICollection<EscPosCommand> output)
    {
        var m = EscPosCommandLength.Measure(_pending.AsSpan(0, _pendingLength));
        switch (m.Status)
        {
            case EscPosCommandLength.Status.NeedMore:
                if (_pendingLength > MaxCommandBytes)
                {
                    output.Add(new EscPosCommand(EscPosCommandKind.Oversized, _pendingOffset, _pending.AsSpan(0, 8).ToArray(), 2, _pendingLength,
                        $"{EscPosMnemonic.Of(_pending.AsSpan(0, 2))} grew past {MaxCommandBytes} bytes before its length was known; skipped"));
                    _pendingLength = 0;
                }

                return;
            case EscPosCommandLength.Status.Unknown:
                var skipped = (int)m.Total;
                var bytes = _pending.AsSpan(0, skipped).ToArray();
                var rest = _pending.AsSpan(skipped, _pendingLength - skipped).ToArray();
                output.Add(new EscPosCommand(EscPosCommandKind.Unknown, _pendingOffset, bytes, m.Prefix, skipped, m.Note));
                _pendingLength = 0;
                if (rest.Length > 0)
                {
                    // Bytes after the skipped prefix are parsed afresh (only a lone DLE leaves any).
                    Position -= rest.Length;
                    Parse(rest, output);
                }

                return;
            default:
                _kind = m.Kind;
                _prefix = m.Prefix;
                if (m.Total > MaxCommandBytes)
                {
                    var header = _pending.AsSpan(0, _pendingLength).ToArray();
                    _skipRemaining = m.Total - _pendingLength;
                    _skipReport = new EscPosCommand(EscPosCommandKind.Oversized, _pendingOffset, header, m.Prefix, (int)Math.Min(int.MaxValue, m.Total),
                        string.Create(CultureInfo.InvariantCulture, $"{EscPosMnemonic.Of(header.AsSpan(0, m.Prefix))} declares {m.Total} bytes, more than the {MaxCommandBytes}-byte limit; skipped"));
                    _pendingLength = 0;
                    return;
                }

                _expected = m.Total;
                if (_pendingLength == _expected)
                {
                    Emit(output);
                }

                return;
        }
    }

    private void Emit(ICollection<EscPosCommand> output)
    {
        var bytes = _pending.AsSpan(0, _pendingLength).ToArray();
        var kind = _kind;
        if (kind == EscPosCommandKind.TwoDimensionalCode && bytes.Length > 5 && bytes[5] == 0x31)
        {
            kind = EscPosCommandKind.QrCode;
        }

        output.Add(new EscPosCommand(kind, _pendingOffset, bytes, _prefix, bytes.Length));
        _pendingLength = 0;
        _expected = 0;
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (_pendingLength + bytes.Length > _pending.Length)
        {
            var grown = new byte[Math.Max(_pending.Length * 2, _pendingLength + bytes.Length)];
            _pending.AsSpan(0, _pendingLength).CopyTo(grown);
            _pending = grown;
        }

        bytes.CopyTo(_pending.AsSpan(_pendingLength));
        _pendingLength += bytes.Length;
    }
}
