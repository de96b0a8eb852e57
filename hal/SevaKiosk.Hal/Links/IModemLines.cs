namespace SevaKiosk.Hal.Links;

/// <summary>
/// Modem-control inputs of a serial link. A link stream implements this when it has them (a real serial port does,
/// pseudo-terminals and in-process pairs do not); drivers test for it with <c>stream is IModemLines</c>.
/// </summary>
public interface IModemLines
{
    /// <summary>DSR asserted: for a printer wired DTR→DSR, true means "ready", false "busy".</summary>
    bool DsrHolding { get; }
}
