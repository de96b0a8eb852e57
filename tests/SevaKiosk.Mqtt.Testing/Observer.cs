using System.Buffers;
using System.Collections.Concurrent;
using MQTTnet;
using MQTTnet.Protocol;

namespace SevaKiosk.Mqtt.Testing;

/// <summary>A plain MQTTnet client that records what it receives on some filters, and can publish (a test's hands on the broker).</summary>
public sealed class Observer : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();

    private Observer()
    {
        _client.ApplicationMessageReceivedAsync += e =>
        {
            Received.Enqueue(new ReceivedMessage(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray(), e.ApplicationMessage.Retain));
            return Task.CompletedTask;
        };
    }

    public ConcurrentQueue<ReceivedMessage> Received { get; } = new();

    public IMqttClient Client => _client;

    public static async Task<Observer> ConnectAsync(string url, string? user, string? password, string clientId, params string[] filters)
    {
        var observer = new Observer();
        var uri = new Uri(url);
        var builder = new MqttClientOptionsBuilder().WithTcpServer(uri.Host, uri.Port).WithClientId(clientId).WithCleanStart();
        if (user is not null)
        {
            builder.WithCredentials(user, password);
        }

        var result = await observer._client.ConnectAsync(builder.Build());
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new InvalidOperationException($"Observer {clientId} refused: {result.ResultCode}");
        }

        if (filters.Length > 0)
        {
            var subscribe = new MqttClientSubscribeOptionsBuilder();
            foreach (var filter in filters)
            {
                subscribe.WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce);
            }

            await observer._client.SubscribeAsync(subscribe.Build());
        }

        return observer;
    }

    public Task<MqttClientPublishResult> PublishAsync(string topic, byte[] payload, bool retain = false) =>
        _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithRetainFlag(retain).Build());

    public IEnumerable<ReceivedMessage> On(string topic) => Received.Where(m => m.Topic == topic);

    public async ValueTask DisposeAsync()
    {
        await _client.TryDisconnectAsync();
        _client.Dispose();
    }
}

public sealed record ReceivedMessage(string Topic, byte[] Payload, bool Retain);
