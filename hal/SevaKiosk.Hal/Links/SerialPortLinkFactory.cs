using System.IO.Ports;
using SevaKiosk.Hal.Links.Tty;

namespace SevaKiosk.Hal.Links;

/// <summary>
/// Opens a serial port by path (<c>/dev/serial/by-id/...</c> on a kiosk, <c>/dev/pts/N</c> against the simulator). On
/// Linux the driver gets a <see cref="TtyStream"/> on the tty itself (no wake-ups while the line is quiet); elsewhere,
/// a development machine, <see cref="System.IO.Ports.SerialPort"/>'s <c>BaseStream</c>.
/// </summary>
public sealed class SerialPortLinkFactory : IByteLinkFactory
{
    private readonly string _path;
    private readonly SerialSettings _settings;

    public SerialPortLinkFactory(string path, SerialSettings settings)
    {
        _path = path;
        _settings = settings;
    }

    public string Description => $"{_path} ({_settings})";

    public ValueTask<Stream> OpenAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!File.Exists(_path))
        {
            throw new IOException($"Serial port {_path} does not exist (unplugged, or a wrong path in the configuration).");
        }

        if (OperatingSystem.IsLinux())
        {
            var tty = TtyStream.Open(_path, _settings, TimeSpan.FromSeconds(2));

            // Drivers test for modem lines with `is IModemLines`: a tty without them (a pty) must not claim them.
            return ValueTask.FromResult<Stream>(tty.HasModemLines ? tty : new OwningStream(tty));
        }

        var port = new SerialPort(_path, _settings.BaudRate, _settings.Parity, _settings.DataBits, _settings.StopBits)
        {
            Handshake = _settings.Handshake,
            RtsEnable = _settings.RtsEnable,
            DtrEnable = _settings.DtrEnable,
            ReadTimeout = SerialPort.InfiniteTimeout,
            WriteTimeout = 2000,
        };
        try
        {
            port.Open();
            port.DiscardInBuffer();
            return ValueTask.FromResult<Stream>(new SerialPortStream(port));
        }
        catch
        {
            port.Dispose();
            throw;
        }
    }

    /// <summary>Owns the port so that disposing the stream closes it; exposes DSR for printers that signal busy on it.</summary>
    private sealed class SerialPortStream(SerialPort port) : DelegatingStream(port.BaseStream), IModemLines
    {
        public bool DsrHolding => port.DsrHolding;

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                port.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
