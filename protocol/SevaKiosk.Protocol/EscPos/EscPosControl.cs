namespace SevaKiosk.Protocol.EscPos;

/// <summary>Control bytes of the ESC/POS command set (Epson naming) and the flow-control bytes printers send back.</summary>
public static class EscPosControl
{
    public const byte Nul = 0x00;
    public const byte Eot = 0x04;
    public const byte Enq = 0x05;
    public const byte Ht = 0x09;
    public const byte Lf = 0x0A;
    public const byte Ff = 0x0C;
    public const byte Cr = 0x0D;
    public const byte Dle = 0x10;

    /// <summary>XON (DC1): the printer has room again or came back on line.</summary>
    public const byte Xon = 0x11;

    /// <summary>XOFF (DC3): the printer's receive buffer is nearly full, or it went off line.</summary>
    public const byte Xoff = 0x13;

    public const byte Dc4 = 0x14;
    public const byte Can = 0x18;
    public const byte Esc = 0x1B;
    public const byte Fs = 0x1C;
    public const byte Gs = 0x1D;
}
