using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using SevaKiosk.Firmware.Agent.Connection;

namespace SevaKiosk.Tools.Fleet;

/// <summary>How kioskctl reaches the fleet's broker: URL, credentials (the password from the environment by default, so
/// it stays out of shell history and <c>ps</c>), and the CA to pin for <c>mqtts://</c>.</summary>
internal sealed record BrokerConnection(string Url, string? User, string? Password, string? CaFile)
{
    public const string PasswordVariable = "KIOSKCTL_MQTT_PASSWORD";

    /// <summary>A broker that does not answer the connect within this is reported unreachable (exit code 3).</summary>
    public static TimeSpan ConnectTimeout { get; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Connects a client. With <paramref name="sessionExpiry"/> above zero the session is persistent (clean start off):
    /// the broker keeps the subscriptions and queues QoS 1 messages while kioskctl is not running.
    /// </summary>
    public async Task<(IMqttClient Client, bool SessionPresent)> ConnectAsync(
        string clientId, TimeSpan sessionExpiry, Func<MqttApplicationMessageReceivedEventArgs, Task> onMessage, TimeProvider time, CancellationToken cancellationToken)
    {
        var endpoint = BrokerEndpoint.Parse(Url);
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(endpoint.Host, endpoint.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(clientId)
            .WithCleanStart(sessionExpiry <= TimeSpan.Zero)
            .WithSessionExpiryInterval((uint)Math.Clamp(sessionExpiry.TotalSeconds, 0, uint.MaxValue))
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(30));
        if (User is not null || Password is not null)
        {
            builder.WithCredentials(User ?? clientId, Password);
        }

        if (endpoint.UseTls)
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(CaFile ?? throw new FleetInputException("--ca FILE is required with an mqtts:// broker (the CA is pinned)."));
            builder.WithTlsOptions(tls => tls.WithTrustChain(roots).WithRevocationMode(X509RevocationMode.NoCheck).WithTargetHost(endpoint.Host));
        }

        var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += onMessage;
        using var deadline = new CancellationTokenSource(ConnectTimeout, time);
        using var connecting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            MqttClientConnectResult result;
            try
            {
                result = await client.ConnectAsync(builder.Build(), connecting.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"{endpoint} did not answer within {ConnectTimeout.TotalSeconds:0} s.");
            }

            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                throw new BrokerRefusedException($"{endpoint} refused the connection: {result.ResultCode} {result.ReasonString}".TrimEnd());
            }

            return (client, result.IsSessionPresent);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Subscribes at QoS 1; fails when the broker refuses any filter (an ACL that hides the fleet).</summary>
    public static async Task SubscribeAsync(IMqttClient client, IEnumerable<string> filters, CancellationToken cancellationToken)
    {
        var subscribe = new MqttClientSubscribeOptionsBuilder();
        foreach (var filter in filters)
        {
            subscribe.WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce);
        }

        var result = await client.SubscribeAsync(subscribe.Build(), cancellationToken).ConfigureAwait(false);
        var refused = result.Items.Where(i => (int)i.ResultCode > (int)MqttClientSubscribeResultCode.GrantedQoS2).ToList();
        if (refused.Count > 0)
        {
            throw new BrokerRefusedException("the broker refused the subscriptions " + string.Join(", ", refused.Select(i => $"{i.TopicFilter.Topic} ({i.ResultCode})")));
        }
    }
}

/// <summary>The <c>--broker</c>, <c>--user</c>, <c>--password</c> and <c>--ca</c> options every fleet command shares.</summary>
internal sealed class BrokerOptions
{
    public Option<string?> Broker { get; } = new("--broker") { Description = "The fleet's MQTT broker: mqtt://host:port or mqtts://host:port." };

    public Option<string?> User { get; } = new("--user") { Description = "Broker username (a monitoring account that may read kiosk/v1/#)." };

    public Option<string?> Password { get; } = new("--password")
    {
        Description = $"Broker password; defaults to the {BrokerConnection.PasswordVariable} environment variable (keeps it out of shell history).",
    };

    public Option<string?> Ca { get; } = new("--ca") { Description = "PEM file of the CA that issued the broker's certificate (pinned; required for mqtts://)." };

    public void AddTo(Command command)
    {
        command.Options.Add(Broker);
        command.Options.Add(User);
        command.Options.Add(Password);
        command.Options.Add(Ca);
    }

    /// <summary>The connection, or null when <c>--broker</c> was not given.</summary>
    public BrokerConnection? Read(ParseResult result)
    {
        var url = result.GetValue(Broker);
        if (url is null)
        {
            return null;
        }

        if (!BrokerEndpoint.TryParse(url, out _, out var error))
        {
            throw new FleetInputException("--broker " + error);
        }

        return new BrokerConnection(url, result.GetValue(User), result.GetValue(Password) ?? Environment.GetEnvironmentVariable(BrokerConnection.PasswordVariable), result.GetValue(Ca));
    }
}

/// <summary>A bad option, file or answer that the user can fix; reported as one line with exit code 2.</summary>
internal sealed class FleetInputException(string message) : Exception(message);

/// <summary>The broker answered but said no (credentials, ACL); exit code 3 like an unreachable broker.</summary>
internal sealed class BrokerRefusedException(string message) : Exception(message);
