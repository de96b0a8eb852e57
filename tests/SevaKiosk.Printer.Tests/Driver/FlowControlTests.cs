using SevaKiosk.Hal.Printers;
using SevaKiosk.Simulator.Devices.Printers.EscPos;

namespace SevaKiosk.Printer.Tests.Driver;

/// <summary>
/// A printer slower than the link, with a 4 KB buffer that discards what does not fit: flow control is what keeps a
/// 7 KB receipt intact. Without it the buffer overruns for real.
/// </summary>
public class FlowControlTests
{
    /// <summary>
    /// Paper at 1 m/s: a line of text takes 3.75 ms, so text drains at about 12 KB/s, half the 23 KB/s line rate.
    /// Busy (XOFF, DTR) from 1 KB buffered leaves 3 KB (130 ms at the line rate) for bytes already in flight: the
    /// emulator shares a loaded 2-core machine with the test, where a real UART would react within a character.
    /// </summary>
    private static EscPosPrinterEmulatorOptions SlowPrinter(bool xonXoff) => new()
    {
        PrintSpeedMmPerSecond = 1000,
        ReceiveBufferBytes = 4096,
        BusyAtFreeBytes = 3072,
        ReadyAtFreeBytes = 3584,
        SendsXonXoff = xonXoff,
    };

    private static readonly PrintJob Receipt = TestJobs.Long("FLOW", 150);

    [Fact]
    public async Task Without_flow_control_the_printer_buffer_overruns_and_the_receipt_is_lost()
    {
        var options = PrinterRig.Acknowledged with { FlowControl = PrinterFlowControl.None, JobStallTimeout = TimeSpan.FromSeconds(3) };
        await using var rig = new PrinterRig(options, SlowPrinter(xonXoff: true));
        await rig.Printer.StartAsync(CancellationToken.None);

        var result = await rig.Printer.PrintAsync(Receipt, CancellationToken.None);

        Assert.True(rig.Emulator.DroppedBytes > 0, "the emulator's buffer should have overrun");
        var intact = rig.Emulator.Pages.Any(p => p.Dots.AsSpan().SequenceEqual(PrintJobTests.Reference(Receipt).Dots));
        Assert.False(result.Printed && intact, "a receipt with lost bytes must not come out intact and reported printed");
    }

    [Theory]
    [InlineData(PrinterFlowControl.XonXoff)]
    [InlineData(PrinterFlowControl.Dsr)]
    public async Task Line_signal_flow_control_keeps_every_byte_and_the_receipt_prints_exactly(PrinterFlowControl flow)
    {
        var options = PrinterRig.Acknowledged with { FlowControl = flow, LineBytesPerSecond = 23_040 };
        var xonXoff = flow == PrinterFlowControl.XonXoff;
        await using var rig = new PrinterRig(options, SlowPrinter(xonXoff), modemLines: !xonXoff);
        await rig.Printer.StartAsync(CancellationToken.None);

        var result = await rig.Printer.PrintAsync(Receipt, CancellationToken.None);

        Assert.True(result.Printed, result.Reason);
        Assert.Equal(0, rig.Emulator.DroppedBytes);
        Assert.True(rig.Emulator.Condition.BusyEpisodes > 0, "the printer never signalled busy: the test did not exercise flow control");
        PrintJobTests.AssertSameDots(PrintJobTests.Reference(Receipt), rig.Emulator.Pages[^1]);
    }

    [Fact]
    public async Task Chunk_acknowledgement_needs_no_line_signals_and_keeps_every_byte()
    {
        await using var rig = new PrinterRig(PrinterRig.Acknowledged, SlowPrinter(xonXoff: false));
        await rig.Printer.StartAsync(CancellationToken.None);

        var result = await rig.Printer.PrintAsync(Receipt, CancellationToken.None);

        Assert.True(result.Printed, result.Reason);
        Assert.Equal(0, rig.Emulator.DroppedBytes);
        PrintJobTests.AssertSameDots(PrintJobTests.Reference(Receipt), rig.Emulator.Pages[^1]);
    }

    [Fact]
    public async Task DSR_flow_control_on_a_link_without_modem_lines_is_a_configuration_fault()
    {
        var options = PrinterRig.Acknowledged with { FlowControl = PrinterFlowControl.Dsr };
        await using var rig = new PrinterRig(options);
        await rig.Printer.StartAsync(CancellationToken.None);

        var fault = Assert.Single(rig.Printer.ActiveFaults, f => f.Code == "printer.flow-control.unsupported");
        Assert.Equal(SevaKiosk.Hal.Devices.RecommendedAction.Configuration, fault.Action);
        Assert.False((await rig.Printer.PrintAsync(TestJobs.Long("X", 2), CancellationToken.None)).Printed);
    }
}
