using System.Net;
using MQTTnet.Server;

namespace SevaKiosk.Firmware.Agent.Broker;

/// <summary>
/// The MQTTnet broker the firmware runs when no broker is configured: loopback only (nothing outside the machine can
/// reach it, so it needs no credentials), on the given port or a free one, reported by <see cref="Port"/> and
/// <see cref="Url"/>. Its sessions and retained messages live in memory: the agent's outbox, not the broker, is what
/// makes delivery durable.
/// </summary>
public sealed class EmbeddedBroker : IAsyncDisposable
{
    private readonly MqttServer _server;
    private readonly MqttServerOptions _options;

    private EmbeddedBroker(MqttServer server, MqttServerOptions options)
    {
        _server = server;
        _options = options;
    }

    /// <summary>The TCP port it listens on (the chosen one when started with port 0).</summary>
    public int Port => _options.DefaultEndpointOptions.Port;

    /// <summary><c>mqtt://127.0.0.1:&lt;port&gt;</c>, for the agent's and the demo backend's <c>Broker</c> setting.</summary>
    public string Url => $"mqtt://127.0.0.1:{Port}";

    /// <summary>The running server, for tests and tools that want its events.</summary>
    public MqttServer Server => _server;

    /// <param name="port">0 picks a free port.</param>
    public static async Task<EmbeddedBroker> StartAsync(int port = 0)
    {
        var factory = new MqttServerFactory();
        var options = factory.CreateServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
            .WithDefaultEndpointBoundIPV6Address(IPAddress.None)
            .WithDefaultEndpointPort(port)
            .WithPersistentSessions()
            .Build();
        var server = factory.CreateMqttServer(options);
        await server.StartAsync().ConfigureAwait(false);
        return new EmbeddedBroker(server, options);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync().ConfigureAwait(false);
        _server.Dispose();
    }
}
