using SevaKiosk.Hal.Printers;

namespace SevaKiosk.Printer.Tests.Driver;

public class PrinterSettingsTests
{
    [Fact]
    public void Defaults_give_XON_XOFF_paced_to_the_line_rate_and_offline_within_a_second()
    {
        var options = new PrinterSettings { Port = "/dev/ttyUSB0" }.ToOptions();

        Assert.Equal(PrinterFlowControl.XonXoff, options.FlowControl);
        Assert.Equal(11_520, options.LineBytesPerSecond); // 115200 baud, 10 bits per byte
        Assert.Equal("generic-80mm", options.Profile.Name);
        Assert.True(options.StatusPollInterval + options.ReplyTimeout <= TimeSpan.FromSeconds(1));
    }

    [Theory]
    [InlineData("FlowControl", "hardware")]
    [InlineData("Serial", "fast")]
    public void Bad_settings_name_the_configuration_key(string key, string value)
    {
        var settings = key == "FlowControl" ? new PrinterSettings { FlowControl = value } : new PrinterSettings { Serial = value };

        var ex = Assert.ThrowsAny<Exception>(() => settings.ToOptions());

        Assert.Contains("Printer:" + key, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_port_is_reported_with_its_key()
    {
        var ex = Assert.Throws<ArgumentException>(() => new PrinterSettings().CreateLink());

        Assert.Contains("Printer:Port", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Chunk_acknowledgement_refuses_a_window_larger_than_the_printer_buffer()
    {
        var ex = Assert.Throws<ArgumentException>(() => new PrinterSettings { FlowControl = "ack", ChunkBytes = 4096, Profile = "generic-58mm" }.ToOptions());

        Assert.Contains("receive buffer", ex.Message, StringComparison.Ordinal);
    }
}
