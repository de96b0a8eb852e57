using System.Globalization;
using Microsoft.Data.Sqlite;
using SevaKiosk.Hal.Devices;
using PaymentStatus = SevaKiosk.Protocol.Mqtt.PaymentStatus;

namespace SevaKiosk.Firmware.Journal;

/// <summary>Transactions, payment outcomes, receipts.</summary>
public sealed partial class KioskJournal
{
    /// <summary>Machine id used in transaction ids (<c>MACHINE-00000042</c>): unique across the fleet, idempotent at the backend.</summary>
    public string MachineId { get; init; } = "kiosk";

    /// <summary>
    /// Creates the transaction for a session from its credited notes, in one commit with the outbox entry
    /// (<see cref="TransactionCreated"/>) and the session's link to it. Idempotent: a session gets one transaction.
    /// </summary>
    public JournalTransaction CreateTransaction(string sessionId, TransactionKind kind, Money amount, Money fee, PaymentStatus status)
    {
        var created = CreateTransactionCommit(sessionId, kind, amount, fee, status);
        TransactionsCommitted?.Invoke();
        return created;
    }

    private JournalTransaction CreateTransactionCommit(string sessionId, TransactionKind kind, Money amount, Money fee, PaymentStatus status) =>
        _db.Commit(tx => TransactionOfSession(tx, sessionId) ?? InsertTransaction(tx, sessionId, kind, amount, fee, status));

    /// <summary>Creates the session's transaction from its credited notes, with its receipt row and outbox entry.</summary>
    private JournalTransaction InsertTransaction(SqliteTransaction tx, string sessionId, TransactionKind kind, Money amount, Money fee, PaymentStatus status)
    {
        var seq = NextCounter(tx, "tx_seq");
        var txId = string.Create(CultureInfo.InvariantCulture, $"{MachineId}-{seq:D8}");
        var receiptNo = string.Create(CultureInfo.InvariantCulture, $"R{seq:D8}");
        var notes = CreditedNotes(tx, sessionId);
        var credited = notes.Aggregate(Money.Zero(amount.Currency), (s, n) => s + n);
        var excess = credited - (amount + fee) is { Amount: > 0 } over ? over : Money.Zero(amount.Currency);
        var bill = ReadSession(tx, sessionId)?.Bill;

        _db.CreateCommand(tx, """
            INSERT INTO transactions(tx_id, journal_seq, session_id, period_id, created_at, kind, service, biller_id, biller_name,
                consumer_number, consumer_name, amount, fee, credited, excess, currency, payment_status, receipt_no)
            VALUES ($tx, $seq, $session, (SELECT id FROM periods WHERE closed_at IS NULL), $at, $kind, $service, $biller, $billerName,
                $consumer, $name, $amount, $fee, $credited, $excess, $currency, $status, $receipt)
            """)
            .With("$tx", txId).With("$seq", seq).With("$session", sessionId).With("$at", Now()).With("$kind", kind.ToString())
            .With("$service", bill?.Service).With("$biller", bill?.BillerId).With("$billerName", bill?.BillerName)
            .With("$consumer", bill?.ConsumerNumber).With("$name", bill?.ConsumerName)
            .With("$amount", SqlText.Amount(amount.Amount)).With("$fee", SqlText.Amount(fee.Amount))
            .With("$credited", SqlText.Amount(credited.Amount)).With("$excess", SqlText.Amount(excess.Amount))
            .With("$currency", amount.Currency).With("$status", status.ToString()).With("$receipt", receiptNo)
            .Run();
        _db.CreateCommand(tx, "INSERT INTO receipts(receipt_no, tx_id, session_id, created_at) VALUES ($r, $tx, $s, $at)")
            .With("$r", receiptNo).With("$tx", txId).With("$s", sessionId).With("$at", Now()).Run();
        _db.CreateCommand(tx, "UPDATE sessions SET tx_id=$tx WHERE id=$id").With("$tx", txId).With("$id", sessionId).Run();

        var record = ReadTransaction(tx, txId)!;
        TransactionChanged?.Invoke(tx, record);
        Append(tx, sessionId, "TRANSACTION_CREATED", new { txId, seq, kind = kind.ToString(), amount = amount.Amount, credited = credited.Amount, excess = excess.Amount });
        return record;
    }

    public void RecordPayment(string txId, PaymentStatus status, string? approvalRef)
    {
        _db.Commit(tx =>
        {
            // A new revision is news the backend has not acknowledged yet.
            var session = _db.CreateCommand(tx, "UPDATE transactions SET payment_status=$s, approval_ref=COALESCE($ref, approval_ref), revision=revision+1, acknowledged_at=NULL WHERE tx_id=$tx RETURNING session_id")
                .With("$s", status.ToString()).With("$ref", approvalRef).With("$tx", txId).Scalar() as string
                ?? throw new InvalidOperationException($"Journal has no transaction {txId}.");
            TransactionChanged?.Invoke(tx, ReadTransaction(tx, txId)!);
            Append(tx, session, "PAYMENT_" + status.ToString().ToUpperInvariant(), new { txId, approvalRef });
            return 0;
        });
        TransactionsCommitted?.Invoke();
    }

    /// <summary>
    /// The backend applied <paramref name="revision"/> of the transaction (its <c>tx/ack</c> arrived). The transaction
    /// counts as acknowledged only once its current revision is: the ack of the first revision says nothing about the
    /// payment outcome a later revision carries.
    /// </summary>
    public void RecordAcknowledged(string txId, int revision)
    {
        _db.Commit(tx =>
        {
            var changed = _db.CreateCommand(tx, "UPDATE transactions SET acknowledged_at=$at WHERE tx_id=$tx AND acknowledged_at IS NULL AND revision <= $rev")
                .With("$at", Now()).With("$tx", txId).With("$rev", revision).Run();
            if (changed > 0)
            {
                Append(tx, null, "TRANSACTION_ACKNOWLEDGED", new { txId, revision });
            }
            else
            {
                // An older revision's ack, or a redelivery's: nothing changes, but fault injection can name the commit.
                _db.NameStep("ACK_NO_CHANGE");
            }

            return 0;
        });
    }

    public void RecordReceipt(string receiptNo, bool printed, string? error, string? imagePath)
    {
        _db.Commit(tx =>
        {
            var session = _db.CreateCommand(tx, """
                UPDATE receipts SET printed_at=CASE WHEN $printed THEN $at ELSE printed_at END,
                    print_error=CASE WHEN $printed THEN NULL ELSE $error END, image_path=COALESCE($image, image_path)
                WHERE receipt_no=$r RETURNING session_id
                """)
                .With("$printed", printed).With("$at", Now()).With("$error", error).With("$image", imagePath).With("$r", receiptNo)
                .Scalar() as string;
            Append(tx, session, printed ? "RECEIPT_PRINTED" : "RECEIPT_NOT_PRINTED", new { receiptNo, error, imagePath });
            return 0;
        });
    }

    public JournalTransaction? FindTransaction(string txId) => _db.Read(c => ReadTransaction(null, txId));

    public JournalTransaction? LastTransaction() => _db.Read(c =>
        _db.CreateCommand(null, "SELECT tx_id FROM transactions ORDER BY journal_seq DESC LIMIT 1").Scalar() is string id ? ReadTransaction(null, id) : null);

    public IReadOnlyList<JournalTransaction> TransactionsWithPaymentStatus(PaymentStatus status) => _db.Read(c =>
    {
        var ids = new List<string>();
        using (var rCommand = _db.CreateCommand(null, "SELECT tx_id FROM transactions WHERE payment_status=$s ORDER BY journal_seq").With("$s", status.ToString()))
        using (var r = rCommand.ExecuteReader())
        {
            while (r.Read())
            {
                ids.Add(r.GetString(0));
            }
        }

        return ids.Select(id => ReadTransaction(null, id)!).ToArray();
    });

    public IReadOnlyList<JournalTransaction> UnacknowledgedTransactions() => _db.Read(c =>
    {
        var ids = new List<string>();
        using (var rCommand = _db.CreateCommand(null, "SELECT tx_id FROM transactions WHERE acknowledged_at IS NULL ORDER BY journal_seq"))
        using (var r = rCommand.ExecuteReader())
        {
            while (r.Read())
            {
                ids.Add(r.GetString(0));
            }
        }

        return ids.Select(id => ReadTransaction(null, id)!).ToArray();
    });

    /// <summary>Image path and printed flag of a receipt, if one was stored.</summary>
    public (string ReceiptNo, bool Printed, string? ImagePath)? Receipt(string receiptNo) => _db.Read(c =>
    {
        using var rCommand = _db.CreateCommand(null, "SELECT receipt_no, printed_at IS NOT NULL, image_path FROM receipts WHERE receipt_no=$r").With("$r", receiptNo);
        using var r = rCommand.ExecuteReader();
        return r.Read() ? (r.GetString(0), r.GetBoolean(1), r.StringOrNull(2)) : ((string, bool, string?)?)null;
    });

    private long NextCounter(SqliteTransaction tx, string name) => Convert.ToInt64(
        _db.CreateCommand(tx, "INSERT INTO counters(name, value) VALUES ($n, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value")
            .With("$n", name).Scalar(),
        CultureInfo.InvariantCulture);

    private JournalTransaction? TransactionOfSession(SqliteTransaction tx, string sessionId) =>
        _db.CreateCommand(tx, "SELECT tx_id FROM transactions WHERE session_id=$s").With("$s", sessionId).Scalar() is string id
            ? ReadTransaction(tx, id)
            : null;

    private List<Money> CreditedNotes(SqliteTransaction? tx, string sessionId)
    {
        var notes = new List<Money>();
        using var rCommand = _db.CreateCommand(tx, "SELECT value, currency FROM notes WHERE session_id=$s AND state='Credited' AND value IS NOT NULL ORDER BY id")
            .With("$s", sessionId);
        using var r = rCommand.ExecuteReader();
        while (r.Read())
        {
            notes.Add(new Money(SqlText.ParseAmount(r.GetString(0)), r.GetString(1)));
        }

        return notes;
    }

    private List<JournalCredit> Credits(SqliteTransaction? tx, string sessionId)
    {
        var credits = new List<JournalCredit>();
        using var command = _db.CreateCommand(tx, "SELECT value, currency, settled_at, device_serial FROM notes WHERE session_id=$s AND state='Credited' AND value IS NOT NULL ORDER BY id")
            .With("$s", sessionId);
        using var r = command.ExecuteReader();
        while (r.Read())
        {
            credits.Add(new JournalCredit(new Money(SqlText.ParseAmount(r.GetString(0)), r.GetString(1)), SqlText.ParseTime(r.GetString(2)), r.StringOrNull(3)));
        }

        return credits;
    }

    private JournalTransaction? ReadTransaction(SqliteTransaction? tx, string txId)
    {
        string sessionId;
        JournalTransaction partial;
        using (var rCommand = _db.CreateCommand(tx, """
            SELECT tx_id, journal_seq, session_id, created_at, kind, amount, fee, credited, excess, currency,
                   payment_status, approval_ref, receipt_no, acknowledged_at, revision
            FROM transactions WHERE tx_id=$tx
            """).With("$tx", txId))
        using (var r = rCommand.ExecuteReader())
        {
            if (!r.Read())
            {
                return null;
            }

            var currency = r.GetString(9);
            Money M(int i) => new(SqlText.ParseAmount(r.GetString(i)), currency);
            sessionId = r.GetString(2);
            partial = new JournalTransaction(
                r.GetString(0), r.GetInt64(1), sessionId, SqlText.ParseTime(r.GetString(3)), Enum.Parse<TransactionKind>(r.GetString(4)),
                null, M(5), M(6), M(7), M(8), Enum.Parse<PaymentStatus>(r.GetString(10)), r.StringOrNull(11), r.GetString(12), [],
                r.StringOrNull(13) is { } acked ? SqlText.ParseTime(acked) : null, r.GetInt32(14));
        }

        return partial with { Bill = ReadSession(tx, sessionId)?.Bill, Notes = CreditedNotes(tx, sessionId), Credits = Credits(tx, sessionId) };
    }
}
