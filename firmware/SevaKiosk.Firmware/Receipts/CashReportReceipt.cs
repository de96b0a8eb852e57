using System.Globalization;
using SevaKiosk.Firmware.Journal;

namespace SevaKiosk.Firmware.Receipts;

/// <summary>The X/Z report as the technician's printout: the same figures as <see cref="CashReportFormat"/>.</summary>
public static class CashReportReceipt
{
    public static Receipt Create(CashReport r, string location)
    {
        var c = CultureInfo.InvariantCulture;
        var elements = new List<ReceiptElement>
        {
            new ReceiptHeading(r.Kind == "Z" ? "Z REPORT / ज़ेड रिपोर्ट" : "X REPORT / एक्स रिपोर्ट"),
            new ReceiptText(r.MachineId, ReceiptAlign.Center),
            new ReceiptText(location, ReceiptAlign.Center),
            new ReceiptRule(),
            new ReceiptField("Period", r.PeriodId.ToString(c) + (r.ZNumber is { } z ? $"  Z #{z}" : string.Empty)),
            new ReceiptField("From", r.PeriodStart.ToOffset(TimeSpan.FromHours(5.5)).ToString("dd-MM-yyyy HH:mm", c)),
            new ReceiptField("To", r.PeriodEnd is { } end ? end.ToOffset(TimeSpan.FromHours(5.5)).ToString("dd-MM-yyyy HH:mm", c) : "open"),
            new ReceiptField("Cash box batch", r.CashboxBatch.ToString(c)),
            new ReceiptRule(),
        };
        elements.AddRange(r.Denominations.Select(d => (ReceiptElement)new ReceiptAmount($"{d.Value.Amount:0} x {d.Count}", d.Total)));
        elements.Add(new ReceiptAmount("Notes total", r.NotesTotal, Total: true));
        elements.Add(new ReceiptRule());
        elements.Add(new ReceiptField("Transactions", r.Transactions.ToString(c)));
        elements.Add(new ReceiptAmount("Amount posted", r.AmountPosted));
        elements.Add(new ReceiptAmount("Accepted, not posted", r.AcceptedNotPosted));
        elements.Add(new ReceiptAmount("Fees", r.Fees));
        elements.Add(new ReceiptField("Receipts not printed", r.ReceiptsNotPrinted.ToString(c)));
        elements.Add(new ReceiptField("Notes unresolved", r.UnresolvedNotes.ToString(c)));
        elements.AddRange(r.RejectedByReason.OrderByDescending(p => p.Value).Select(p => (ReceiptElement)new ReceiptField("Rejected: " + p.Key, p.Value.ToString(c))));
        elements.Add(new ReceiptRule(Double: true));
        return new Receipt(elements);
    }
}
