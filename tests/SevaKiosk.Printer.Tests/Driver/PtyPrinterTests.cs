using System.IO.Ports;
using SevaKiosk.Hal.Links;
using SevaKiosk.Hal.Printers;
using SevaKiosk.Simulator.Devices.Printers.EscPos;
using SevaKiosk.Simulator.Pty;

namespace SevaKiosk.Printer.Tests.Driver;

/// <summary>The production path: the driver opens a serial port by path, the emulator serves the pseudo-terminal's master.</summary>
public class PtyPrinterTests
{
    [Fact]
    public async Task A_receipt_prints_over_a_serial_port_opened_by_path()
    {
        await using var rig = await PtyRig.StartAsync();
        var job = TestJobs.Long("PTY1", 10);

        var result = await rig.Printer.PrintAsync(job, CancellationToken.None);

        Assert.True(result.Printed, result.Reason);
        Assert.Contains(rig.Path, rig.Printer.Capabilities.Link, StringComparison.Ordinal);
        PrintJobTests.AssertSameDots(PrintJobTests.Reference(job), rig.Emulator.Pages[^1]);
    }

    [Fact]
    public async Task Paper_end_mid_receipt_over_the_serial_port_is_reported_not_printed()
    {
        await using var rig = await PtyRig.StartAsync();
        rig.Emulator.SetPaperRemaining(150);

        var result = await rig.Printer.PrintAsync(TestJobs.Long("PTY2", 60), CancellationToken.None);

        Assert.Equal(PrintOutcome.NotPrinted, result.Outcome);
        Assert.Equal("printer.paper.end", result.Fault?.Code);
        Assert.InRange(result.Progress.LinesConfirmed, 1, result.Progress.TotalLines - 1);
    }

    private sealed class PtyRig : IAsyncDisposable
    {
        private readonly PseudoTerminal _pty = PseudoTerminal.Open();
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _serving;

        private PtyRig()
        {
            Emulator = new EscPosPrinterEmulator(PrinterRig.FastPrinter);
            _serving = Task.Run(() => Emulator.RunAsync(_pty.Master, _stop.Token));
            var link = new SerialPortLinkFactory(_pty.SlavePath, new SerialSettings { BaudRate = 115_200, StopBits = StopBits.One });
            Printer = new EscPosPrinter(link, PrinterRig.Acknowledged with { FlowControl = PrinterFlowControl.XonXoff, LineBytesPerSecond = 11_520 });
        }

        public EscPosPrinterEmulator Emulator { get; }

        public EscPosPrinter Printer { get; }

        public string Path => _pty.SlavePath;

        public static async Task<PtyRig> StartAsync()
        {
            var rig = new PtyRig();
            await rig.Printer.StartAsync(CancellationToken.None);
            return rig;
        }

        public async ValueTask DisposeAsync()
        {
            await Printer.DisposeAsync();
            await _stop.CancelAsync();
            await _serving;
            await Emulator.DisposeAsync();
            _pty.Dispose();
            _stop.Dispose();
        }
    }
}
