using System.Diagnostics;
using SevaKiosk.Testing;
using SevaKiosk.Tools.Bundle;
using SevaKiosk.Tools.Terminal;

namespace SevaKiosk.Deploy.Tests.Infrastructure;

/// <summary>
/// One real <c>kioskctl bundle --rid linux-x64 --deb</c> per test run (publishing self-contained takes most of a
/// minute): the bundle, the .deb, the kept payload and the vendor keys, shared by every test in the collection.
/// Publishes in the configuration the tests were built in, compiling only the host for the RID.
/// </summary>
public sealed class PublishedBundleFixture : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private readonly StringWriter _log = new();

    internal TestKeys Keys { get; private set; } = null!;

    internal BundleResult Result { get; private set; } = null!;

    public TimeSpan Elapsed { get; private set; }

    public string Temp => _temp.Path;

    public string Log => _log.ToString();

    public async Task InitializeAsync()
    {
        Keys = new TestKeys(Path.Combine(_temp.Path, "keys"));
        var clock = Stopwatch.StartNew();
        Result = await BundleBuilder.BuildAsync(
            new BundleRequest
            {
                Rid = "linux-x64",
                KeyPath = Keys.PrivateKeyPath,
                OutputPath = Path.Combine(_temp.Path, "sevakiosk-linux-x64.tar.gz"),
                Project = Repository.HostProject,
                Deb = true,
                Configuration = Repository.Configuration,
                BuildReferences = false,
                WorkDirectory = Path.Combine(_temp.Path, "work"),
                KeepPayload = true,
            },
            StepProgress.Plain(_log),
            TimeProvider.System,
            CancellationToken.None);
        Elapsed = clock.Elapsed;
    }

    public Task DisposeAsync()
    {
        _temp.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class PublishedBundleCollection : ICollectionFixture<PublishedBundleFixture>
{
    public const string Name = "published bundle";
}
