using System.CommandLine;
using SevaKiosk.Firmware.Updates.Bundles;
using SevaKiosk.Tools.Terminal;

namespace SevaKiosk.Tools.Flash;

/// <summary><c>kioskctl flash BUNDLE --root DIR [--config FILE] [--vendor-key PUB]</c>.</summary>
internal static class FlashCommand
{
    public static Command Create()
    {
        var bundle = new Argument<string>("BUNDLE") { Description = "A bundle made by kioskctl bundle." };
        var root = new Option<string>("--root") { Description = "Target root: a mounted SD card or a directory (the firmware goes to ROOT/opt/sevakiosk).", Required = true };
        var config = new Option<string?>("--config") { Description = "The machine's configuration (from kioskctl provision), installed as ROOT/etc/sevakiosk/kiosk.json." };
        var vendorKey = new Option<string?>("--vendor-key") { Description = "The vendor's public signing key (vendor-signing.pub.pem); pinned on the target for over-the-air updates. Default: the key the target already pins." };
        var command = new Command("flash", "Install a bundle into a target root's inactive slot and switch to it; a bundle whose signature or file hashes do not verify is refused and nothing changes.")
        {
            bundle, root, config, vendorKey,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var stdout = result.InvocationConfiguration.Output;
            var request = new FlashRequest(result.GetValue(bundle)!, result.GetValue(root)!, result.GetValue(config), result.GetValue(vendorKey));
            try
            {
                var flashed = await StepProgress.RunAsync(stdout, p => Task.FromResult(TargetInstaller.Flash(request, p, TimeProvider.System))).ConfigureAwait(false);
                await stdout.WriteLineAsync($"flashed {flashed.Manifest.Version} ({flashed.Manifest.Rid}) into slot {flashed.Slot}{(flashed.PreviousSlot is { } p ? $"; slot {p} kept as the fallback" : string.Empty)}; systemd starts {flashed.Program}").ConfigureAwait(false);
                return 0;
            }
            catch (BundleRejectedException ex)
            {
                await result.InvocationConfiguration.Error.WriteLineAsync($"kioskctl flash: bundle refused: {ex.Message}. Nothing on the target was changed.").ConfigureAwait(false);
                return 1;
            }
            catch (Exception ex) when (ex is ArgumentException or IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                await result.InvocationConfiguration.Error.WriteLineAsync("kioskctl flash: " + ex.Message).ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }
}
