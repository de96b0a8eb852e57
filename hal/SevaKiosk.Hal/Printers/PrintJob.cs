using SevaKiosk.Hal.Devices;

namespace SevaKiosk.Hal.Printers;

/// <summary>
/// A complete ESC/POS byte stream to print (a receipt, a test page). Immutable: when a job fails it is submitted again
/// as it is, or recomposed marked as a reprint.
/// </summary>
/// <param name="Id">Stable id for logs and the journal, for example the receipt number.</param>
public sealed record PrintJob(string Id, ReadOnlyMemory<byte> Data)
{
    public static PrintJob FromBytes(string id, byte[] data) => new(id, data);
}

public enum PrintOutcome
{
    /// <summary>Every byte was processed by the printer, the paper was cut (if it has a cutter) and no fault was reported.</summary>
    Printed,

    /// <summary>The receipt is incomplete or was never started: print it again once the fault is cleared.</summary>
    NotPrinted,
}

/// <summary>
/// How far a job got. "Sent" counts what left the host; "confirmed" what the printer acknowledged as processed
/// (a <c>GS r</c> answered after it). Lines are printed lines: line feeds, feeds, image bands, barcodes, QR codes.
/// </summary>
public sealed record PrintProgress(long TotalBytes, long BytesSent, long BytesConfirmed, int TotalLines, int LinesSent, int LinesConfirmed)
{
    public static PrintProgress None(long totalBytes, int totalLines) => new(totalBytes, 0, 0, totalLines, 0, 0);
}

/// <summary>The result of one print job.</summary>
/// <param name="Fault">The fault that stopped it, if a device fault did.</param>
/// <param name="Reason">For people: why it was not printed, or "printed".</param>
public sealed record PrintJobResult(string JobId, PrintOutcome Outcome, PrintProgress Progress, DeviceFault? Fault, string Reason)
{
    public bool Printed => Outcome == PrintOutcome.Printed;
}
