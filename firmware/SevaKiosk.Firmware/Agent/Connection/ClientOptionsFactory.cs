using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace SevaKiosk.Firmware.Agent.Connection;

/// <summary>Builds MQTTnet client options from <see cref="KioskAgentOptions"/>: MQTT 5, client id = machine id, will, TLS.</summary>
internal sealed class ClientOptionsFactory
{
    private readonly KioskAgentOptions _options;
    private readonly BrokerEndpoint _endpoint;
    private readonly X509Certificate2Collection? _trustChain;
    private readonly X509Certificate2Collection? _clientCertificates;

    public ClientOptionsFactory(KioskAgentOptions options)
    {
        _options = options;
        _endpoint = BrokerEndpoint.Parse(options.Broker);
        if (_endpoint.UseTls)
        {
            _trustChain = [];
            _trustChain.ImportFromPemFile(options.CaCertificateFile ?? throw new InvalidOperationException("Agent:CaCertificateFile is required for TLS."));
            if (_trustChain.Count == 0)
            {
                throw new InvalidOperationException($"Agent:CaCertificateFile '{options.CaCertificateFile}' holds no certificate.");
            }

            if (options.ClientCertificateFile is not null && options.ClientKeyFile is not null)
            {
                var certificate = X509Certificate2.CreateFromPemFile(options.ClientCertificateFile, options.ClientKeyFile);

                // SslStream on Linux wants a certificate whose key is not ephemeral; a PKCS#12 round trip gives it one.
                _clientCertificates = [X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null)];
                certificate.Dispose();
            }
        }
    }

    public BrokerEndpoint Endpoint => _endpoint;

    public MqttClientOptions Build(byte[] willPayload, string willTopic)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(_endpoint.Host, _endpoint.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(_options.MachineId)
            .WithCleanStart(_options.CleanStart)
            .WithSessionExpiryInterval((uint)_options.SessionExpiry.TotalSeconds)
            .WithKeepAlivePeriod(_options.KeepAlive)
            .WithTimeout(_options.ConnectTimeout)
            .WithWillTopic(willTopic)
            .WithWillPayload(willPayload)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithWillRetain();

        if (_options.Password is not null)
        {
            builder.WithCredentials(_options.Username ?? _options.MachineId, _options.Password);
        }

        if (_endpoint.UseTls)
        {
            builder.WithTlsOptions(tls =>
            {
                tls.WithTrustChain(_trustChain)
                    .WithRevocationMode(_options.RevocationMode)
                    .WithTargetHost(_options.TlsTargetHost ?? _endpoint.Host);
                if (_clientCertificates is not null)
                {
                    tls.WithClientCertificates(_clientCertificates);
                }
            });
        }

        return builder.Build();
    }
}
