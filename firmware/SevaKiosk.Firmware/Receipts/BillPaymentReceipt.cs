using System.Globalization;
using SevaKiosk.Hal.Devices;

namespace SevaKiosk.Firmware.Receipts;

public enum PaymentStatus
{
    Success,

    /// <summary>BBPS payments are asynchronous: pending is polled, never paid again.</summary>
    Pending,
    Failed,
}

/// <summary>Notes of one denomination the citizen put in.</summary>
public sealed record NoteCount(Money Denomination, int Count)
{
    public Money Total => new(Denomination.Amount * Count, Denomination.Currency);
}

/// <summary>
/// Everything the bill-payment receipt prints: the BBPS minimum (biller, consumer number and name, amount, CCF shown
/// separately, total, transaction reference, approval reference, date and time, payment mode and channel, status) and
/// what an e-Mitra kiosk adds (kiosk id and location, receipt number, notes inserted, excess handling, helpline).
/// </summary>
public sealed record BillPaymentReceiptData
{
    public required string KioskId { get; init; }

    public required Bilingual Panchayat { get; init; }

    public required Bilingual Block { get; init; }

    public required Bilingual District { get; init; }

    public required string ReceiptNumber { get; init; }

    /// <summary>BBPS transaction reference id; also what the QR code carries.</summary>
    public required string TransactionReference { get; init; }

    /// <summary>Biller approval reference number: mandatory on a BBPS receipt (NPCI/2018-19/BBPS/001).</summary>
    public required string ApprovalReference { get; init; }

    public required DateTimeOffset PaidAt { get; init; }

    public required Bilingual Service { get; init; }

    public required string Biller { get; init; }

    public required string ConsumerNumber { get; init; }

    public required string ConsumerName { get; init; }

    public required string BillNumber { get; init; }

    public required DateOnly DueDate { get; init; }

    public required Money BillAmount { get; init; }

    /// <summary>Customer convenience fee, shown on its own line.</summary>
    public required Money Fee { get; init; }

    public required IReadOnlyList<NoteCount> NotesInserted { get; init; }

    /// <summary>Cash above the total that the kiosk cannot give back (it has no change): credited to the next bill.</summary>
    public Money? Overpayment { get; init; }

    /// <summary>A cashback or lucky-draw entry, when a scheme runs.</summary>
    public string? CashbackOrLuckyDraw { get; init; }

    public required PaymentStatus Status { get; init; }

    public required string Helpline { get; init; }

    /// <summary>Printed again after a failed or lost print: marked as a duplicate.</summary>
    public bool IsReprint { get; init; }

    public Money Total => BillAmount + Fee;

    public Money AmountInserted => NotesInserted.Aggregate(Money.Zero(BillAmount.Currency), (sum, n) => sum + n.Total);

    /// <summary>The reference receipt: an electricity bill paid in cash at a panchayat kiosk in Jaipur district.</summary>
    public static BillPaymentReceiptData Sample { get; } = new()
    {
        KioskId = "RJ-JPR-0042",
        Panchayat = new("रामपुरा", "Rampura"),
        Block = new("सांगानेर", "Sanganer"),
        District = new("जयपुर", "Jaipur"),
        ReceiptNumber = "R-2026-000123",
        TransactionReference = "CC0126316A9K42B7",
        ApprovalReference = "AP84620917",
        PaidAt = new DateTimeOffset(2026, 11, 12, 9, 5, 0, TimeSpan.Zero),
        Service = new("बिजली बिल", "Electricity bill"),
        Biller = "Jaipur Vidyut Vitran Nigam (JVVNL)",
        ConsumerNumber = "210412345678",
        ConsumerName = "RAMESH KUMAR SHARMA",
        BillNumber = "JV2611-554433",
        DueDate = new DateOnly(2026, 11, 20),
        BillAmount = Money.Inr(1245m),
        Fee = Money.Inr(5m),
        NotesInserted = [new(Money.Inr(500), 2), new(Money.Inr(200), 1), new(Money.Inr(100), 1)],
        Overpayment = Money.Inr(50m),
        CashbackOrLuckyDraw = "LD-4821",
        Status = PaymentStatus.Success,
        Helpline = "181",
    };
}

/// <summary>Builds the bill-payment receipt in Hindi, English or both.</summary>
public static class BillPaymentReceipt
{
    private static readonly TimeSpan Ist = TimeSpan.FromHours(5.5);

    public static Receipt Create(BillPaymentReceiptData data, ReceiptLanguage language)
    {
        ArgumentNullException.ThrowIfNull(data);
        string T(Bilingual text) => text.In(language);

        // Sentences are printed once per language (the English one in the printer's own font); labels pair up as
        // "हिन्दी / English" on one line.
        void Paragraph(Func<ReceiptLanguage, string> text, ReceiptAlign align, ReceiptTextStyle style, List<ReceiptElement> into)
        {
            if (language == ReceiptLanguage.HindiEnglish)
            {
                into.Add(new ReceiptText(text(ReceiptLanguage.Hindi), align, style));
                into.Add(new ReceiptText(text(ReceiptLanguage.English), align, style));
            }
            else
            {
                into.Add(new ReceiptText(text(language), align, style));
            }
        }

        var at = data.PaidAt.ToOffset(Ist);
        var elements = new List<ReceiptElement>();
        if (language == ReceiptLanguage.HindiEnglish)
        {
            elements.Add(new ReceiptHeading(Labels.Title.Hindi));
            elements.Add(new ReceiptHeading(Labels.Title.English));
        }
        else
        {
            elements.Add(new ReceiptHeading(T(Labels.Title)));
        }

        elements.Add(new ReceiptText("Bharat BillPay (BBPS)", ReceiptAlign.Center, ReceiptTextStyle.Bold));
        if (data.IsReprint)
        {
            Paragraph(l => Labels.Duplicate.In(l), ReceiptAlign.Center, ReceiptTextStyle.Bold, elements);
        }

        elements.Add(new ReceiptField(T(Labels.Kiosk), data.KioskId));
        Paragraph(
            l => $"{Labels.Panchayat.In(l)} {data.Panchayat.In(l)}, {Labels.Block.In(l)} {data.Block.In(l)}, {Labels.District.In(l)} {data.District.In(l)}",
            ReceiptAlign.Center, ReceiptTextStyle.Normal, elements);
        elements.Add(new ReceiptRule());
        elements.Add(new ReceiptField(T(Labels.ReceiptNumber), data.ReceiptNumber));
        elements.Add(new ReceiptField(T(Labels.TransactionReference), data.TransactionReference));
        elements.Add(new ReceiptField(T(Labels.ApprovalReference), data.ApprovalReference));
        elements.Add(new ReceiptField(T(Labels.DateTime), at.ToString("dd-MM-yyyy HH:mm", CultureInfo.InvariantCulture) + " IST"));
        elements.Add(new ReceiptRule());
        elements.Add(new ReceiptField(T(Labels.Service), T(data.Service)));
        elements.Add(new ReceiptField(T(Labels.Biller), data.Biller));
        elements.Add(new ReceiptField(T(Labels.ConsumerNumber), data.ConsumerNumber));
        elements.Add(new ReceiptField(T(Labels.ConsumerName), data.ConsumerName));
        elements.Add(new ReceiptField(T(Labels.BillNumber), data.BillNumber));
        elements.Add(new ReceiptField(T(Labels.DueDate), data.DueDate.ToString("dd-MM-yyyy", CultureInfo.InvariantCulture)));
        elements.Add(new ReceiptRule());
        elements.Add(new ReceiptAmount(T(Labels.BillAmount), data.BillAmount));
        elements.Add(new ReceiptAmount(T(Labels.Fee), data.Fee));
        elements.Add(new ReceiptAmount(T(Labels.Total), data.Total, Total: true));
        elements.Add(new ReceiptRule());
        elements.Add(new ReceiptText(T(Labels.NotesInserted), Style: ReceiptTextStyle.Bold));
        foreach (var notes in data.NotesInserted)
        {
            var sign = language == ReceiptLanguage.English ? "Rs. " : "₹";
            elements.Add(new ReceiptAmount(
                string.Create(CultureInfo.InvariantCulture, $"  {sign}{notes.Denomination.Amount:0} x {notes.Count}"), notes.Total));
        }

        elements.Add(new ReceiptAmount(T(Labels.AmountInserted), data.AmountInserted));
        if (data.Overpayment is { } excess && excess.Amount > 0)
        {
            elements.Add(new ReceiptAmount(T(Labels.Overpayment), excess));
        }

        if (data.CashbackOrLuckyDraw is { } coupon)
        {
            elements.Add(new ReceiptField(T(Labels.Cashback), coupon));
        }

        // Payment mode and channel, both BBPS receipt fields.
        elements.Add(new ReceiptField(T(Labels.PaymentMode), T(Labels.CashAtKiosk)));
        elements.Add(new ReceiptField(T(Labels.Status), T(data.Status switch
        {
            PaymentStatus.Success => Labels.Success,
            PaymentStatus.Pending => Labels.Pending,
            _ => Labels.Failed,
        }), Bold: true));
        elements.Add(new ReceiptRule());
        elements.Add(new ReceiptQr(data.TransactionReference));
        Paragraph(l => Labels.ScanToVerify.In(l), ReceiptAlign.Center, ReceiptTextStyle.Normal, elements);
        Paragraph(l => $"{Labels.Helpline.In(l)}: {data.Helpline}", ReceiptAlign.Center, ReceiptTextStyle.Normal, elements);
        Paragraph(l => Labels.KeepSafe.In(l), ReceiptAlign.Center, ReceiptTextStyle.Normal, elements);
        return new Receipt(elements);
    }

    /// <summary>Receipt wording in both languages.</summary>
    internal static class Labels
    {
        public static readonly Bilingual Title = new("बिल भुगतान रसीद", "BILL PAYMENT RECEIPT");
        public static readonly Bilingual Duplicate = new("प्रतिलिपि (पुनः मुद्रित)", "DUPLICATE (REPRINT)");
        public static readonly Bilingual Kiosk = new("कियोस्क", "Kiosk");
        public static readonly Bilingual Panchayat = new("ग्राम पंचायत", "Gram Panchayat");
        public static readonly Bilingual Block = new("ब्लॉक", "Block");
        public static readonly Bilingual District = new("ज़िला", "District");
        public static readonly Bilingual ReceiptNumber = new("रसीद संख्या", "Receipt No.");
        public static readonly Bilingual TransactionReference = new("लेनदेन संदर्भ", "Txn Ref");
        public static readonly Bilingual ApprovalReference = new("अनुमोदन संख्या", "Approval Ref");
        public static readonly Bilingual DateTime = new("दिनांक व समय", "Date & time");
        public static readonly Bilingual Service = new("सेवा", "Service");
        public static readonly Bilingual Biller = new("बिलर", "Biller");
        public static readonly Bilingual ConsumerNumber = new("उपभोक्ता संख्या", "Consumer No.");
        public static readonly Bilingual ConsumerName = new("उपभोक्ता का नाम", "Consumer name");
        public static readonly Bilingual BillNumber = new("बिल संख्या", "Bill No.");
        public static readonly Bilingual DueDate = new("देय तिथि", "Due date");
        public static readonly Bilingual BillAmount = new("बिल राशि", "Bill amount");
        public static readonly Bilingual Fee = new("सुविधा शुल्क (CCF)", "Convenience fee (CCF)");
        public static readonly Bilingual Total = new("कुल राशि", "TOTAL");
        public static readonly Bilingual NotesInserted = new("जमा किए गए नोट", "Notes inserted");
        public static readonly Bilingual AmountInserted = new("कुल जमा नकद", "Cash inserted");
        public static readonly Bilingual Overpayment = new("अधिक राशि, अगले बिल में जमा", "Excess, to next bill");
        public static readonly Bilingual Cashback = new("लकी ड्रा कूपन", "Lucky draw coupon");
        public static readonly Bilingual PaymentMode = new("भुगतान माध्यम", "Payment mode");
        public static readonly Bilingual CashAtKiosk = new("नकद (कियोस्क)", "Cash (kiosk)");
        public static readonly Bilingual Status = new("स्थिति", "Status");
        public static readonly Bilingual Success = new("सफल", "SUCCESS");
        public static readonly Bilingual Pending = new("लंबित", "PENDING");
        public static readonly Bilingual Failed = new("असफल", "FAILED");
        public static readonly Bilingual ScanToVerify = new("सत्यापन हेतु QR स्कैन करें", "Scan the QR code to verify");
        public static readonly Bilingual Helpline = new("हेल्पलाइन", "Helpline");
        public static readonly Bilingual KeepSafe = new("यह रसीद भुगतान का प्रमाण है, कृपया सुरक्षित रखें।", "This receipt is your proof of payment. Please keep it safe.");
    }
}
