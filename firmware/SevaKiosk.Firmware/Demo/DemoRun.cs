using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SevaKiosk.Firmware.Engine;
using SevaKiosk.Firmware.Hosting;
using SevaKiosk.Firmware.Journal;

namespace SevaKiosk.Firmware.Demo;

/// <summary>
/// <c>sevakiosk --demo</c>: on simulated hardware a citizen pays the demo ₹850 electricity bill with ₹500, ₹200, ₹100
/// and ₹50 notes after a ₹2000 note that must come back, gets a Hindi/English receipt from the printer emulator, and
/// the transaction is published and acknowledged by the backend. Prints a readable account and, last, one JSON line.
/// With a validator on a port (a simulator on a pty, driven by a test) the citizen asks for the notes on stdout instead
/// of inserting them; with a broker configured the backend is whatever answers there (<c>sevakiosk-sim backend</c>).
/// </summary>
public static class DemoRun
{
    public const string Service = "electricity";
    public const string BillerId = "JVVNL";
    public const string ConsumerNumber = "210441023456";
    public static readonly long[] Notes = [2000, 500, 200, 100, 50];

    /// <returns>0 only if the bill was paid with the four notes, the ₹2000 came back, the receipt was rendered and the
    /// backend acknowledged the transaction.</returns>
    public static async Task<int> RunAsync(KioskRuntime kiosk, TextWriter output, CancellationToken cancellationToken)
    {
        await output.WriteLineAsync($"SevaKiosk demo on {kiosk.Kiosk.MachineId} ({kiosk.Kiosk.Panchayat}, {kiosk.Kiosk.Block}, {kiosk.Kiosk.District}); data in {kiosk.DataDirectory}").ConfigureAwait(false);
        using (var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            connect.CancelAfter(TimeSpan.FromSeconds(30));
            if (kiosk.DemoBackend is { } backend)
            {
                await backend.WaitConnectedAsync(connect.Token).ConfigureAwait(false);
            }

            while (!kiosk.Agent.IsConnected)
            {
                await Task.Delay(50, connect.Token).ConfigureAwait(false);
            }
        }

        await output.WriteLineAsync($"  Validator {kiosk.Validator.Capabilities?.SerialNumber} ({kiosk.Validator.State}), printer {kiosk.Printer.State}, broker {kiosk.EmbeddedBroker?.Url ?? kiosk.Settings.Agent.Broker}, {kiosk.Service.Describe()}.").ConfigureAwait(false);
        await output.WriteLineAsync($"  Citizen selects {Service} ({BillerId}) and enters K-number {ConsumerNumber}.").ConfigureAwait(false);
        var citizen = new DemoCitizen(kiosk.SimulatedValidator, Notes, output, kiosk.Time);
        var outcome = await kiosk.Engine.RunAsync(new SessionRequest(Service, BillerId, ConsumerNumber, kiosk.Kiosk.Language), citizen, cancellationToken).ConfigureAwait(false);

        var tx = outcome.Transaction;
        var acknowledged = false;
        if (tx is not null)
        {
            var until = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < until && kiosk.Journal.FindTransaction(tx.TxId)?.AcknowledgedAt is null)
            {
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }

            acknowledged = kiosk.Journal.FindTransaction(tx.TxId)?.AcknowledgedAt is not null;
            tx = kiosk.Journal.FindTransaction(tx.TxId)!;
        }

        var receipt = outcome.Receipt?.ImagePath;
        var returned = outcome.ReturnedNotes.Select(r => r.Note.Value?.Amount ?? 0).ToArray();
        var accepted = outcome.AcceptedNotes.Select(n => n.Amount).ToArray();
        await output.WriteLineAsync($"  Accepted {string.Join(" + ", accepted.Select(a => "₹" + a.ToString("0", CultureInfo.InvariantCulture)))}; returned {string.Join(", ", returned.Select(r => "₹" + r.ToString("0", CultureInfo.InvariantCulture)))}.").ConfigureAwait(false);
        if (tx is not null)
        {
            await output.WriteLineAsync($"  Transaction {tx.TxId}: {tx.Kind} {tx.Amount}, payment {tx.PaymentStatus} (approval {tx.ApprovalRef ?? "-"}), receipt {tx.ReceiptNo} {(outcome.Receipt?.Printed == true ? "printed" : "NOT printed")} → {receipt}").ConfigureAwait(false);
            await output.WriteLineAsync($"  Backend acknowledged the transaction: {(acknowledged ? "yes" : "no")}.").ConfigureAwait(false);
        }

        var x = kiosk.Journal.XReport();
        await output.WriteLineAsync($"  X report: {x.Transactions} transaction(s), notes {x.NotesTotal} ({string.Join(", ", x.Denominations.Select(d => $"{d.Count}×{d.Value}"))}), posted {x.AmountPosted}.").ConfigureAwait(false);

        var summary = new JsonObject
        {
            ["txId"] = tx?.TxId,
            ["service"] = Service,
            ["consumerNumber"] = ConsumerNumber,
            ["amount"] = tx?.Amount.Amount,
            ["notes"] = new JsonArray(accepted.Select(a => (JsonNode)JsonValue.Create(a)).ToArray()),
            ["returned"] = new JsonArray(returned.Select(r => (JsonNode)JsonValue.Create(r)).ToArray()),
            ["receipt"] = receipt,
            ["acknowledged"] = acknowledged,
            ["paymentStatus"] = tx?.PaymentStatus.ToString().ToLowerInvariant(),
            ["receiptNumber"] = tx?.ReceiptNo,
        };
        await output.WriteLineAsync(summary.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping })).ConfigureAwait(false);

        var ok = tx is not null && acknowledged && outcome.Receipt?.Printed == true && receipt is not null && File.Exists(receipt)
            && accepted.SequenceEqual([500m, 200m, 100m, 50m]) && returned.Contains(2000m) && tx.Kind == TransactionKind.Full;
        return ok ? 0 : 1;
    }
}
