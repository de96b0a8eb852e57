using Nerdbank.Streams;
using SevaKiosk.Hal.Links;
using SevaKiosk.Hal.Printers;
using SevaKiosk.Simulator.Devices.Printers.EscPos;

namespace SevaKiosk.Printer.Tests.Driver;

/// <summary>The real driver talking to the printer emulator over an in-process duplex pair.</summary>
internal sealed class PrinterRig : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;

    public PrinterRig(
        EscPosPrinterOptions? driver = null, EscPosPrinterEmulatorOptions? emulator = null, TimeProvider? driverTime = null, bool modemLines = false,
        Action<string>? trace = null)
    {
        Emulator = new EscPosPrinterEmulator(emulator ?? FastPrinter);
        var (host, device) = FullDuplexStream.CreatePair();
        _serving = Task.Run(() => Emulator.RunAsync(device, _stop.Token));
        Stream link = modemLines ? new DsrWiredStream(host, () => Emulator.ReadyLine) : host;
        if (trace is not null)
        {
            link = new TracingStream(link, trace);
        }

        Printer = new EscPosPrinter(link, shouldDispose: true, driver ?? Acknowledged, driverTime);
    }

    /// <summary>
    /// Driver options for tests that are not about flow control: chunk acknowledgement (safe on any link, no pacing
    /// delays) and a reply timeout generous enough for a loaded 2-core CI machine (the emulator shares the process).
    /// </summary>
    public static EscPosPrinterOptions Acknowledged { get; } = new()
    {
        FlowControl = PrinterFlowControl.ChunkAcknowledge,
        LineBytesPerSecond = null,
        ReplyTimeout = TimeSpan.FromSeconds(2),
    };

    /// <summary>A quick printer (2 m/s paper) so that ordinary tests do not wait for paper.</summary>
    public static EscPosPrinterEmulatorOptions FastPrinter { get; } = new() { PrintSpeedMmPerSecond = 2000 };

    public EscPosPrinterEmulator Emulator { get; }

    public EscPosPrinter Printer { get; }

    public async ValueTask DisposeAsync()
    {
        await Printer.DisposeAsync();
        await _stop.CancelAsync();
        await _serving;
        await Emulator.DisposeAsync();
        _stop.Dispose();
    }

    /// <summary>Waits (real time) until <paramref name="condition"/> holds.</summary>
    public static async Task Eventually(Func<bool> condition, string what, int timeoutMs = 5000)
    {
        var until = Environment.TickCount64 + timeoutMs;
        while (!condition())
        {
            if (Environment.TickCount64 > until)
            {
                Assert.Fail($"Timed out waiting for {what}.");
            }

            await Task.Delay(5);
        }
    }

    /// <summary>Logs what crosses the link, for diagnosing a failing test.</summary>
    private sealed class TracingStream(Stream inner, Action<string> trace) : DelegatingStream(inner), IModemLines
    {
        private readonly long _start = Environment.TickCount64;

        public bool DsrHolding => Inner is not IModemLines lines || lines.DsrHolding;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await Inner.ReadAsync(buffer, cancellationToken);
            trace($"{Environment.TickCount64 - _start,6} <- {Convert.ToHexString(buffer.Span[..read])}");
            return read;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var shown = buffer.Length > 24 ? $"{buffer.Length} bytes …{Convert.ToHexString(buffer.Span[^8..])}" : Convert.ToHexString(buffer.Span);
            trace($"{Environment.TickCount64 - _start,6} -> {shown}");
            return Inner.WriteAsync(buffer, cancellationToken);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>Models the null-modem wiring printer DTR → host DSR, which a pipe does not have.</summary>
    private sealed class DsrWiredStream(Stream inner, Func<bool> dsr) : DelegatingStream(inner), IModemLines
    {
        public bool DsrHolding => dsr();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
