using SevaKiosk.Hal.Devices;

namespace SevaKiosk.Hal.CashAcceptors;

/// <summary>Faults every validator driver raises the same way, whatever its protocol.</summary>
public static class CommonFaults
{
    public static readonly FaultDefinition Offline = new(
        "validator.offline", FaultSeverity.Error, RecommendedAction.Reset, true,
        "validator not answering; reconnecting (check its cable and power)");

    public static readonly FaultDefinition InitFailed = new(
        "validator.init-failed", FaultSeverity.Error, RecommendedAction.Configuration, true,
        "validator refused the start-up sequence");

    public static readonly FaultDefinition ObserverFailed = new(
        "validator.journal-failed", FaultSeverity.Critical, RecommendedAction.TechnicianNeeded, false,
        "a money event could not be recorded");

    public static readonly FaultDefinition JamSafe = new(
        "validator.jam.safe", FaultSeverity.Error, RecommendedAction.OperatorCanClear, true,
        "note jammed inside the validator (not reachable from the front)");

    public static readonly FaultDefinition JamUnsafe = new(
        "validator.jam.unsafe", FaultSeverity.Critical, RecommendedAction.OperatorCanClear, true,
        "note jammed where it can be pulled from the front");

    public static readonly FaultDefinition StackerFull = new(
        "validator.cashbox.full", FaultSeverity.Error, RecommendedAction.OperatorCanClear, true,
        "cash box full: empty it");

    public static readonly FaultDefinition CashboxRemoved = new(
        "validator.cashbox.removed", FaultSeverity.Error, RecommendedAction.OperatorCanClear, true,
        "cash box removed");

    public static readonly FaultDefinition PathOpen = new(
        "validator.path-open", FaultSeverity.Error, RecommendedAction.OperatorCanClear, true,
        "note path open: close the validator head");

    public static readonly FaultDefinition AllInhibited = new(
        "validator.all-inhibited", FaultSeverity.Error, RecommendedAction.Configuration, true,
        "every note channel is inhibited: check the configured notes against the device's dataset");

    public static readonly FaultDefinition Fraud = new(
        "validator.fraud", FaultSeverity.Critical, RecommendedAction.OperatorCanClear, true,
        "the validator detected a fraud attempt");

    public static readonly FaultDefinition UnknownEvent = new(
        "validator.protocol.unknown-event", FaultSeverity.Error, RecommendedAction.TechnicianNeeded, false,
        "the validator reported an event this firmware cannot decode; nothing after it was guessed");

    public static readonly FaultDefinition Failure = new(
        "validator.failure", FaultSeverity.Error, RecommendedAction.TechnicianNeeded, true,
        "the validator reported a hardware failure");
}
