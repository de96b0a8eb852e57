using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SevaKiosk.Firmware.Journal;
using SevaKiosk.Hal.CashAcceptors;
using SevaKiosk.Hal.Devices;
using PaymentStatus = SevaKiosk.Protocol.Mqtt.PaymentStatus;

namespace SevaKiosk.Firmware.Engine;

/// <summary>
/// A citizen's session as an explicit state machine, every transition journaled:
/// Started → BillFetched → Ready → CashIn → Posting → Printing → Completed (or Cancelled / Failed).
/// </summary>
public sealed class SessionEngine
{
    private readonly KioskJournal _journal;
    private readonly ICashAcceptor _validator;
    private readonly CashAcceptorJournal _observer;
    private readonly IBillingBackend _backend;
    private readonly IReceiptOutput _receipts;
    private readonly ServiceState _service;
    private readonly SessionOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public SessionEngine(
        KioskJournal journal, ICashAcceptor validator, CashAcceptorJournal observer, IBillingBackend backend, IReceiptOutput receipts,
        ServiceState service, SessionOptions options, TimeProvider? time = null, ILogger<SessionEngine>? logger = null)
    {
        _journal = journal;
        _validator = validator;
        _observer = observer;
        _backend = backend;
        _receipts = receipts;
        _service = service;
        _options = options;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger<SessionEngine>.Instance;
    }

    /// <summary>True while a session is running (an update must not install meanwhile).</summary>
    public bool Busy { get; private set; }

    /// <summary>Raised as each session ends, however it ended: the host's hook for housekeeping between citizens.</summary>
    public event EventHandler? SessionEnded;

    public async Task<SessionOutcome> RunAsync(SessionRequest request, ICitizenInterface citizen, CancellationToken cancellationToken)
    {
        if (!_service.InService)
        {
            throw new InvalidOperationException($"The kiosk is {_service.Describe()}.");
        }

        Busy = true;
        var sessionId = Guid.CreateVersion7().ToString();
        _journal.OpenSession(sessionId, request.Language);
        try
        {
            return await RunSessionAsync(sessionId, request, citizen, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Busy = false;
            SessionEnded?.Invoke(this, EventArgs.Empty);
        }
    }

    private async Task<SessionOutcome> RunSessionAsync(string sessionId, SessionRequest request, ICitizenInterface citizen, CancellationToken ct)
    {
        var (service, consumerNumber, language) = (request.Service, request.ConsumerNumber, request.Language);
        BillDetails? bill;
        try
        {
            using var deadline = Deadline(ct);
            bill = await _backend.FetchBillAsync(service, request.BillerId, consumerNumber, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return await CloseAsync(sessionId, SessionState.Failed, "backend-unreachable", "The bill could not be fetched; please try later.", null, citizen, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // No cash has been taken yet: whatever broke, the citizen gets a clean message and the session a clean end.
            _logger.LogError(ex, "Bill fetch for {Service} {Consumer} failed", service, consumerNumber);
            return await CloseAsync(sessionId, SessionState.Failed, "bill-fetch-failed", "The bill could not be fetched; please try later.", null, citizen, ct).ConfigureAwait(false);
        }

        if (bill is null)
        {
            return await CloseAsync(sessionId, SessionState.Cancelled, "consumer-not-found", $"No {service} bill for {consumerNumber}.", null, citizen, ct).ConfigureAwait(false);
        }

        _journal.RecordBill(sessionId, bill);
        if (!await citizen.ConfirmBillAsync(bill, ct).ConfigureAwait(false))
        {
            return await CloseAsync(sessionId, SessionState.Cancelled, "declined", null, bill, citizen, ct).ConfigureAwait(false);
        }

        if (CannotServe() is { } reason)
        {
            return await CloseAsync(sessionId, SessionState.Failed, "machine-not-ready", reason, bill, citizen, ct).ConfigureAwait(false);
        }

        var receiptByReference = false;
        if (!_receipts.CanPrint)
        {
            receiptByReference = await citizen.AcceptReceiptReferenceAsync(ct).ConfigureAwait(false);
            if (!receiptByReference)
            {
                return await CloseAsync(sessionId, SessionState.Cancelled, "no-receipt", "The printer cannot print a receipt now.", bill, citizen, ct).ConfigureAwait(false);
            }
        }

        _journal.SetSessionState(sessionId, SessionState.Ready);
        var policy = new AmountPolicy(bill.AmountDue, bill.Fee, bill.Rule, _options.Excess);
        var cashIn = await CollectCashAsync(sessionId, policy, citizen, ct).ConfigureAwait(false);

        var credited = _journal.CreditedTotal(sessionId, policy.Total.Currency);
        var accepted = _journal.NotesOf(sessionId).Where(n => n.State == NoteState.Credited && n.Value is not null).Select(n => n.Value!.Value).ToArray();
        if (cashIn.Fault is { } fault)
        {
            // The citizen must learn why cash-in stopped, and the session's record must say which fault ended it.
            _journal.RecordEvent(sessionId, "CASH_IN_FAULTED", new { fault.Device, fault.Code, action = fault.Action.ToString(), fault.Message, credited = credited.Amount });
            var settling = credited.Amount > 0 ? $" The {credited} already taken is being settled." : string.Empty;
            await citizen.ShowAsync(new KioskMessage("device-fault", $"The note acceptor stopped: {fault.Message}. This kiosk is out of service ({fault.Action}).{settling}", credited), ct).ConfigureAwait(false);
        }

        if (credited.Amount == 0)
        {
            var why = cashIn.Fault is { } f ? $"{f.Message} ({f.Action})" : cashIn.Outcome == CashInOutcome.Ended ? "no notes" : "cancelled";
            var closed = await CloseAsync(sessionId, cashIn.Fault is null ? SessionState.Cancelled : SessionState.Failed, "nothing-paid", why, bill, citizen, ct).ConfigureAwait(false);
            return closed with { ReturnedNotes = cashIn.Returned };
        }

        var settled = await SettleAsync(sessionId, policy, credited, language, receiptByReference, citizen, ct).ConfigureAwait(false);
        return settled with { AcceptedNotes = accepted, ReturnedNotes = cashIn.Returned };
    }

    /// <summary>
    /// Posts, prints and closes a session whose credited money is known. Also used by recovery for sessions cut short
    /// by a power cut: credited notes always end up in a transaction.
    /// </summary>
    internal async Task<SessionOutcome> SettleAsync(string sessionId, AmountPolicy policy, Money credited, string language, bool receiptByReference, ICitizenInterface citizen, CancellationToken ct)
    {
        var settlement = policy.Settle(credited);
        _journal.SetSessionState(sessionId, SessionState.Posting);
        var posting = settlement.Posted.Amount > 0;

        // The kiosk fee is earned only on a payment the biller receives: a voucher keeps every rupee credited.
        var fee = posting ? policy.Fee : Money.Zero(policy.Total.Currency);
        var transaction = _journal.CreateTransaction(sessionId, settlement.Kind, settlement.Posted, fee, posting ? PaymentStatus.Pending : PaymentStatus.NotPosted);
        if (transaction.PaymentStatus == PaymentStatus.Pending)
        {
            await PostAsync(transaction, ct).ConfigureAwait(false);
            transaction = _journal.FindTransaction(transaction.TxId)!;
        }

        _journal.SetSessionState(sessionId, SessionState.Printing);
        ReceiptOutcome? receipt = null;
        var extras = new List<string>();
        if (transaction.Excess.Amount > 0)
        {
            extras.Add($"Credit voucher {transaction.TxId}: {transaction.Excess}");
        }

        if (!receiptByReference && _receipts.CanPrint)
        {
            try
            {
                receipt = await _receipts.PrintAsync(new ReceiptContent(transaction, language, extras), ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _logger.LogError(ex, "Receipt {Receipt} failed", transaction.ReceiptNo);
                receipt = new ReceiptOutcome(false, ex.Message, null);
            }

            _journal.RecordReceipt(transaction.ReceiptNo, receipt.Printed, receipt.Error, receipt.ImagePath);
        }
        else
        {
            _journal.RecordReceipt(transaction.ReceiptNo, false, "receipt by reference: printer unavailable", null);
        }

        // A refusal is not "paid": the citizen must be told the bill is still due and that the receipt is the proof of
        // the cash the machine holds for them.
        var (outcome, message) = transaction switch
        {
            { PaymentStatus: PaymentStatus.Failed } => ("payment-refused", $"The biller refused the payment; the bill is still due. Keep receipt {transaction.ReceiptNo}: it is your proof of the {transaction.Amount} paid in."),
            { Kind: TransactionKind.Full } => ("paid", Summary(transaction)),
            { Kind: TransactionKind.Partial } => ("partially-paid", Summary(transaction)),
            _ => ("voucher", Summary(transaction)),
        };
        await citizen.ShowAsync(new KioskMessage(outcome, message, credited), ct).ConfigureAwait(false);
        _journal.CloseSession(sessionId, SessionState.Completed, outcome, message);
        return new SessionOutcome(sessionId, SessionState.Completed, outcome, message, transaction.Bill, transaction, [], [], receipt);
    }

    private static string Summary(JournalTransaction transaction) =>
        $"{transaction.Kind} {transaction.Amount} ({transaction.PaymentStatus}); receipt {transaction.ReceiptNo}";

    /// <summary>Posts a payment; a missed deadline leaves it pending for the recovery query, never a second post.</summary>
    internal async Task PostAsync(JournalTransaction transaction, CancellationToken ct)
    {
        try
        {
            using var deadline = Deadline(ct);
            var result = await _backend.PostPaymentAsync(transaction, deadline.Token).ConfigureAwait(false);
            _journal.RecordPayment(transaction.TxId, result.Status, result.ApprovalRef);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // A timeout, or any other failure on the way: the outcome is unknown either way. The cash is credited, so
            // the session still ends with a receipt; the payment stays pending for the query under the same txId.
            _logger.LogWarning(ex, "Payment {TxId}: outcome unknown ({Message}); left pending for query", transaction.TxId, ex.Message);
        }
    }

    private async Task<CashInResult> CollectCashAsync(string sessionId, AmountPolicy policy, ICitizenInterface citizen, CancellationToken ct)
    {
        _journal.SetSessionState(sessionId, SessionState.CashIn);
        var lastActivity = _time.GetUtcNow();
        using var progress = new SemaphoreSlim(0);
        void Activity()
        {
            lastActivity = _time.GetUtcNow();
            progress.Release();
        }

        void OnJournaled(CashAcceptorEvent e)
        {
            if (e is NoteCredited or NoteReturned or NoteRejected or NoteEscrowed)
            {
                Activity();
            }
        }

        var rule = new EscrowRule(sessionId, policy, _journal, _observer, citizen, Activity);
        var request = new CashInRequest(policy.Total.Currency, DecisionTimeout: _options.DecisionTimeout);
        ICashInTransaction cashIn;
        try
        {
            cashIn = await _validator.BeginCashInAsync(request, rule, ct).ConfigureAwait(false);
        }
        catch (CashAcceptorException ex)
        {
            _logger.LogWarning("Cash-in could not start: {Message}", ex.Message);
            var faults = _validator.ActiveFaults;
            return new CashInResult(Guid.Empty, CashInOutcome.Faulted, [], [], Money.Zero(policy.Total.Currency), faults.Count > 0 ? faults[0] : null);
        }

        _observer.Bind(cashIn.Id, sessionId);
        _observer.Journaled += OnJournaled;

        // The citizen's Done/Cancel wait belongs to this cash-in: it ends with it, not with the kiosk.
        using var actionScope = CancellationTokenSource.CreateLinkedTokenSource(ct);
        try
        {
            await citizen.ShowAsync(new KioskMessage("insert-notes", $"Insert notes: {policy.Total} due", policy.Total), ct).ConfigureAwait(false);
            var action = citizen.WaitForActionAsync(actionScope.Token);
            while (true)
            {
                var credited = _journal.CreditedTotal(sessionId, policy.Total.Currency);
                if (policy.IsFullyPaid(credited))
                {
                    return await cashIn.EndAsync(ct).ConfigureAwait(false);
                }

                var idle = _options.InactivityTimeout - (_time.GetUtcNow() - lastActivity);
                if (idle <= TimeSpan.Zero)
                {
                    await citizen.ShowAsync(new KioskMessage("timeout", "No activity: finishing the payment with what was inserted.", credited), ct).ConfigureAwait(false);
                    return await cashIn.RollbackAsync(ct).ConfigureAwait(false);
                }

                // The inactivity timer is re-armed on every wake; cancel each one as the loop moves on, or every note
                // would leave a timer of up to InactivityTimeout behind it.
                using var tickCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var tick = Task.Delay(idle, _time, tickCts.Token);
                var wake = progress.WaitAsync(ct);
                var first = await Task.WhenAny(action, cashIn.Completion, tick, wake).ConfigureAwait(false);
                await tickCts.CancelAsync().ConfigureAwait(false);
                if (first == cashIn.Completion)
                {
                    return await cashIn.Completion.ConfigureAwait(false);
                }

                if (first == action)
                {
                    return action.Result == CitizenAction.Done
                        ? await cashIn.EndAsync(ct).ConfigureAwait(false)
                        : await cashIn.RollbackAsync(ct).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _observer.Journaled -= OnJournaled;
            await actionScope.CancelAsync().ConfigureAwait(false);
        }
    }

    private string? CannotServe()
    {
        if (!_service.InService)
        {
            return _service.Describe();
        }

        if (_validator.Capabilities is null || _validator.State is not DeviceState.Online)
        {
            return $"the validator is {_validator.State}";
        }

        return _validator.Status.Cashbox is CashboxState.Full or CashboxState.Removed ? $"the cash box is {_validator.Status.Cashbox}" : null;
    }

    private async Task<SessionOutcome> CloseAsync(string sessionId, SessionState state, string outcome, string? message, BillDetails? bill, ICitizenInterface citizen, CancellationToken ct)
    {
        _journal.CloseSession(sessionId, state, outcome, message);
        if (message is not null)
        {
            await citizen.ShowAsync(new KioskMessage(outcome, message), ct).ConfigureAwait(false);
        }

        return new SessionOutcome(sessionId, state, outcome, message, bill, null, [], [], null);
    }

    private Deadline Deadline(CancellationToken ct) => new(_options.BackendTimeout, _time, ct);
}
