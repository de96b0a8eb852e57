using System.Buffers.Binary;
using System.IO.Ports;
using SevaKiosk.Interop;

namespace SevaKiosk.Hal.Links.Tty;

/// <summary>
/// Raw-mode line settings for a tty: <c>cfmakeraw</c>, then speed, character size, parity, stop bits and handshake from
/// <see cref="SerialSettings"/>. <c>struct termios</c> on Linux/glibc is c_iflag, c_oflag, c_cflag, c_lflag (4 bytes
/// each), c_line, c_cc[32], c_ispeed, c_ospeed: 60 bytes; the buffer is larger so a libc with more fields is safe.
/// </summary>
internal static unsafe class Termios
{
    private const int Size = Posix.TermiosBufferSize;
    private const int IFlag = 0;
    private const int CFlag = 8;
    private const int ControlChars = 17;
    private const int VTIME = 5;
    private const int VMIN = 6;

    private const uint INPCK = 0x10;
    private const uint IXON = 0x400;
    private const uint IXOFF = 0x1000;

    private const uint CSIZE = 0x30;
    private const uint CSTOPB = 0x40;
    private const uint CREAD = 0x80;
    private const uint PARENB = 0x100;
    private const uint PARODD = 0x200;
    private const uint HUPCL = 0x400;
    private const uint CLOCAL = 0x800;
    private const uint CMSPAR = 0x40000000;
    private const uint CRTSCTS = 0x80000000;

    /// <summary>Applies <paramref name="settings"/> to the open descriptor <paramref name="fd"/>.</summary>
    /// <exception cref="IOException">The descriptor is not a tty, or the driver refuses the settings.</exception>
    public static void Apply(int fd, SerialSettings settings, string path)
    {
        var speed = SpeedCode(settings.BaudRate);
        var t = stackalloc byte[Size];
        new Span<byte>(t, Size).Clear();
        Check(Posix.tcgetattr(fd, t), "tcgetattr", path);
        Posix.cfmakeraw(t);
        Check(TtyNative.cfsetispeed(t, speed), "cfsetispeed", path);
        Check(TtyNative.cfsetospeed(t, speed), "cfsetospeed", path);

        var span = new Span<byte>(t, Size);
        var cflag = BinaryPrimitives.ReadUInt32LittleEndian(span[CFlag..]);
        cflag &= ~(CSIZE | CSTOPB | PARENB | PARODD | CMSPAR | CRTSCTS | HUPCL);
        cflag |= CREAD | CLOCAL | CharacterSize(settings.DataBits);
        cflag |= settings.StopBits == StopBits.Two ? CSTOPB : 0;
        cflag |= settings.Parity switch
        {
            Parity.None => 0,
            Parity.Even => PARENB,
            Parity.Odd => PARENB | PARODD,
            Parity.Mark => PARENB | PARODD | CMSPAR,
            Parity.Space => PARENB | CMSPAR,
            _ => throw new IOException($"{path}: parity {settings.Parity} is not supported."),
        };
        cflag |= settings.Handshake is Handshake.RequestToSend or Handshake.RequestToSendXOnXOff ? CRTSCTS : 0;
        BinaryPrimitives.WriteUInt32LittleEndian(span[CFlag..], cflag);

        // Bytes with a parity error are passed on, not dropped or marked: every protocol here has its own CRC or
        // checksum and reports a damaged frame in its own terms.
        var iflag = BinaryPrimitives.ReadUInt32LittleEndian(span[IFlag..]) & ~(INPCK | IXON | IXOFF);
        iflag |= settings.Handshake is Handshake.XOnXOff or Handshake.RequestToSendXOnXOff ? IXON | IXOFF : 0;
        BinaryPrimitives.WriteUInt32LittleEndian(span[IFlag..], iflag);

        // Non-blocking descriptor, readiness from poll(): read returns what has arrived.
        span[ControlChars + VMIN] = 1;
        span[ControlChars + VTIME] = 0;
        Check(Posix.tcsetattr(fd, Posix.TCSANOW, t), "tcsetattr", path);
    }

    /// <summary>What the kernel holds for the line now (speed, size, parity, stop bits, handshake), read back with tcgetattr.</summary>
    public static SerialSettings Read(int fd, string path)
    {
        var t = stackalloc byte[Size];
        new Span<byte>(t, Size).Clear();
        Check(Posix.tcgetattr(fd, t), "tcgetattr", path);
        var span = new Span<byte>(t, Size);
        var cflag = BinaryPrimitives.ReadUInt32LittleEndian(span[CFlag..]);
        var iflag = BinaryPrimitives.ReadUInt32LittleEndian(span[IFlag..]);
        var code = TtyNative.cfgetospeed(t);
        var baud = StandardRates.FirstOrDefault(rate => SpeedCode(rate) == code);
        var xon = (iflag & IXON) != 0;
        var rts = (cflag & CRTSCTS) != 0;
        return new SerialSettings
        {
            BaudRate = baud,
            DataBits = 5 + (int)((cflag & CSIZE) >> 4),
            StopBits = (cflag & CSTOPB) != 0 ? StopBits.Two : StopBits.One,
            Parity = (cflag & (PARENB | PARODD | CMSPAR)) switch
            {
                PARENB => Parity.Even,
                PARENB | PARODD => Parity.Odd,
                PARENB | PARODD | CMSPAR => Parity.Mark,
                PARENB | CMSPAR => Parity.Space,
                _ => Parity.None,
            },
            Handshake = (xon, rts) switch
            {
                (true, true) => Handshake.RequestToSendXOnXOff,
                (true, false) => Handshake.XOnXOff,
                (false, true) => Handshake.RequestToSend,
                _ => Handshake.None,
            },
        };
    }

    private static readonly int[] StandardRates =
    [
        50, 75, 110, 134, 150, 200, 300, 600, 1200, 1800, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800,
        500000, 576000, 921600, 1000000, 1152000, 1500000, 2000000, 2500000, 3000000, 3500000, 4000000,
    ];

    /// <summary>The Bnnn constant for a standard rate; the kernel takes no other value through this interface.</summary>
    public static uint SpeedCode(int baud) => baud switch
    {
        50 => 1, 75 => 2, 110 => 3, 134 => 4, 150 => 5, 200 => 6, 300 => 7, 600 => 8, 1200 => 9, 1800 => 10,
        2400 => 11, 4800 => 12, 9600 => 13, 19200 => 14, 38400 => 15,
        57600 => 0x1001, 115200 => 0x1002, 230400 => 0x1003, 460800 => 0x1004, 500000 => 0x1005, 576000 => 0x1006,
        921600 => 0x1007, 1000000 => 0x1008, 1152000 => 0x1009, 1500000 => 0x100A, 2000000 => 0x100B,
        2500000 => 0x100C, 3000000 => 0x100D, 3500000 => 0x100E, 4000000 => 0x100F,
        _ => throw new IOException($"{baud} baud is not a standard serial rate (9600, 19200, 38400, 57600, 115200, ...)."),
    };

    private static uint CharacterSize(int dataBits) => dataBits switch
    {
        5 => 0x00,
        6 => 0x10,
        7 => 0x20,
        8 => 0x30,
        _ => throw new IOException($"{dataBits} data bits: a serial line carries 5 to 8."),
    };

    private static void Check(int result, string call, string path)
    {
        if (result < 0)
        {
            throw new IOException($"{path}: {call} failed: {Posix.Describe(Posix.LastError)}. Is it a serial port?");
        }
    }
}
