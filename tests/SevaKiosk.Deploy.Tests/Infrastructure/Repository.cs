namespace SevaKiosk.Deploy.Tests.Infrastructure;

/// <summary>Paths in the checkout the tests run from.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string HostProject => Path.Combine(Root, "firmware", "SevaKiosk.Firmware.Host", "SevaKiosk.Firmware.Host.csproj");

    /// <summary>The configuration these tests were built in; the fixture publishes in the same one so nothing is rebuilt.</summary>
    public const string Configuration =
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SevaKiosk.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("SevaKiosk.slnx not found above " + AppContext.BaseDirectory);
    }
}
