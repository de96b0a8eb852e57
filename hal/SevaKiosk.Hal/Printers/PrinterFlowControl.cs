namespace SevaKiosk.Hal.Printers;

/// <summary>
/// How the driver keeps from overrunning the printer's receive buffer (bytes that arrive when it is full are lost, and
/// a lost byte inside an image turns the rest of the receipt into garbage).
/// </summary>
public enum PrinterFlowControl
{
    /// <summary>
    /// Write as fast as the link takes bytes. Only for links that block by themselves (USB printer class); on a serial
    /// line a slow printer loses data.
    /// </summary>
    None,

    /// <summary>
    /// The printer sends XOFF/XON; the driver stops between small slices while XOFF is in force and paces writes to the
    /// line rate, so the bytes in flight when XOFF arrives stay inside the printer's margin.
    /// </summary>
    XonXoff,

    /// <summary>The printer's DTR (busy) drives the host's DSR; the driver writes a slice only while DSR is asserted.</summary>
    Dsr,

    /// <summary>
    /// No line signals needed: after each chunk the driver sends <c>GS r 1</c>, which the printer answers only after it
    /// has processed everything before it, and never has more than a window of unanswered chunks in flight.
    /// </summary>
    ChunkAcknowledge,
}
