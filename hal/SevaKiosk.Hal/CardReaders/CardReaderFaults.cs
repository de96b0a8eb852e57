using SevaKiosk.Hal.Devices;

namespace SevaKiosk.Hal.CardReaders;

/// <summary>The faults a card reader raises (codes are stable; see CardReaders/README.md).</summary>
public static class CardReaderFaults
{
    /// <summary>The reader is absent (port or reader name missing) or does not answer. Clears when it answers again.</summary>
    public static readonly FaultDefinition Offline = new(
        "card-reader.offline", FaultSeverity.Error, RecommendedAction.TechnicianNeeded, ClearsBySelf: true,
        "Card reader is not answering");
}
