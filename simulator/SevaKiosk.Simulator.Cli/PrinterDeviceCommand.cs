using System.CommandLine;
using SevaKiosk.Simulator.Control;
using SevaKiosk.Simulator.Devices.Printers.EscPos;

namespace SevaKiosk.Simulator.Cli;

/// <summary>
/// <c>sevakiosk-sim device printer [--pty] [--width-dots 576] [--out-dir DIR]</c>: an ESC/POS receipt printer on a new
/// pseudo-terminal. Prints <c>{"port":...}</c> first, a JSON line with the PNG path at every cut, and applies control
/// commands read as JSON lines on stdin.
/// </summary>
internal static class PrinterDeviceCommand
{
    public static Command Create()
    {
        var pty = new Option<bool>("--pty") { Description = "Serve on a new pseudo-terminal (the default and only transport)." };
        var width = new Option<int>("--width-dots")
        {
            Description = "Printable width in dots: 576 for 80 mm paper, 384 for 58 mm.",
            DefaultValueFactory = _ => 576,
        };
        width.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<int>();
            if (value is < 64 or > 4096 || value % 8 != 0)
            {
                result.AddError("--width-dots must be a multiple of 8 between 64 and 4096 (576 for 80 mm, 384 for 58 mm).");
            }
        });
        var outDir = new Option<string?>("--out-dir") { Description = "Where the PNG of every cut page is written (default: a new temporary folder)." };
        var buffer = new Option<int>("--buffer-bytes")
        {
            Description = "Receive buffer size; bytes arriving when it is full are discarded.",
            DefaultValueFactory = _ => 4096,
        };
        var fontDir = new Option<string?>("--font-dir") { Description = $"Folder with {DeviceFont.RegularFile} (default {DeviceFont.DefaultDirectory})." };

        var command = new Command("printer",
            "An ESC/POS thermal receipt printer. Control: {\"paper\":\"near-end\"|\"end\"|\"ok\"}, {\"cover\":\"open\"|\"closed\"}, "
            + "{\"cutter\":\"jam\"|\"clear\"}, {\"offline\":true|false}.")
        {
            pty, width, outDir, buffer, fontDir,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var directory = result.GetValue(outDir) ?? Directory.CreateTempSubdirectory("sevakiosk-printer-").FullName;
            var bufferBytes = result.GetValue(buffer);
            EscPosPrinterEmulator device;
            try
            {
                device = new EscPosPrinterEmulator(new EscPosPrinterEmulatorOptions
                {
                    WidthDots = result.GetValue(width),
                    OutputDirectory = Path.GetFullPath(directory),
                    ReceiveBufferBytes = bufferBytes,
                    BusyAtFreeBytes = bufferBytes / 8,
                    ReadyAtFreeBytes = bufferBytes / 4,
                    FontDirectory = result.GetValue(fontDir),
                });
            }
            catch (Exception ex) when (ex is FileNotFoundException or ArgumentException)
            {
                await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
                return 2;
            }

            return await DeviceControlSession.RunAsync(device, Console.In, Console.Out, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
