using System.IO.Ports;
using SevaKiosk.Hal.Links;
using SevaKiosk.Hal.Links.Tty;
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

    [Theory]
    [InlineData("9600,8N2", Handshake.None)]
    [InlineData("19200,8E1", Handshake.None)]
    [InlineData("115200,8N1", Handshake.XOnXOff)]
    [InlineData("38400,7O1", Handshake.RequestToSend)]
    public async Task The_kernel_holds_the_line_settings_the_configuration_asked_for(string line, Handshake handshake)
    {
        using var pty = PseudoTerminal.Open();
        var asked = SerialSettings.Parse(line) with { Handshake = handshake };
        await using var port = TtyStream.Open(pty.SlavePath, asked);

        var held = port.LineSettings;

        // A pty has no UART: the kernel's pty driver forces 8 data bits and no parity whatever is asked (pty.c,
        // pty_set_termios), so those two are checked on real adapters only. Speed, stop bits and handshake it keeps.
        Assert.Equal(asked.BaudRate, held.BaudRate);
        Assert.Equal(asked.StopBits, held.StopBits);
        Assert.Equal(handshake, held.Handshake);
        Assert.Equal((8, Parity.None), (held.DataBits, held.Parity));
    }

    /// <summary>
    /// The bits the port writes into <c>c_cflag</c>/<c>c_iflag</c>, decoded by coreutils' <c>stty</c> rather than by our
    /// own reader, so a wrong constant cannot be hidden by the same wrong constant on the way back. The pty forces
    /// <c>cs8 -parenb</c>; every other bit stays as set, so a data-size or parity value that strayed outside those two
    /// fields would show as a flag stty names (cstopb, parodd, cmspar, crtscts, ...).
    /// </summary>
    [Theory]
    [InlineData("9600,8E1", Handshake.None, "-parodd -cmspar -cstopb -crtscts -ixon -ixoff")] // ID-003
    [InlineData("9600,8N2", Handshake.None, "-parodd -cmspar cstopb -crtscts -ixon -ixoff")]
    [InlineData("38400,7O1", Handshake.RequestToSend, "parodd -cmspar -cstopb crtscts -ixon -ixoff")]
    [InlineData("19200,8M1", Handshake.None, "parodd cmspar -cstopb -crtscts -ixon -ixoff")]
    [InlineData("19200,8S1", Handshake.None, "-parodd cmspar -cstopb -crtscts -ixon -ixoff")]
    [InlineData("115200,8N1", Handshake.XOnXOff, "-parodd -cmspar -cstopb -crtscts ixon ixoff")]
    public async Task Stty_reads_back_the_line_the_configuration_asked_for(string line, Handshake handshake, string flags)
    {
        using var pty = PseudoTerminal.Open();
        var asked = SerialSettings.Parse(line) with { Handshake = handshake };
        await using var port = TtyStream.Open(pty.SlavePath, asked);

        // TIOCEXCL lets only a privileged process open the port a second time: the suite runs as root, as CI does.
        var stty = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stty", ["-a", "-F", pty.SlavePath])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = await stty.StandardOutput.ReadToEndAsync();
        var error = await stty.StandardError.ReadToEndAsync();
        await stty.WaitForExitAsync();
        Assert.True(stty.ExitCode == 0, $"stty: {error}");

        var words = output.Split([' ', '\n', ';'], StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        Assert.Contains($"speed {asked.BaudRate} baud", output, StringComparison.Ordinal);
        Assert.All(("cs8 -parenb cread clocal -hupcl " + flags).Split(' '), flag => Assert.Contains(flag, words));
        Assert.DoesNotContain(words, w => w is "cs5" or "cs6" or "cs7");
    }

    [Fact]
    public async Task Bytes_that_arrive_while_no_read_is_pending_or_while_a_read_is_cancelled_wait_for_the_next_read()
    {
        using var pty = PseudoTerminal.Open();
        await using var port = await new SerialPortLinkFactory(pty.SlavePath, SerialSettings.Ssp).OpenAsync(CancellationToken.None);

        await pty.Master.WriteAsync(new byte[] { 1, 2 });
        using (var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50)))
        {
            // A driver's reply timeout racing the bytes: whatever the outcome, nothing is lost.
            var first = new byte[8];
            var got = 0;
            try
            {
                got = await port.ReadAsync(first, cts.Token);
            }
            catch (OperationCanceledException)
            {
            }

            await pty.Master.WriteAsync(new byte[] { 3, 4, 5 });
            var rest = await ReadExactlyAsync(port, 5 - got);
            Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, first[..got].Concat(rest).ToArray());
        }
    }

    [Fact]
    public async Task A_device_that_goes_away_fails_the_pending_read_with_a_message_that_says_so()
    {
        var pty = PseudoTerminal.Open();
        await using var port = await new SerialPortLinkFactory(pty.SlavePath, SerialSettings.Ssp).OpenAsync(CancellationToken.None);
        var pending = port.ReadAsync(new byte[4]).AsTask();

        pty.Dispose();

        var ex = await Assert.ThrowsAsync<IOException>(() => pending.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Contains("went away", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pty_has_no_modem_lines_and_the_port_it_opens_does_not_claim_any()
    {
        // The printer driver raises printer.flow-control.unsupported for DSR flow control on a link without them.
        using var pty = PseudoTerminal.Open();
        await using (var tty = TtyStream.Open(pty.SlavePath, SerialSettings.Ssp))
        {
            Assert.False(tty.HasModemLines);
            Assert.Throws<IOException>(() => tty.DsrHolding);
        }

        // Opened one after the other: the port is exclusive (TIOCEXCL) for anyone but root.
        await using var port = await new SerialPortLinkFactory(pty.SlavePath, SerialSettings.Ssp).OpenAsync(CancellationToken.None);
        Assert.False(port is IModemLines);
    }

    [Fact]
    public async Task A_non_standard_rate_is_refused_with_the_rate_in_the_message()
    {
        using var pty = PseudoTerminal.Open();
        var ex = await Assert.ThrowsAsync<IOException>(async () =>
            await new SerialPortLinkFactory(pty.SlavePath, SerialSettings.Ssp with { BaudRate = 12345 }).OpenAsync(CancellationToken.None));
        Assert.Contains("12345", ex.Message, StringComparison.Ordinal);
    }

    private static async Task<byte[]> ReadExactlyAsync(Stream stream, int count)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer, cts.Token);
        return buffer;
    }
}
