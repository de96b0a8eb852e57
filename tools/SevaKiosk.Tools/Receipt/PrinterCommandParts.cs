using System.CommandLine;
using SevaKiosk.Protocol.EscPos;

namespace SevaKiosk.Tools.Receipt;

/// <summary>Options and error handling the receipt and printer commands share.</summary>
internal static class PrinterCommandParts
{
    public static Option<string> ProfileOption()
    {
        var profile = new Option<string>("--profile")
        {
            Description = $"Printer profile: {string.Join(", ", PrinterProfiles.All.Select(p => p.Name))}.",
            DefaultValueFactory = _ => PrinterProfiles.Default.Name,
        };
        profile.AcceptOnlyFromAmong([.. PrinterProfiles.All.Select(p => p.Name)]);
        return profile;
    }

    /// <summary>Runs <paramref name="action"/>; a missing or unreadable file (input, output, font) is one line on stderr and exit 1.</summary>
    public static async Task<int> ReportingFileErrorsAsync(Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return 1;
        }
    }
}
