using SevaKiosk.Hal.Devices;

namespace SevaKiosk.Hal.Printers;

/// <summary>Fault codes a receipt printer raises, with who has to act. The README's fault table lists the same.</summary>
public static class PrinterFaults
{
    public static FaultDefinition NoResponse { get; } = new("printer.no-response", FaultSeverity.Error, RecommendedAction.OperatorCanClear, true,
        "Printer does not answer: check that it is switched on and its cable is plugged in");

    public static FaultDefinition LinkUnavailable { get; } = new("printer.link.unavailable", FaultSeverity.Error, RecommendedAction.TechnicianNeeded, true,
        "Printer port cannot be opened");

    public static FaultDefinition PaperEnd { get; } = new("printer.paper.end", FaultSeverity.Error, RecommendedAction.OperatorCanClear, true,
        "Printer is out of paper: load a new roll");

    public static FaultDefinition PaperNearEnd { get; } = new("printer.paper.near-end", FaultSeverity.Warning, RecommendedAction.OperatorCanClear, true,
        "Paper roll is nearly used up: change it soon");

    public static FaultDefinition CoverOpen { get; } = new("printer.cover.open", FaultSeverity.Error, RecommendedAction.OperatorCanClear, true,
        "Printer cover is open: close it");

    public static FaultDefinition CutterError { get; } = new("printer.cutter", FaultSeverity.Error, RecommendedAction.OperatorCanClear, false,
        "Auto-cutter error: open the cover, remove the jammed paper and close it");

    public static FaultDefinition RecoverableError { get; } = new("printer.error.recoverable", FaultSeverity.Error, RecommendedAction.Reset, false,
        "Printer reports a recoverable mechanical error");

    public static FaultDefinition UnrecoverableError { get; } = new("printer.error.unrecoverable", FaultSeverity.Error, RecommendedAction.TechnicianNeeded, false,
        "Printer reports an unrecoverable error");

    public static FaultDefinition AutoRecoverableError { get; } = new("printer.error.auto-recoverable", FaultSeverity.Warning, RecommendedAction.OperatorCanClear, true,
        "Printer paused itself (print head too hot); it resumes on its own");

    public static FaultDefinition Offline { get; } = new("printer.offline", FaultSeverity.Error, RecommendedAction.OperatorCanClear, true,
        "Printer is off line for a reason it does not report");

    public static FaultDefinition GarbledStatus { get; } = new("printer.status.garbled", FaultSeverity.Warning, RecommendedAction.Configuration, true,
        "Printer answers with bytes that are not ESC/POS status: check baud rate and profile");

    public static FaultDefinition FlowControlUnsupported { get; } = new("printer.flow-control.unsupported", FaultSeverity.Error, RecommendedAction.Configuration, false,
        "DSR flow control is configured but the link has no modem lines");

    /// <summary>Every definition, for documentation and telemetry dictionaries.</summary>
    public static IReadOnlyList<FaultDefinition> All { get; } =
    [
        NoResponse, LinkUnavailable, PaperEnd, PaperNearEnd, CoverOpen, CutterError, RecoverableError, UnrecoverableError,
        AutoRecoverableError, Offline, GarbledStatus, FlowControlUnsupported,
    ];
}
