namespace SevaKiosk.Firmware.Tests.Engine.Support;

/// <summary>
/// Session tests drive a <see cref="VirtualClock"/> pump: they run alone, because other tests' work on the thread pool
/// would look like activity and hold virtual time back.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class VirtualTimeCollection
{
    public const string Name = "engine-virtual-time";
}
