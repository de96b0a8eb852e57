using SevaKiosk.Hal.Devices;

namespace SevaKiosk.Hal.Printers;

/// <summary>
/// A receipt printer. The kiosk asks <see cref="CheckReadyAsync"/> before it takes cash, prints with
/// <see cref="PrintAsync"/>, and on <see cref="PrintOutcome.NotPrinted"/> prints the same job again once the fault
/// clears (the result says how far the failed attempt got).
/// </summary>
/// <remarks>
/// Life cycle: <see cref="StartAsync"/> opens the link, initialises the printer (Automatic Status Back where the
/// profile has it) and keeps polling real-time status in the background; a printer that does not answer is
/// <see cref="DeviceState.Offline"/> within one second, and the driver reconnects and re-initialises by itself.
/// </remarks>
public interface IReceiptPrinter : IKioskDevice
{
    PrinterCapabilities Capabilities { get; }

    PrinterStatus Status { get; }

    /// <summary>Raised only when the status record changes.</summary>
    event EventHandler<StatusChangedEventArgs<PrinterStatus>>? StatusChanged;

    /// <summary>Opens the link and starts monitoring. Completes after the first status poll, answered or not.</summary>
    Task StartAsync(CancellationToken cancellationToken);

    Task StopAsync(CancellationToken cancellationToken);

    /// <summary>Polls all four real-time statuses now.</summary>
    Task<PrinterStatus> RefreshStatusAsync(CancellationToken cancellationToken);

    /// <summary>Fresh status and the verdict: can a receipt be printed now?</summary>
    Task<PrintReadiness> CheckReadyAsync(CancellationToken cancellationToken);

    /// <summary>Prints one job; one job at a time (later calls wait). Never throws for device faults: see the result.</summary>
    Task<PrintJobResult> PrintAsync(PrintJob job, CancellationToken cancellationToken);

    /// <summary>
    /// Recovers from a recoverable error (cutter jam cleared by the operator): <c>DLE ENQ 2</c>, which also empties the
    /// printer's buffers, then re-initialises.
    /// </summary>
    Task ResetAsync(CancellationToken cancellationToken);
}
