using Microsoft.Extensions.Time.Testing;
using SevaKiosk.Hal.Devices;
using SevaKiosk.Hal.Printers;

namespace SevaKiosk.Printer.Tests.Driver;

/// <summary>Status and faults from DLE EOT polling and Automatic Status Back, against the emulator.</summary>
public class PrinterStatusTests
{
    [Fact]
    public async Task A_healthy_printer_is_online_with_paper_and_ready_for_a_receipt()
    {
        await using var rig = new PrinterRig();
        await rig.Printer.StartAsync(CancellationToken.None);

        var readiness = await rig.Printer.CheckReadyAsync(CancellationToken.None);

        Assert.True(readiness.CanPrint, readiness.Reason);
        Assert.Equal(DeviceState.Online, rig.Printer.State);
        Assert.Equal(PaperState.Ok, rig.Printer.Status.Paper);
        Assert.Empty(rig.Printer.ActiveFaults);
    }

    [Fact]
    public async Task Near_end_still_prints_but_warns_the_operator()
    {
        await using var rig = new PrinterRig();
        await rig.Printer.StartAsync(CancellationToken.None);
        rig.Emulator.SetPaperRemaining(500);

        var readiness = await rig.Printer.CheckReadyAsync(CancellationToken.None);

        Assert.True(readiness.CanPrint);
        Assert.Equal(PaperState.NearEnd, readiness.Status.Paper);
        var warning = Assert.Single(readiness.Warnings);
        Assert.Equal("printer.paper.near-end", warning.Code);
        Assert.Equal(RecommendedAction.OperatorCanClear, warning.Action);
    }

    [Fact]
    public async Task Paper_end_blocks_taking_cash_and_clears_when_a_roll_is_loaded()
    {
        await using var rig = new PrinterRig();
        await rig.Printer.StartAsync(CancellationToken.None);
        rig.Emulator.SetPaperRemaining(0);

        var readiness = await rig.Printer.CheckReadyAsync(CancellationToken.None);

        Assert.False(readiness.CanPrint);
        Assert.Contains("out of paper", readiness.Reason, StringComparison.Ordinal);
        Assert.Equal(DeviceState.UserError, rig.Printer.State);
        Assert.Equal(PaperState.End, rig.Printer.Status.Paper);

        rig.Emulator.LoadPaper();
        Assert.True((await rig.Printer.CheckReadyAsync(CancellationToken.None)).CanPrint);
        Assert.DoesNotContain(rig.Printer.ActiveFaults, f => f.Code.StartsWith("printer.paper", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cover_open_arrives_by_ASB_without_waiting_for_a_poll()
    {
        // Virtual time that never advances: no background poll runs, so only ASB can bring the news.
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        await using var rig = new PrinterRig(driverTime: time);
        await rig.Printer.StartAsync(CancellationToken.None);
        await PrinterRig.Eventually(() => rig.Emulator.Condition.AutomaticStatusMask == 0x0E, "ASB enabled");
        var raised = new List<string>();
        rig.Printer.FaultRaised += (_, e) => raised.Add(e.Fault.Code);

        rig.Emulator.SetCover(open: true);
        await PrinterRig.Eventually(() => rig.Printer.Status.CoverOpen, "cover open status");

        Assert.False(rig.Printer.Status.Online);
        Assert.Equal(DeviceState.UserError, rig.Printer.State);
        Assert.Contains("printer.cover.open", raised);

        rig.Emulator.SetCover(open: false);
        await PrinterRig.Eventually(() => rig.Printer.Status.CanPrint, "cover closed status");
    }

    [Fact]
    public async Task A_printer_that_stops_answering_is_offline_within_one_second_of_virtual_time()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        await using var rig = new PrinterRig(new EscPosPrinterOptions { FlowControl = PrinterFlowControl.None }, driverTime: time);
        await rig.Printer.StartAsync(CancellationToken.None);
        Assert.Equal(DeviceState.Online, rig.Printer.State);

        rig.Emulator.SetPoweredOff(true);
        var silentAt = time.GetUtcNow();
        while (rig.Printer.State != DeviceState.Offline && time.GetUtcNow() - silentAt < TimeSpan.FromSeconds(3))
        {
            time.Advance(TimeSpan.FromMilliseconds(10));
            await Task.Delay(3);
        }

        Assert.Equal(DeviceState.Offline, rig.Printer.State);
        Assert.InRange(time.GetUtcNow() - silentAt, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        Assert.Contains(rig.Printer.ActiveFaults, f => f.Code == "printer.no-response");
        Assert.False(rig.Printer.Status.CanPrint);
    }

    [Fact]
    public async Task After_a_power_cycle_the_driver_re_initialises_and_re_enables_ASB()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        await using var rig = new PrinterRig(new EscPosPrinterOptions { FlowControl = PrinterFlowControl.None }, driverTime: time);
        await rig.Printer.StartAsync(CancellationToken.None);
        rig.Emulator.SetPoweredOff(true);
        await AdvanceUntil(time, () => rig.Printer.State == DeviceState.Offline);

        rig.Emulator.SetPoweredOff(false);
        Assert.Equal(0, rig.Emulator.Condition.AutomaticStatusMask);
        await AdvanceUntil(time, () => rig.Emulator.Condition.AutomaticStatusMask != 0);

        Assert.Equal(0x0E, rig.Emulator.Condition.AutomaticStatusMask);
        Assert.Equal(DeviceState.Online, rig.Printer.State);
        Assert.DoesNotContain(rig.Printer.ActiveFaults, f => f.Code == "printer.no-response");
    }

    private static async Task AdvanceUntil(FakeTimeProvider time, Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(10));
            await Task.Delay(3);
        }

        Assert.True(condition());
    }
}
