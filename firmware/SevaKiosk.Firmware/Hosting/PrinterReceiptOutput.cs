using Microsoft.Extensions.Logging;
using SevaKiosk.Firmware.Engine;
using SevaKiosk.Firmware.Journal;
using SevaKiosk.Firmware.Receipts;
using SevaKiosk.Hal.Devices;
using SevaKiosk.Hal.Printers;
using JournalPayment = SevaKiosk.Protocol.Mqtt.PaymentStatus;
using ReceiptPayment = SevaKiosk.Firmware.Receipts.PaymentStatus;

namespace SevaKiosk.Firmware.Hosting;

/// <summary>
/// Prints a transaction's receipt: composes the bilingual bill-payment receipt from the journal's record, sends the
/// ESC/POS bytes through the printer driver, and keeps a PNG of it in <c>DIR/receipts/&lt;txId&gt;.png</c> for
/// reprints and audit (what the printer emulator printed when the printer is simulated, otherwise the same bytes
/// rendered offline).
/// </summary>
public sealed class PrinterReceiptOutput : IReceiptOutput
{
    private static readonly Dictionary<string, Bilingual> Services = new(StringComparer.OrdinalIgnoreCase)
    {
        ["electricity"] = new("बिजली बिल", "Electricity bill"),
        ["water"] = new("पानी बिल", "Water bill"),
        ["telephone"] = new("टेलीफोन बिल", "Telephone bill"),
        ["postpaid-mobile"] = new("पोस्टपेड मोबाइल बिल", "Postpaid mobile bill"),
    };

    private readonly IReceiptPrinter _printer;
    private readonly ReceiptComposer _composer;
    private readonly KioskOptions _kiosk;
    private readonly string _receipts;
    private readonly IReceiptImages _images;
    private readonly ILogger _logger;

    public PrinterReceiptOutput(IReceiptPrinter printer, ReceiptComposer composer, KioskOptions kiosk, string receiptsDirectory, IReceiptImages images, ILogger logger)
    {
        _printer = printer;
        _composer = composer;
        _kiosk = kiosk;
        _receipts = receiptsDirectory;
        _images = images;
        _logger = logger;
        System.IO.Directory.CreateDirectory(receiptsDirectory);
    }

    public bool CanPrint => _printer.Status is { Device: DeviceState.Online, Online: true, CoverOpen: false, CutterError: false } s && s.Paper != PaperState.End;

    public Task<ReceiptOutcome> PrintAsync(ReceiptContent receipt, CancellationToken cancellationToken)
    {
        var tx = receipt.Transaction;
        var document = BillPaymentReceipt.Create(DataFor(tx, receipt.ExtraLines), Language(receipt.Language));
        return PrintDocumentAsync(tx.TxId, document, Path.Combine(_receipts, tx.TxId + ".png"), cancellationToken);
    }

    /// <summary>Prints any receipt-shaped document (a transaction's receipt, a cash report) and keeps its PNG.</summary>
    public async Task<ReceiptOutcome> PrintDocumentAsync(string jobId, Receipt document, string imagePath, CancellationToken cancellationToken)
    {
        var bytes = _composer.Compose(document);
        var image = _images.ExpectNext();
        var result = await _printer.PrintAsync(PrintJob.FromBytes(jobId, bytes), cancellationToken).ConfigureAwait(false);
        await _images.SaveAsync(image, bytes, imagePath, cancellationToken).ConfigureAwait(false);
        if (!result.Printed)
        {
            _logger.LogWarning("{Job} not printed: {Reason} ({Progress})", jobId, result.Reason, result.Progress);
        }

        return new ReceiptOutcome(result.Printed, result.Printed ? null : result.Reason, imagePath);
    }

    /// <summary>Where receipts and printouts are kept.</summary>
    public string Directory => _receipts;

    /// <summary>The receipt's content from the journal's transaction and the kiosk's identity.</summary>
    public BillPaymentReceiptData DataFor(JournalTransaction tx, IReadOnlyList<string> extras)
    {
        var bill = tx.Bill;
        var currency = tx.Amount.Currency;
        return new BillPaymentReceiptData
        {
            KioskId = _kiosk.MachineId,
            Panchayat = new(_kiosk.PanchayatHindi, _kiosk.Panchayat),
            Block = new(_kiosk.BlockHindi, _kiosk.Block),
            District = new(_kiosk.DistrictHindi, _kiosk.District),
            ReceiptNumber = tx.ReceiptNo,
            TransactionReference = tx.TxId,
            ApprovalReference = tx.ApprovalRef ?? "-",
            PaidAt = tx.CreatedAt,
            Service = bill is not null && Services.TryGetValue(bill.Service, out var service) ? service : new(bill?.Service ?? "-", bill?.Service ?? "-"),
            Biller = bill is null ? "-" : $"{bill.BillerName} ({bill.BillerId})",
            ConsumerNumber = bill?.ConsumerNumber ?? "-",
            ConsumerName = bill?.ConsumerName ?? "-",
            BillNumber = bill?.BillNumber ?? "-",
            DueDate = bill?.DueDate ?? DateOnly.FromDateTime(tx.CreatedAt.UtcDateTime),
            BillAmount = tx.Amount,
            Fee = tx.Fee,
            NotesInserted = tx.Notes.GroupBy(n => n).OrderByDescending(g => g.Key.Amount).Select(g => new NoteCount(g.Key, g.Count())).ToArray(),
            Overpayment = tx.Excess.Amount > 0 ? tx.Excess : null,
            CashbackOrLuckyDraw = extras.Count > 0 ? string.Join("; ", extras) : null,
            Status = tx.PaymentStatus switch
            {
                JournalPayment.Posted => ReceiptPayment.Success,
                JournalPayment.Failed => ReceiptPayment.Failed,
                _ => ReceiptPayment.Pending,
            },
            Helpline = _kiosk.Helpline,
        };
    }

    private static ReceiptLanguage Language(string language) => language.ToLowerInvariant() switch
    {
        "hi" => ReceiptLanguage.Hindi,
        "en" => ReceiptLanguage.English,
        _ => ReceiptLanguage.HindiEnglish,
    };
}

/// <summary>Where receipt images come from: the printer emulator's printed roll, or an offline rendering.</summary>
public interface IReceiptImages
{
    /// <summary>Called before printing: starts waiting for the page the printer is about to cut.</summary>
    Task<string?> ExpectNext();

    /// <summary>Saves the image of the receipt just printed to <paramref name="path"/>.</summary>
    Task SaveAsync(Task<string?> printed, byte[] escPos, string path, CancellationToken cancellationToken);
}
