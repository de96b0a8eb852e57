using SevaKiosk.Hal.Devices;

namespace SevaKiosk.Hal.CashAcceptors.CcTalk;

/// <summary>Faults only a ccTalk validator raises; everything else maps onto <see cref="CommonFaults"/>.</summary>
public static class CcTalkFaults
{
    /// <summary>
    /// More events happened between two polls than the device buffers, or the buffer contradicted its counter (a reset
    /// followed by new events looks like that). Events were lost; the driver never guesses what they were. The open
    /// transaction ends, and the cash box must be reconciled against the journal. Clears once the driver has read the
    /// buffer consistently again.
    /// </summary>
    public static readonly FaultDefinition EventsLost = new(
        "validator.events-lost", FaultSeverity.Error, RecommendedAction.Reset, true,
        "validator events were lost between two polls; the transaction ended: reconcile the cash box against the journal");

    /// <summary>The validator put a bill it could not identify into the cash box (event 21): no credit was given.</summary>
    public static readonly FaultDefinition UnaccountedNote = new(
        "validator.cashbox.unaccounted-note", FaultSeverity.Warning, RecommendedAction.OperatorCanClear, true,
        "a bill of unknown type went into the cash box without credit: reconcile when the cash box is emptied");
}
