using SevaKiosk.Hal.Devices;
using SevaKiosk.Protocol.EscPos;

namespace SevaKiosk.Hal.Printers;

/// <summary>Roll-paper sensors.</summary>
public enum PaperState
{
    /// <summary>Not read yet, or the printer does not answer.</summary>
    Unknown,
    Ok,

    /// <summary>The near-end sensor tripped: prints, but the roll must be changed soon.</summary>
    NearEnd,

    /// <summary>No paper: nothing prints.</summary>
    End,
}

/// <summary>
/// Printer status. Records compare by value, so <see cref="StatusCell{TStatus}"/> raises only real changes.
/// <see cref="Online"/> means the printer answers and is not off line; <see cref="CanPrint"/> is what the kiosk
/// checks before it takes cash.
/// </summary>
public sealed record PrinterStatus(
    DeviceState Device,
    bool Online,
    PaperState Paper,
    bool CoverOpen,
    bool CutterError,
    bool RecoverableError,
    bool UnrecoverableError,
    bool AutoRecoverableError,
    bool Printing)
{
    public static PrinterStatus Initial { get; } = new(DeviceState.Offline, false, PaperState.Unknown, false, false, false, false, false, false);

    /// <summary>A receipt started now would print: answering, on line, paper present, cover shut, no error.</summary>
    public bool CanPrint => Online && Device == DeviceState.Online && Paper is PaperState.Ok or PaperState.NearEnd
        && !CoverOpen && !CutterError && !RecoverableError && !UnrecoverableError;
}

/// <summary>What the configured printer can do (from its profile; read once).</summary>
public sealed record PrinterCapabilities(
    string Profile,
    string Description,
    int DotsPerLine,
    int DotsPerInch,
    int Columns,
    EscPosCut Cut,
    bool NativeQr,
    bool AutomaticStatusBack,
    bool Code128,
    PrinterFlowControl FlowControl,
    string Link);

/// <summary>
/// Whether a receipt can be printed now, and if not why: the answer the kiosk needs before it accepts cash.
/// <see cref="Blocking"/> lists the faults that stop printing; <see cref="Warnings"/> those that do not (paper near end).
/// </summary>
public sealed record PrintReadiness(bool CanPrint, string Reason, PrinterStatus Status, IReadOnlyList<DeviceFault> Blocking, IReadOnlyList<DeviceFault> Warnings);
