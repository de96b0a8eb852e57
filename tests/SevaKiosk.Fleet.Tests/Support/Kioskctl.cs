using System.CommandLine;
using SevaKiosk.Tools;
using SevaKiosk.Tools.Fleet.Faults;
using SevaKiosk.Tools.Fleet.Report;
using SevaKiosk.Tools.Fleet.Watch;

namespace SevaKiosk.Fleet.Tests.Support;

/// <summary>Runs kioskctl's fleet commands in-process as a user would type them, capturing stdout and stderr.</summary>
public static class Kioskctl
{
    public static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        var root = new RootCommand { WatchCommand.Create(), ReportCommand.Create(), FaultsCommand.Create() };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CommandLineRun.InvokeAsync(root, args, new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }
}
