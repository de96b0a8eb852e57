using SevaKiosk.Simulator.Devices.Printers.EscPos;

namespace SevaKiosk.Firmware.Hosting;

/// <summary>Receipt images rendered from the ESC/POS bytes themselves (a real printer keeps no picture of its paper).</summary>
public sealed class RenderedReceiptImages(int widthDots) : IReceiptImages
{
    public Task<string?> ExpectNext() => Task.FromResult<string?>(null);

    public async Task SaveAsync(Task<string?> printed, byte[] escPos, string path, CancellationToken cancellationToken)
    {
        using var font = DeviceFont.Load();
        var rendered = EscPosRenderer.Render(escPos, widthDots, font);
        await File.WriteAllBytesAsync(path, rendered.ToPng(), cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>
/// Receipt images as the printer emulator printed them: the page it cut after our job, copied to the receipt's path.
/// If no page comes (the job failed before the cut), the bytes are rendered offline instead, so a reprint or an audit
/// always has a picture of what the citizen was meant to get.
/// </summary>
public sealed class EmulatorReceiptImages : IReceiptImages
{
    private static readonly TimeSpan PageTimeout = TimeSpan.FromSeconds(30);
    private readonly object _gate = new();
    private readonly RenderedReceiptImages _fallback;
    private TaskCompletionSource<string?>? _next;

    public EmulatorReceiptImages(EscPosPrinterEmulator emulator)
    {
        _fallback = new RenderedReceiptImages(emulator.Options.WidthDots);
        emulator.PageOutput += (_, png) =>
        {
            TaskCompletionSource<string?>? waiting;
            lock (_gate)
            {
                waiting = _next;
                _next = null;
            }

            waiting?.TrySetResult(png);
        };
    }

    public Task<string?> ExpectNext()
    {
        var next = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _next = next;
        }

        return next.Task;
    }

    public async Task SaveAsync(Task<string?> printed, byte[] escPos, string path, CancellationToken cancellationToken)
    {
        string? png = null;
        try
        {
            png = await printed.WaitAsync(PageTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // No cut came: fall back to rendering the bytes.
        }

        if (png is not null && File.Exists(png))
        {
            File.Copy(png, path, overwrite: true);
        }
        else
        {
            await _fallback.SaveAsync(printed, escPos, path, cancellationToken).ConfigureAwait(false);
        }
    }
}
