using System.Device.Gpio;
using Microsoft.Extensions.Logging.Abstractions;
using SevaKiosk.Firmware.Hosting;
using SevaKiosk.Hal.Io;
using SevaKiosk.Testing;

namespace SevaKiosk.Integration.Tests.Firmware;

/// <summary>The running kiosk and its switches: door, cash box and LEDs on the simulated GPIO header (reference wiring).</summary>
public sealed class KioskIoTests
{
    [Fact]
    public async Task Door_and_cash_box_switches_take_the_machine_out_of_service_close_and_open_batches_and_drive_the_leds()
    {
        using var data = new TempDirectory();
        var settings = KioskConfiguration.Load(KioskConfiguration.Build(null, [new("Kiosk:DataDirectory", data.Path)]));
        await using var kiosk = await KioskRuntime.StartAsync(settings, NullLoggerFactory.Instance, () => { });
        var gpio = kiosk.SimulatedGpio!;
        var pins = KioskIoOptions.ReferenceWiring;
        await Until(() => kiosk.Service.InService, "in service at start");
        Assert.Equal(PinValue.High, gpio.OutputLevel(pins.InServiceLed.Pin));
        var batch = kiosk.Journal.XReport().CashboxBatch;

        gpio.Drive(pins.Door.Pin, PinValue.High); // door opens
        await Until(() => !kiosk.Service.InService, "out of service with the door open");
        Assert.Contains("door", kiosk.Service.Describe(), StringComparison.Ordinal);
        await Until(() => gpio.OutputLevel(pins.OutOfServiceLed.Pin) == PinValue.High, "the out-of-service LED");

        gpio.Drive(pins.CashBox.Pin, PinValue.High); // cash box pulled
        await Until(() => kiosk.Journal.XReport().CashboxBatch != batch || BatchClosed(kiosk), "the batch to close");
        gpio.Drive(pins.CashBox.Pin, PinValue.Low); // an empty box goes in
        await Until(() => kiosk.Journal.XReport().CashboxBatch == batch + 1, "a new batch with the new box");

        gpio.Drive(pins.Door.Pin, PinValue.Low); // door closed
        await Until(() => kiosk.Service.InService, "back in service");
        Assert.Equal(PinValue.High, gpio.OutputLevel(pins.InServiceLed.Pin));
    }

    private static bool BatchClosed(KioskRuntime kiosk) =>
        kiosk.Journal.Database.Read(c =>
        {
            using var q = c.CreateCommand();
            q.CommandText = "SELECT COUNT(*) FROM cashbox_batches WHERE closed_at IS NOT NULL";
            return Convert.ToInt64(q.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
        });

    private static async Task Until(Func<bool> condition, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "timed out waiting for " + what);
            await Task.Delay(20);
        }
    }
}
