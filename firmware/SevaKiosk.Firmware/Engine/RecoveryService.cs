using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SevaKiosk.Firmware.Journal;
using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.Devices;
using PaymentStatus = SevaKiosk.Protocol.Mqtt.PaymentStatus;

namespace SevaKiosk.Firmware.Engine;

/// <summary>
/// Runs once at start, after the validator has reported what happened while the firmware was down: settles notes
/// nobody settled, turns every credited note into a transaction, queries payments whose outcome is unknown, and
/// closes every session the power cut left open. Nothing is counted twice: credits are matched to journal rows.
/// </summary>
public sealed class RecoveryService
{
    private readonly KioskJournal _journal;
    private readonly SessionEngine _engine;
    private readonly IBillingBackend _backend;
    private readonly SessionOptions _options;
    private readonly ILogger _logger;

    public RecoveryService(KioskJournal journal, SessionEngine engine, IBillingBackend backend, SessionOptions options, ILogger<RecoveryService>? logger = null)
    {
        _journal = journal;
        _engine = engine;
        _backend = backend;
        _options = options;
        _logger = logger ?? NullLogger<RecoveryService>.Instance;
    }

    /// <summary>What recovery did, for the log and the tests.</summary>
    public sealed record Report(int SessionsClosed, int TransactionsCreated, int PaymentsQueried, int NotesReturned, int NotesUnresolved);

    /// <param name="validatorReported">True when the validator has been polled since start, so its power-up
    /// reports are already in the journal and any note still unsettled was never taken by the device.</param>
    public async Task<Report> RecoverAsync(bool validatorReported, CancellationToken cancellationToken)
    {
        int returned = 0, unresolved = 0, created = 0, closed = 0, queried = 0;
        if (validatorReported)
        {
            foreach (var note in _journal.UnsettledNotes())
            {
                if (note.State == NoteState.Escrowed)
                {
                    // Never taken: a note the device stacks after this would still be credited (as a new row).
                    _journal.NoteReturned(note.Id, ReturnCause.Device);
                    returned++;
                }
                else
                {
                    _journal.MarkUnresolved(note.Id, "accepted before a restart; the validator never reported where it went");
                    unresolved++;
                }
            }
        }

        var citizen = NoCitizen.Instance;
        foreach (var session in _journal.UnfinishedSessions())
        {
            if (!validatorReported && _journal.NotesOf(session.Id).Any(n => n.State is NoteState.Escrowed or NoteState.Accepting))
            {
                _logger.LogWarning("Session {Session} waits for the validator to report its note in the path", session.Id);
                continue;
            }

            var currency = session.Bill?.AmountDue.Currency ?? _options.Currency;
            var credited = _journal.CreditedTotal(session.Id, currency);
            if (session.TransactionId is { } txId)
            {
                queried += await QueryIfPendingAsync(txId, cancellationToken).ConfigureAwait(false);
                var tx = _journal.FindTransaction(txId)!;
                var receipt = _journal.Receipt(tx.ReceiptNo);
                _journal.CloseSession(session.Id, SessionState.Completed, "recovered", receipt is { Printed: true } ? "recovered after restart" : "recovered after restart; receipt can be reprinted");
                closed++;
            }
            else if (credited.Amount > 0)
            {
                var bill = session.Bill;
                var policy = bill is null
                    ? new AmountPolicy(Money.Zero(currency), Money.Zero(currency), AmountRule.Exact, ExcessPolicy.Voucher)
                    : new AmountPolicy(bill.AmountDue, bill.Fee, bill.Rule, _options.Excess);
                _logger.LogWarning("Session {Session} was cut short with {Credited} credited: settling it", session.Id, credited);
                await _engine.SettleAsync(session.Id, policy, credited, session.Language ?? "hi+en", receiptByReference: false, citizen, cancellationToken).ConfigureAwait(false);
                created++;
                closed++;
            }
            else
            {
                _journal.CloseSession(session.Id, SessionState.Cancelled, "interrupted", "the firmware restarted before any note was credited");
                closed++;
            }
        }

        foreach (var orphan in _journal.CreditedWithoutTransaction().Where(n => n.SessionId is null))
        {
            // A note credited outside any session (for example cleared into the cash box with no journal record):
            // it still ends up in a transaction, as a voucher nobody has claimed, so the Z report shows it.
            _journal.SettleStrayCredit(orphan.Id);
            created++;
        }

        queried += await ResolvePendingPaymentsAsync(cancellationToken).ConfigureAwait(false);
        var report = new Report(closed, created, queried, returned, unresolved);
        _logger.LogInformation("Recovery: {Report}", report);
        return report;
    }

    /// <summary>
    /// Queries every payment still pending by its transaction id (the idempotency key) and records the outcome; one
    /// the backend never received is posted under the same id. Runs at start and may run periodically while the kiosk
    /// serves, so a post that timed out does not wait for a restart. Returns how many payments were queried.
    /// </summary>
    public async Task<int> ResolvePendingPaymentsAsync(CancellationToken cancellationToken)
    {
        var queried = 0;
        foreach (var pending in _journal.TransactionsWithPaymentStatus(PaymentStatus.Pending))
        {
            queried += await QueryIfPendingAsync(pending.TxId, cancellationToken).ConfigureAwait(false);
        }

        return queried;
    }

    private async Task<int> QueryIfPendingAsync(string txId, CancellationToken cancellationToken)
    {
        var tx = _journal.FindTransaction(txId);
        if (tx is null || tx.PaymentStatus != PaymentStatus.Pending)
        {
            return 0;
        }

        try
        {
            var result = await _backend.QueryPaymentAsync(txId, cancellationToken).ConfigureAwait(false);
            if (result.NeverReceived)
            {
                // The post never reached the backend: send it now, under the same txId (idempotency key).
                _logger.LogWarning("Payment {TxId} never reached the backend; posting it under the same key", txId);
                await _engine.PostAsync(tx, cancellationToken).ConfigureAwait(false);
            }
            else if (result.Status != PaymentStatus.Pending)
            {
                _journal.RecordPayment(txId, result.Status, result.ApprovalRef);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Whatever failed, the outcome is still unknown: the payment stays pending for the next query, and one
            // broken answer neither stops the kiosk from starting nor the other payments from being resolved.
            _logger.LogWarning(ex, "Payment {TxId} still unknown: {Message}", txId, ex.Message);
        }

        return 1;
    }

    /// <summary>Recovery has nobody at the screen: it shows nothing and decides nothing on a citizen's behalf.</summary>
    private sealed class NoCitizen : ICitizenInterface
    {
        public static readonly NoCitizen Instance = new();

        public ValueTask<bool> ConfirmBillAsync(BillDetails bill, CancellationToken cancellationToken) => ValueTask.FromResult(false);

        public ValueTask<bool> AcceptReceiptReferenceAsync(CancellationToken cancellationToken) => ValueTask.FromResult(true);

        public ValueTask ShowAsync(KioskMessage message, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public Task<CitizenAction> WaitForActionAsync(CancellationToken cancellationToken) => Task.FromResult(CitizenAction.Cancel);
    }
}
