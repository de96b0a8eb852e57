namespace SevaKiosk.Hal.Tests.Support;

/// <summary>Tests that drive a <see cref="VirtualClock"/> pump run alone: other tests' work would look like activity.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class VirtualTimeCollection
{
    public const string Name = "virtual-time";
}
