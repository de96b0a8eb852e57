using SevaKiosk.Firmware.Agent;
using SevaKiosk.Firmware.Agent.Backend;
using SevaKiosk.Firmware.Engine;
using SevaKiosk.Firmware.Journal;
using SevaKiosk.Hal.Devices;
using SevaKiosk.Protocol.Mqtt;
using JournalAmountRule = SevaKiosk.Firmware.Journal.AmountRule;
using MqttAmountRule = SevaKiosk.Protocol.Mqtt.AmountRule;
using PaymentStatus = SevaKiosk.Protocol.Mqtt.PaymentStatus;

namespace SevaKiosk.Firmware.Hosting;

/// <summary>
/// The transaction engine's backend, over the MQTT agent's request/response client. The payment's idempotency key is
/// its txId: posting again under the same key can never pay twice, and an unknown outcome is queried.
/// </summary>
public sealed class AgentBillingBackend : IBillingBackend
{
    private readonly KioskAgent _agent;
    private readonly string _machineId;

    public AgentBillingBackend(KioskAgent agent, string machineId)
    {
        _agent = agent;
        _machineId = machineId;
    }

    public async Task<BillDetails?> FetchBillAsync(string service, string billerId, string consumerNumber, CancellationToken cancellationToken)
    {
        BillFetchResponse response;
        try
        {
            response = await _agent.Backend.FetchBillAsync(service, billerId, consumerNumber, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is BackendUnavailableException or BackendTimeoutException)
        {
            throw new TimeoutException(ex.Message, ex);
        }

        if (response.Outcome != BillFetchOutcome.Found)
        {
            return null;
        }

        var currency = response.Currency;
        return new BillDetails(
            response.Service ?? service,
            response.BillerId ?? billerId,
            response.BillerName ?? billerId,
            response.ConsumerNumber ?? consumerNumber,
            response.ConsumerName ?? string.Empty,
            response.BillNumber,
            response.DueDate,
            new Money(response.AmountDue, currency),
            response.AmountRule switch
            {
                MqttAmountRule.Exact => JournalAmountRule.Exact,
                MqttAmountRule.AtLeast => JournalAmountRule.AtLeast,
                MqttAmountRule.AtMost => JournalAmountRule.AtMost,
                _ => JournalAmountRule.Any,
            },
            new Money(response.Fee, currency));
    }

    public async Task<PaymentOutcome> PostPaymentAsync(JournalTransaction transaction, CancellationToken cancellationToken)
    {
        var request = new PaymentPostRequest
        {
            RequestId = Guid.NewGuid().ToString("N"),
            IdempotencyKey = transaction.TxId,
            MachineId = _machineId,
            BillerId = transaction.Bill?.BillerId ?? string.Empty,
            ConsumerNumber = transaction.Bill?.ConsumerNumber ?? string.Empty,
            Amount = transaction.Amount.Amount,
            Fee = transaction.Fee.Amount,
            Currency = transaction.Amount.Currency,
        };
        try
        {
            return Map(await _agent.Backend.SettlePaymentAsync(request, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is BackendUnavailableException or BackendTimeoutException)
        {
            throw new TimeoutException(ex.Message, ex);
        }
    }

    public async Task<PaymentOutcome> QueryPaymentAsync(string txId, CancellationToken cancellationToken)
    {
        try
        {
            return Map(await _agent.Backend.QueryPaymentAsync(txId, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is BackendUnavailableException or BackendTimeoutException)
        {
            throw new TimeoutException(ex.Message, ex);
        }
    }

    private static PaymentOutcome Map(PaymentResponse response) => new(
        response.Result switch
        {
            Protocol.Mqtt.PaymentResult.Posted => PaymentStatus.Posted,
            Protocol.Mqtt.PaymentResult.Failed => PaymentStatus.Failed,
            _ => PaymentStatus.Pending,
        },
        response.PaymentReference,
        response.Message,
        NeverReceived: response.Result == Protocol.Mqtt.PaymentResult.NotFound);
}
