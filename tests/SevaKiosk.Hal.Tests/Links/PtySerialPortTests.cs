using SevaKiosk.Hal.Links;
using SevaKiosk.Simulator.Pty;

namespace SevaKiosk.Hal.Tests.Links;

/// <summary>The real serial-port path against a real pseudo-terminal: what the firmware does against the simulator.</summary>
public class PtySerialPortTests
{
    [Fact]
    public async Task Serial_port_opened_by_path_exchanges_bytes_with_the_pty_master_both_ways()
    {
        using var pty = PseudoTerminal.Open();
        var factory = new SerialPortLinkFactory(pty.SlavePath, SerialSettings.Ssp);
        await using var port = await factory.OpenAsync(CancellationToken.None);

        byte[] hostToDevice = [0x7F, 0x80, 0x01, 0x11, 0x65, 0x82, 0x0A, 0x0D, 0x00, 0xFF];
        await port.WriteAsync(hostToDevice);
        var received = await ReadExactlyAsync(pty.Master, hostToDevice.Length);
        Assert.Equal(hostToDevice, received);

        byte[] deviceToHost = [0x7F, 0x80, 0x01, 0xF0, 0x23, 0x80, 0x0D, 0x0A, 0x11, 0x13];
        await pty.Master.WriteAsync(deviceToHost);
        Assert.Equal(deviceToHost, await ReadExactlyAsync(port, deviceToHost.Length));
    }

    [Fact]
    public async Task Read_on_the_serial_port_can_be_cancelled_and_the_port_still_works()
    {
        using var pty = PseudoTerminal.Open();
        await using var port = await new SerialPortLinkFactory(pty.SlavePath, SerialSettings.Ssp).OpenAsync(CancellationToken.None);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await port.ReadExactlyAsync(new byte[8], cts.Token));

        await pty.Master.WriteAsync(new byte[] { 1, 2, 3 });
        Assert.Equal([1, 2, 3], await ReadExactlyAsync(port, 3));
    }

    [Fact]
    public async Task Client_can_close_and_reopen_the_port_without_killing_the_device_side()
    {
        using var pty = PseudoTerminal.Open();
        var factory = new SerialPortLinkFactory(pty.SlavePath, SerialSettings.Ssp);
        await (await factory.OpenAsync(CancellationToken.None)).DisposeAsync();

        await using var again = await factory.OpenAsync(CancellationToken.None);
        await again.WriteAsync(new byte[] { 42 });
        Assert.Equal([42], await ReadExactlyAsync(pty.Master, 1));
    }

    [Fact]
    public async Task Opening_a_missing_port_names_the_path()
    {
        var ex = await Assert.ThrowsAsync<IOException>(async () =>
            await new SerialPortLinkFactory("/dev/serial/by-id/usb-ITL_NV200-if00", SerialSettings.Ssp).OpenAsync(CancellationToken.None));
        Assert.Contains("/dev/serial/by-id/usb-ITL_NV200-if00", ex.Message, StringComparison.Ordinal);
    }

    private static async Task<byte[]> ReadExactlyAsync(Stream stream, int count)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer, cts.Token);
        return buffer;
    }
}
