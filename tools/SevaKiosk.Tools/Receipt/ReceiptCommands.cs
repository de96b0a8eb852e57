using System.CommandLine;
using SevaKiosk.Firmware.Receipts;
using SevaKiosk.Protocol.EscPos;
using SevaKiosk.Simulator.Devices.Printers.EscPos;

namespace SevaKiosk.Tools.Receipt;

/// <summary>
/// <c>kioskctl receipt render IN --out OUT.png [--width-dots N]</c>: any ESC/POS byte stream to PNG, as the printer
/// emulator prints it. <c>kioskctl receipt sample --lang hi|en|hi+en --out FILE</c>: the reference bill-payment
/// receipt's ESC/POS bytes for a printer profile.
/// </summary>
internal static class ReceiptCommands
{
    public static Command Create() => new("receipt", "Compose the reference receipt and render ESC/POS streams to PNG.")
    {
        RenderCommand(),
        SampleCommand(),
    };

    private static Command RenderCommand()
    {
        var input = new Argument<string>("IN") { Description = "ESC/POS byte stream to render (a capture, a sample, anything a host sent a printer); - for stdin." };
        var output = new Option<string>("--out") { Description = "PNG file to write.", Required = true };
        var width = new Option<int>("--width-dots")
        {
            Description = "Printable width in dots: 576 for 80 mm paper, 384 for 58 mm.",
            DefaultValueFactory = _ => 576,
        };
        var fontDir = new Option<string?>("--font-dir") { Description = $"Folder with the emulator's device font {DeviceFont.RegularFile} (default {DeviceFont.DefaultDirectory})." };
        var command = new Command("render", "Render an ESC/POS byte stream to PNG the way the printer emulator prints it, cuts marked.")
        {
            input, output, width, fontDir,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var widthDots = result.GetValue(width);
            if (widthDots is < 64 or > 4096 || widthDots % 8 != 0)
            {
                await Console.Error.WriteLineAsync("--width-dots must be a multiple of 8 between 64 and 4096 (576 for 80 mm, 384 for 58 mm).").ConfigureAwait(false);
                return 2;
            }

            var path = result.GetValue(input)!;
            return await PrinterCommandParts.ReportingFileErrorsAsync(async () =>
            {
                var bytes = path == "-" ? await ReadStdinAsync(cancellationToken).ConfigureAwait(false) : await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
                using var font = DeviceFont.Load(result.GetValue(fontDir));
                var rendered = EscPosRenderer.Render(bytes, widthDots, font);
                var target = result.GetValue(output)!;
                await File.WriteAllBytesAsync(target, rendered.ToPng(), cancellationToken).ConfigureAwait(false);
                foreach (var notice in rendered.Notices)
                {
                    await Console.Error.WriteLineAsync("note: " + notice).ConfigureAwait(false);
                }

                var cuts = rendered.Pages.Count(p => p.End is PageEnd.FullCut or PageEnd.PartialCut);
                Console.WriteLine($"{bytes.Length} bytes -> {target}: {widthDots} dots wide, {rendered.Pages.Sum(p => p.Height)} rows, {cuts} cut(s), {rendered.TextLines.Count} printed lines, {rendered.Notices.Count} note(s).");
                return 0;
            }).ConfigureAwait(false);
        });
        return command;
    }

    private static Command SampleCommand()
    {
        var language = new Option<string>("--lang") { Description = "Receipt language: hi, en or hi+en.", Required = true };
        language.AcceptOnlyFromAmong([.. ReceiptLanguages.Names]);
        var output = new Option<string>("--out") { Description = "File to write the ESC/POS bytes to.", Required = true };
        var profile = PrinterCommandParts.ProfileOption();
        var reprint = new Option<bool>("--reprint") { Description = "Mark the receipt as a duplicate (reprint)." };
        var fontDir = new Option<string?>("--font-dir") { Description = $"Folder with the Noto fonts (default {ReceiptFonts.DefaultDirectory})." };
        var command = new Command("sample", "Write the reference bill-payment receipt as ESC/POS bytes for a printer profile.")
        {
            language, output, profile, reprint, fontDir,
        };
        command.SetAction(async (result, cancellationToken) => await PrinterCommandParts.ReportingFileErrorsAsync(async () =>
            {
                using var fonts = ReceiptFonts.Load(result.GetValue(fontDir));
                var chosen = PrinterProfiles.Get(result.GetValue(profile)!);
                var lang = ReceiptLanguages.Parse(result.GetValue(language)!);
                var data = BillPaymentReceiptData.Sample with { IsReprint = result.GetValue(reprint) };
                var composed = new ReceiptComposer(chosen, fonts).ComposeDetailed(BillPaymentReceipt.Create(data, lang));
                var target = result.GetValue(output)!;
                await File.WriteAllBytesAsync(target, composed.Bytes, cancellationToken).ConfigureAwait(false);
                Console.WriteLine($"{target}: {composed.Bytes.Length} bytes for {chosen.Name} ({lang.Name()}): {composed.TextLines} text lines, {composed.ShapedLines} shaped lines ({composed.ImageBytes} image bytes).");
                return 0;
            }).ConfigureAwait(false));
        return command;
    }

    private static async Task<byte[]> ReadStdinAsync(CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await using var stdin = Console.OpenStandardInput();
        await stdin.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }
}
