using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Protocol;
using SevaKiosk.Firmware.Agent.Connection;
using SevaKiosk.Protocol.Mqtt;

namespace SevaKiosk.Firmware.Agent.Backend;

/// <summary>
/// Requests to the backend over MQTT 5 request/response: each request carries the response topic
/// <c>kiosk/v1/&lt;id&gt;/backend/response</c> and its RequestId as correlation data, and has a deadline. A payment is
/// posted with its TxId as idempotency key; when its outcome is unknown (no answer in time) it is queried by that key,
/// and posted again only under the same key when the backend says it never saw it.
/// </summary>
public sealed class BackendClient
{
    private readonly ConnectionSupervisor _link;
    private readonly MachineTopics _topics;
    private readonly KioskAgentOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<byte[]>> _waiting = new(StringComparer.Ordinal);

    public BackendClient(ConnectionSupervisor link, MachineTopics topics, KioskAgentOptions options, TimeProvider? time = null, ILogger? logger = null)
    {
        _link = link;
        _topics = topics;
        _options = options;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Looks up a bill. Throws <see cref="BackendUnavailableException"/> or <see cref="BackendTimeoutException"/>.</summary>
    public async Task<BillFetchResponse> FetchBillAsync(string service, string billerId, string consumerNumber, CancellationToken cancellationToken)
    {
        var request = new BillFetchRequest
        {
            RequestId = NewRequestId(),
            MachineId = _topics.MachineId,
            Service = service,
            BillerId = billerId,
            ConsumerNumber = consumerNumber,
        };
        var answer = await RequestAsync(KioskTopics.BillFetch, request.RequestId, KioskJson.Serialize(request), cancellationToken).ConfigureAwait(false);
        return KioskJson.Deserialize<BillFetchResponse>(answer);
    }

    /// <summary>One post attempt. Throws <see cref="BackendUnavailableException"/> (not sent) or <see cref="BackendTimeoutException"/> (unknown).</summary>
    public async Task<PaymentResponse> PostPaymentAsync(PaymentPostRequest request, CancellationToken cancellationToken)
    {
        var sent = request with { RequestId = NewRequestId() };
        var answer = await RequestAsync(KioskTopics.PaymentPost, sent.RequestId, KioskJson.Serialize(sent), cancellationToken).ConfigureAwait(false);
        return KioskJson.Deserialize<PaymentResponse>(answer);
    }

    /// <summary>Asks what happened to the payment with this idempotency key (the TxId).</summary>
    public async Task<PaymentResponse> QueryPaymentAsync(string idempotencyKey, CancellationToken cancellationToken)
    {
        var request = new PaymentStatusRequest { RequestId = NewRequestId(), MachineId = _topics.MachineId, IdempotencyKey = idempotencyKey };
        var answer = await RequestAsync(KioskTopics.PaymentStatus, request.RequestId, KioskJson.Serialize(request), cancellationToken).ConfigureAwait(false);
        return KioskJson.Deserialize<PaymentResponse>(answer);
    }

    /// <summary>
    /// Posts a payment and does not give up on it: a lost answer is resolved by querying its idempotency key until
    /// <see cref="KioskAgentOptions.PaymentResolveDeadline"/>. Returns posted, failed, or pending (still unknown or the
    /// biller said pending; call <see cref="ResolvePaymentAsync"/> later with the same request).
    /// </summary>
    public async Task<PaymentResponse> SettlePaymentAsync(PaymentPostRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await PostPaymentAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (BackendTimeoutException ex)
        {
            AgentLog.PaymentUnknown(_logger, request.IdempotencyKey, ex.Message);
        }
        catch (BackendUnavailableException)
        {
            // Never sent: resolving below posts it (same key) once the backend is reachable.
        }

        return await ResolvePaymentAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Queries the payment's key until it has an outcome; posts it again under the same key only if the backend never saw it.</summary>
    public async Task<PaymentResponse> ResolvePaymentAsync(PaymentPostRequest request, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var pause = TimeSpan.FromSeconds(1);
        while (_time.GetElapsedTime(started) < _options.PaymentResolveDeadline)
        {
            try
            {
                var status = await QueryPaymentAsync(request.IdempotencyKey, cancellationToken).ConfigureAwait(false);
                if (status.Result != PaymentResult.NotFound)
                {
                    return status;
                }

                return await PostPaymentAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is BackendTimeoutException or BackendUnavailableException)
            {
                var left = _options.PaymentResolveDeadline - _time.GetElapsedTime(started);
                if (left <= TimeSpan.Zero)
                {
                    break;
                }

                await Task.Delay(pause < left ? pause : left, _time, cancellationToken).ConfigureAwait(false);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(15).Ticks));
            }
        }

        return new PaymentResponse
        {
            RequestId = string.Empty,
            IdempotencyKey = request.IdempotencyKey,
            Result = PaymentResult.Pending,
            Message = "outcome unknown: no answer from the backend; left pending and resolved later by its id",
        };
    }

    /// <summary>Routes an answer on the response topic to its waiting request; late or unknown answers are dropped.</summary>
    internal void HandleResponse(MqttApplicationMessage message)
    {
        if (message.CorrelationData is not { Length: > 0 } correlation)
        {
            return;
        }

        if (_waiting.TryRemove(Encoding.UTF8.GetString(correlation), out var waiter))
        {
            waiter.TrySetResult(message.Payload.ToArray());
        }
    }

    private async Task<byte[]> RequestAsync(string operation, string requestId, byte[] payload, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(_options.BackendRequestDeadline, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var waiter = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[requestId] = waiter;
        try
        {
            try
            {
                await _link.WaitConnectedAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new BackendUnavailableException($"No connection to the broker within {_options.BackendRequestDeadline.TotalSeconds:0} s; {operation} not sent.");
            }

            var message = new MqttApplicationMessageBuilder()
                .WithTopic(_topics.BackendRequest(operation))
                .WithPayload(payload)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .WithResponseTopic(_topics.BackendResponse)
                .WithCorrelationData(Encoding.UTF8.GetBytes(requestId))
                .WithContentType("application/json")
                .Build();
            try
            {
                await _link.PublishAsync(message, linked.Token).ConfigureAwait(false);
                return await waiter.Task.WaitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is OperationCanceledException or TimeoutException or AgentNotConnectedException)
            {
                throw new BackendTimeoutException($"No answer to {operation} {requestId} within {_options.BackendRequestDeadline.TotalSeconds:0} s; its outcome is unknown.", ex);
            }
        }
        finally
        {
            _waiting.TryRemove(requestId, out _);
        }
    }

    private static string NewRequestId() => Guid.NewGuid().ToString("N");
}
