using System.CommandLine;
using SevaKiosk.Firmware.Updates.Bundles;
using SevaKiosk.Tools.Terminal;

namespace SevaKiosk.Tools.Bundle;

/// <summary><c>kioskctl bundle --rid RID --key KEY --out FILE [--deb]</c>: a signed device bundle (and a .deb).</summary>
internal static class BundleCommand
{
    public static Command Create()
    {
        var rid = new Option<string>("--rid") { Description = "Target runtime: linux-arm64 (the kiosk's SBC) or linux-x64.", Required = true };
        rid.AcceptOnlyFromAmong([.. BundleBuilder.Rids]);
        var key = new Option<string>("--key") { Description = "The vendor's private signing key (vendor-signing.key.pem from kioskctl keys new).", Required = true };
        var output = new Option<string>("--out") { Description = "Bundle file to write (a .tar.gz).", Required = true };
        var deb = new Option<bool>("--deb") { Description = "Also build a Debian package beside it (FILE without .tar.gz + .deb) with dpkg-deb." };
        var version = new Option<string?>("--version") { Description = "Firmware version to stamp; default: the build's own (0.1.0+commit)." };
        var project = new Option<string?>("--project") { Description = $"The firmware host project; default: {BundleBuilder.HostProjectPath} in this folder or one above." };
        var configuration = new Option<string>("--configuration") { Description = "Build configuration.", DefaultValueFactory = _ => "Release" };
        var fontDir = new Option<string?>("--font-dir") { Description = "Folder with the Noto receipt fonts (default /usr/share/fonts/truetype/noto, Debian's fonts-noto-core)." };
        var command = new Command("bundle", "Publish the firmware self-contained for a target and pack it with the receipt fonts, systemd unit and udev rules into a bundle signed by the vendor key.")
        {
            rid, key, output, deb, version, project, configuration, fontDir,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var stdout = result.InvocationConfiguration.Output;
            var stderr = result.InvocationConfiguration.Error;
            var projectPath = result.GetValue(project) ?? BundleBuilder.FindHostProject(Directory.GetCurrentDirectory());
            if (projectPath is null || !File.Exists(projectPath))
            {
                await stderr.WriteLineAsync($"kioskctl bundle: the firmware host project was not found; run from the repository or pass --project {BundleBuilder.HostProjectPath}").ConfigureAwait(false);
                return 2;
            }

            var request = new BundleRequest
            {
                Rid = result.GetValue(rid)!,
                KeyPath = result.GetValue(key)!,
                OutputPath = Path.GetFullPath(result.GetValue(output)!),
                Project = Path.GetFullPath(projectPath),
                Deb = result.GetValue(deb),
                Version = result.GetValue(version),
                Configuration = result.GetValue(configuration)!,
                FontDirectory = result.GetValue(fontDir),
            };
            try
            {
                var made = await StepProgress.RunAsync(stdout, p => BundleBuilder.BuildAsync(request, p, TimeProvider.System, cancellationToken)).ConfigureAwait(false);
                await stdout.WriteLineAsync(Describe(made)).ConfigureAwait(false);
                return 0;
            }
            catch (Exception ex) when (ex is ArgumentException or IOException or InvalidOperationException or UnauthorizedAccessException or BundleRejectedException)
            {
                await stderr.WriteLineAsync("kioskctl bundle: " + ex.Message).ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }

    public static string Describe(BundleResult made) => string.Join(Environment.NewLine,
    [
        $"bundle:   {made.BundlePath}",
        $"version:  {made.Manifest.Version}",
        $"rid:      {made.Manifest.Rid}",
        $"files:    {made.Manifest.Files.Count} ({made.Manifest.PayloadBytes / 1e6:0.0} MB unpacked, {made.Bytes / 1e6:0.0} MB bundle)",
        $"sha256:   {made.Sha256}",
        .. made.DebPath is null ? Array.Empty<string>() : [$"deb:      {made.DebPath}"],
        $"publish {made.PublishTime.TotalSeconds:0.0} s, pack {made.PackTime.TotalSeconds:0.0} s",
        $"over the air: update command args url=<where it is served> sha256={made.Sha256} version={made.Manifest.Version}",
    ]);
}
