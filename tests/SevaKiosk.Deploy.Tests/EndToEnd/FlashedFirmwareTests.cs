using System.Diagnostics;
using System.Text.Json.Nodes;
using SevaKiosk.Deploy.Tests.Infrastructure;
using SevaKiosk.Deploy.Tests.Ota;
using SevaKiosk.Firmware.Receipts;
using SevaKiosk.Firmware.Updates.Slots;
using SevaKiosk.Testing;
using SevaKiosk.Tools.Bundle;
using SevaKiosk.Tools.Flash;
using Xunit.Abstractions;

namespace SevaKiosk.Deploy.Tests.EndToEnd;

/// <summary>The real bundle (self-contained linux-x64 publish) flashed into a directory root and run from there.</summary>
[Collection(PublishedBundleCollection.Name)]
public sealed class FlashedFirmwareTests(PublishedBundleFixture bundle, ITestOutputHelper output)
{
    private const string MachineId = "RJ-JPR-BAS-0042";

    [Fact]
    public void Bundle_carries_the_self_contained_firmware_receipt_fonts_unit_and_udev_rules()
    {
        output.WriteLine(bundle.Log + $"fixture {bundle.Elapsed.TotalSeconds:0.0} s; bundle {bundle.Result.Bytes} bytes; payload {bundle.Result.Manifest.PayloadBytes} bytes; {bundle.Result.Manifest.Files.Count} files");
        var manifest = bundle.Result.Manifest;
        var files = manifest.Files.ToDictionary(f => f.Path);
        Assert.Equal("linux-x64", manifest.Rid);
        Assert.StartsWith("0.1.0", manifest.Version, StringComparison.Ordinal);
        Assert.True(files["sevakiosk"].Executable);
        Assert.Contains("libcoreclr.so", files.Keys);
        Assert.Contains("libSkiaSharp.so", files.Keys);
        foreach (var font in ReceiptFonts.Files)
        {
            Assert.Contains("fonts/" + font, files.Keys);
        }

        foreach (var (inSlot, _) in SystemFiles.Placement)
        {
            Assert.Contains(inSlot, files.Keys);
        }

        Assert.DoesNotContain(SystemFiles.Unit, files.Keys);
    }

    [Fact]
    public async Task Flashed_firmware_runs_the_demo_from_the_target_root_with_the_flashed_configuration()
    {
        using var temp = new TempDirectory();
        var root = Path.Combine(temp.Path, "card");
        Directory.CreateDirectory(root);
        var config = Path.Combine(temp.Path, "kiosk.json");
        await File.WriteAllTextAsync(config, $$"""
            { "Kiosk": { "MachineId": "{{MachineId}}", "Panchayat": "Bassi", "Block": "Bassi", "District": "Jaipur" } }
            """);

        var flashed = TargetInstaller.Flash(new FlashRequest(bundle.Result.BundlePath, root, config, bundle.Keys.PublicKeyPath), OtaRig.Silent, TimeProvider.System);
        var program = Path.Combine(root, "opt/sevakiosk/current/sevakiosk");
        Assert.Equal(program, flashed.Program);
        var slot = SlotLayout.ForTargetRoot(root).SlotDirectory("a");
        Assert.Equal(Path.Combine(slot, "fonts"), ReceiptFonts.ResolveDirectory(slot));

        var (code, stdout, stderr) = await RunAsync(program, TimeSpan.FromMinutes(3), "--demo", "--config", Path.Combine(root, "etc/sevakiosk/kiosk.json"), "--data", Path.Combine(temp.Path, "data"));
        output.WriteLine(stdout);
        Assert.True(code == 0, $"exit {code}\n{stderr}");
        var last = JsonNode.Parse(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1])!;
        Assert.True((bool)last["acknowledged"]!);
        Assert.StartsWith(MachineId, (string)last["txId"]!, StringComparison.Ordinal);
        Assert.Contains("Firmware slot a (Normal)", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deb_installs_the_same_payload_in_slot_a_with_the_system_files_as_conffiles()
    {
        var deb = bundle.Result.DebPath!;
        var info = await RunAsync("dpkg-deb", TimeSpan.FromMinutes(1), "--field", deb, "Package", "Architecture", "Version");
        Assert.Equal(0, info.Code);
        Assert.Contains("Package: sevakiosk", info.Stdout, StringComparison.Ordinal);
        Assert.Contains("Architecture: amd64", info.Stdout, StringComparison.Ordinal);
        Assert.Contains("Version: " + DebPackage.DebianVersion(bundle.Result.Manifest.Version), info.Stdout, StringComparison.Ordinal);

        var contents = await RunAsync("dpkg-deb", TimeSpan.FromMinutes(1), "--contents", deb);
        Assert.Equal(0, contents.Code);
        Assert.Contains("./opt/sevakiosk/slots/a/sevakiosk", contents.Stdout, StringComparison.Ordinal);
        Assert.Contains("./opt/sevakiosk/slots/a/fonts/NotoSansDevanagari-Regular.ttf", contents.Stdout, StringComparison.Ordinal);
        Assert.Contains("./opt/sevakiosk/current -> slots/a", contents.Stdout, StringComparison.Ordinal);
        Assert.Contains("./etc/udev/rules.d/60-sevakiosk.rules", contents.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(contents.Stdout.Split('\n'), l => l.Contains("/DEBIAN", StringComparison.Ordinal));
        Assert.Contains("root/root", contents.Stdout, StringComparison.Ordinal);

        var conffiles = await RunAsync("dpkg-deb", TimeSpan.FromMinutes(1), "--info", deb, "conffiles");
        Assert.Equal(SystemFiles.Placement.Select(p => "/" + p.InTarget), conffiles.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    internal static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string program, TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} did not exit within {timeout}: {await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
