using System.Diagnostics;
using SevaKiosk.Tools.Bundle;

namespace SevaKiosk.Deploy.Tests.Ota;

/// <summary>Runs the ExecStart= line of the bundled sevakiosk-fallback.service the way systemd would, in a given install root.</summary>
internal static class FallbackUnit
{
    public static async Task RunAsync(string installRoot)
    {
        var system = Path.Combine(Path.GetTempPath(), "fallback-" + Guid.NewGuid().ToString("N"));
        SystemFiles.WriteEmbedded(system);
        var unit = await File.ReadAllLinesAsync(Path.Combine(system, "sevakiosk-fallback.service"));
        Directory.Delete(system, recursive: true);
        var exec = unit.Single(l => l.StartsWith("ExecStart=", StringComparison.Ordinal))["ExecStart=".Length..];
        const string prefix = "/bin/sh -c '";
        Assert.StartsWith(prefix, exec, StringComparison.Ordinal);
        var script = exec[prefix.Length..^1];
        var start = new ProcessStartInfo("/bin/sh") { WorkingDirectory = installRoot, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, error);
    }
}
