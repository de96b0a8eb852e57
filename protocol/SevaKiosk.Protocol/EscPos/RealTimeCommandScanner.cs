namespace SevaKiosk.Protocol.EscPos;

/// <summary>A real-time command found in a byte stream.</summary>
public enum RealTimeCommandKind
{
    None,

    /// <summary><c>DLE EOT n</c>: transmit status n.</summary>
    TransmitStatus,

    /// <summary><c>DLE ENQ n</c>: recover from an error (1 restart from the error line, 2 clear the buffers).</summary>
    Recover,
}

public readonly record struct RealTimeCommand(RealTimeCommandKind Kind, byte N);

/// <summary>
/// Finds <c>DLE EOT n</c> and <c>DLE ENQ n</c> in a byte stream, byte by byte, ignoring all context. A printer runs
/// exactly this on its receive path: it answers a DLE EOT even when the three bytes sit inside image data. The driver
/// runs the same scanner over what it sends, so it knows every reply the printer will produce, asked for or not.
/// </summary>
public sealed class RealTimeCommandScanner
{
    private int _state; // 0 idle, 1 after DLE, 2 after DLE EOT, 3 after DLE ENQ

    public RealTimeCommand Scan(byte b)
    {
        switch (_state)
        {
            case 1:
                _state = b switch { EscPosControl.Eot => 2, EscPosControl.Enq => 3, EscPosControl.Dle => 1, _ => 0 };
                return default;
            case 2:
                _state = b == EscPosControl.Dle ? 1 : 0;
                return b is >= 1 and <= 4 ? new RealTimeCommand(RealTimeCommandKind.TransmitStatus, b) : default;
            case 3:
                _state = b == EscPosControl.Dle ? 1 : 0;
                return b is 1 or 2 ? new RealTimeCommand(RealTimeCommandKind.Recover, b) : default;
            default:
                _state = b == EscPosControl.Dle ? 1 : 0;
                return default;
        }
    }

    public void Reset() => _state = 0;
}
