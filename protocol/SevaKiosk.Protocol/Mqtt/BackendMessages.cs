using System.Text.Json.Serialization;

namespace SevaKiosk.Protocol.Mqtt;

// Requests go to kiosk/v1/<machineId>/backend/request/<operation> with the MQTT 5 response topic set to
// kiosk/v1/<machineId>/backend/response and correlation data = the UTF-8 bytes of RequestId. The backend answers there
// with the same correlation data. Deadlines are the machine's: a late answer is dropped.

/// <summary><c>backend/request/bill-fetch</c>: look up what a consumer owes.</summary>
public sealed record BillFetchRequest
{
    public required string RequestId { get; init; }

    public required string MachineId { get; init; }

    public required string Service { get; init; }

    public required string BillerId { get; init; }

    public required string ConsumerNumber { get; init; }
}

/// <summary>Answer to <see cref="BillFetchRequest"/>.</summary>
public sealed record BillFetchResponse
{
    public required string RequestId { get; init; }

    public required BillFetchOutcome Outcome { get; init; }

    public string? BillerId { get; init; }

    public string? BillerName { get; init; }

    public string? Service { get; init; }

    public string? ConsumerNumber { get; init; }

    public string? ConsumerName { get; init; }

    public decimal AmountDue { get; init; }

    public string Currency { get; init; } = "INR";

    public DateOnly? DueDate { get; init; }

    /// <summary>The biller's bill number, printed on the receipt when the biller has one.</summary>
    public string? BillNumber { get; init; }

    public AmountRule AmountRule { get; init; }

    /// <summary>Convenience fee charged on top of the amount paid.</summary>
    public decimal Fee { get; init; }

    public string? Message { get; init; }
}

public enum BillFetchOutcome
{
    [JsonStringEnumMemberName("found")]
    Found,

    [JsonStringEnumMemberName("not-found")]
    NotFound,

    [JsonStringEnumMemberName("error")]
    Error,
}

/// <summary>What the biller accepts relative to <see cref="BillFetchResponse.AmountDue"/>.</summary>
public enum AmountRule
{
    /// <summary>Exactly the amount due.</summary>
    [JsonStringEnumMemberName("exact")]
    Exact,

    /// <summary>The amount due or more (the excess is an advance).</summary>
    [JsonStringEnumMemberName("at-least")]
    AtLeast,

    /// <summary>Anything up to the amount due (part payments allowed).</summary>
    [JsonStringEnumMemberName("at-most")]
    AtMost,

    /// <summary>Any positive amount.</summary>
    [JsonStringEnumMemberName("any")]
    Any,
}

/// <summary>
/// <c>backend/request/payment-post</c>: post a payment. <see cref="IdempotencyKey"/> is the transaction's TxId: posting
/// the same key again never pays twice, it returns the first outcome. A machine that did not hear the answer asks with
/// <see cref="PaymentStatusRequest"/> and never posts the payment under a new key.
/// </summary>
public sealed record PaymentPostRequest
{
    public required string RequestId { get; init; }

    public required string IdempotencyKey { get; init; }

    public required string MachineId { get; init; }

    public required string BillerId { get; init; }

    public required string ConsumerNumber { get; init; }

    public required decimal Amount { get; init; }

    public decimal Fee { get; init; }

    public string Currency { get; init; } = "INR";
}

/// <summary><c>backend/request/payment-status</c>: what happened to the payment with this idempotency key (TxId)?</summary>
public sealed record PaymentStatusRequest
{
    public required string RequestId { get; init; }

    public required string MachineId { get; init; }

    public required string IdempotencyKey { get; init; }
}

/// <summary>Answer to <see cref="PaymentPostRequest"/> and <see cref="PaymentStatusRequest"/>.</summary>
public sealed record PaymentResponse
{
    public required string RequestId { get; init; }

    public required string IdempotencyKey { get; init; }

    public required PaymentResult Result { get; init; }

    public string? PaymentReference { get; init; }

    public string? Message { get; init; }
}

public enum PaymentResult
{
    [JsonStringEnumMemberName("posted")]
    Posted,

    [JsonStringEnumMemberName("pending")]
    Pending,

    [JsonStringEnumMemberName("failed")]
    Failed,

    /// <summary>Status query only: the backend never received a post with this key (it is safe to post it).</summary>
    [JsonStringEnumMemberName("not-found")]
    NotFound,
}
