using SevaKiosk.Firmware.Journal;
using SevaKiosk.Hal.Devices;
using PaymentStatus = SevaKiosk.Protocol.Mqtt.PaymentStatus;

namespace SevaKiosk.Firmware.Engine;

/// <summary>Outcome of posting (or querying) a payment at the biller.</summary>
/// <param name="NeverReceived">A status query found no post under this key: posting it (under the same key) is safe.</param>
public sealed record PaymentOutcome(PaymentStatus Status, string? ApprovalRef, string? Message, bool NeverReceived = false);

/// <summary>
/// The backend as the transaction engine sees it. The MQTT agent implements it with request/response; the demo
/// backend answers it. Payments carry the transaction id as idempotency key: a payment whose outcome is unknown is
/// queried with <see cref="QueryPaymentAsync"/>, never posted again under a new id.
/// </summary>
public interface IBillingBackend
{
    /// <summary>Returns the bill, or null when the consumer number is unknown.</summary>
    /// <exception cref="TimeoutException">The backend did not answer in time.</exception>
    Task<BillDetails?> FetchBillAsync(string service, string billerId, string consumerNumber, CancellationToken cancellationToken);

    /// <exception cref="TimeoutException">The outcome is unknown: leave the payment pending and query it later.</exception>
    Task<PaymentOutcome> PostPaymentAsync(JournalTransaction transaction, CancellationToken cancellationToken);

    Task<PaymentOutcome> QueryPaymentAsync(string txId, CancellationToken cancellationToken);
}

/// <summary>Prints (and keeps an image of) the receipt for a transaction.</summary>
public interface IReceiptOutput
{
    /// <summary>Whether a receipt can be printed now (paper present, printer online).</summary>
    bool CanPrint { get; }

    Task<ReceiptOutcome> PrintAsync(ReceiptContent receipt, CancellationToken cancellationToken);
}

/// <summary>What the receipt says: the transaction as settled plus the kiosk's identity and the session's extras.</summary>
public sealed record ReceiptContent(JournalTransaction Transaction, string Language, IReadOnlyList<string> ExtraLines);

/// <summary>Printed or not; how far it got; where its image is.</summary>
public sealed record ReceiptOutcome(bool Printed, string? Error, string? ImagePath);

/// <summary>What the citizen does at the screen. A real kiosk has a touch UI; the demo has a scripted citizen.</summary>
public interface ICitizenInterface
{
    /// <summary>Shows the bill; true when the citizen wants to pay it.</summary>
    ValueTask<bool> ConfirmBillAsync(BillDetails bill, CancellationToken cancellationToken);

    /// <summary>The printer cannot print: true when the citizen accepts a receipt reference (SMS/screen) instead.</summary>
    ValueTask<bool> AcceptReceiptReferenceAsync(CancellationToken cancellationToken);

    /// <summary>Shows a message (note returned and why, amount so far, result).</summary>
    ValueTask ShowAsync(KioskMessage message, CancellationToken cancellationToken);

    /// <summary>Completes when the citizen presses Done or Cancel during cash-in.</summary>
    Task<CitizenAction> WaitForActionAsync(CancellationToken cancellationToken);
}

public enum CitizenAction
{
    Done,
    Cancel,
}

/// <summary>A message for the citizen, in the session's language(s); <see cref="Code"/> is stable for tests and UIs.</summary>
public sealed record KioskMessage(string Code, string Text, Money? Amount = null);
