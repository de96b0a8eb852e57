using System.CommandLine;

namespace SevaKiosk.Tools;

/// <summary>Runs a command line the way scripts expect: a usage error (unknown or missing flag, bad value) exits 2, not 1.</summary>
internal static class CommandLineRun
{
    public const int UsageError = 2;

    public static async Task<int> InvokeAsync(Command root, string[] args, InvocationConfiguration? configuration = null)
    {
        var parsed = root.Parse(args);
        var code = await parsed.InvokeAsync(configuration).ConfigureAwait(false);
        return parsed.Errors.Count > 0 ? UsageError : code;
    }
}
