using System.Diagnostics;

namespace SevaKiosk.Printer.Tests.Cli;

/// <summary>Runs the built command-line tools as processes, exactly as a technician or a script would.</summary>
internal static class CliProcess
{
    public static string Dotnet => Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";

    public static string Tool(string assembly) => Path.Combine(AppContext.BaseDirectory, assembly + ".dll");

    public static ProcessStartInfo StartInfo(string assembly, params string[] args)
    {
        var info = new ProcessStartInfo(Dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Tool(assembly));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_NOLOGO"] = "1";
        return info;
    }

    public static async Task<(int Exit, string Out, string Err)> RunAsync(string assembly, params string[] args)
    {
        using var process = Process.Start(StartInfo(assembly, args))!;
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
