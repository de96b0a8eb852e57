using System.Collections.Concurrent;
using SevaKiosk.Firmware.Engine;

namespace SevaKiosk.Firmware.Tests.Engine.Support;

/// <summary>How the receipt printer behaves when the engine prints.</summary>
public enum PrinterBehaviour
{
    Prints,

    /// <summary>The paper runs out part-way: the driver reports the receipt as not printed.</summary>
    RunsOutMidway,

    /// <summary>The printer link fails while printing (the driver throws).</summary>
    Throws,
}

/// <summary>A receipt printer that records what the engine asked it to print.</summary>
internal sealed class RecordingReceipts : IReceiptOutput
{
    private readonly ConcurrentQueue<ReceiptContent> _printed = new();

    /// <summary>False models "no paper": the engine must ask the citizen before taking cash.</summary>
    public bool CanPrint { get; set; } = true;

    public PrinterBehaviour Behaviour { get; set; } = PrinterBehaviour.Prints;

    /// <summary>Every receipt sent to the printer, whether or not it came out.</summary>
    public IReadOnlyList<ReceiptContent> Sent => [.. _printed];

    public Task<ReceiptOutcome> PrintAsync(ReceiptContent receipt, CancellationToken cancellationToken)
    {
        _printed.Enqueue(receipt);
        var image = $"receipts/{receipt.Transaction.TxId}.png";
        return Behaviour switch
        {
            PrinterBehaviour.Prints => Task.FromResult(new ReceiptOutcome(true, null, image)),
            PrinterBehaviour.RunsOutMidway => Task.FromResult(new ReceiptOutcome(false, "paper ran out after 14 of 31 lines", image)),
            _ => Task.FromException<ReceiptOutcome>(new IOException("printer link lost while printing")),
        };
    }
}
