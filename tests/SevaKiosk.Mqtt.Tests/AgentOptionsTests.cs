using SevaKiosk.Firmware.Agent;
using SevaKiosk.Firmware.Agent.Connection;
using SevaKiosk.Mqtt.Tests.Infrastructure;

namespace SevaKiosk.Mqtt.Tests;

/// <summary>Configuration problems are named by key, and secrets never reach a log line.</summary>
public sealed class AgentOptionsTests
{
    [Fact]
    public void Every_problem_names_its_configuration_key()
    {
        var options = new KioskAgentOptions { MachineId = "bad/id", Broker = "http://broker", FleetPublicKey = null, PingInterval = TimeSpan.Zero, ClientCertificateFile = "c.pem" };
        var problems = options.Validate();
        Assert.Contains(problems, p => p.StartsWith("Agent:MachineId", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Agent:Broker", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Agent:FleetPublicKey", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Agent:PingInterval", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Agent:ClientCertificateFile", StringComparison.Ordinal));

        var tls = new KioskAgentOptions { MachineId = "k1", Broker = "mqtts://broker.example", FleetPublicKey = "x" };
        Assert.Contains(tls.Validate(), p => p.StartsWith("Agent:CaCertificateFile", StringComparison.Ordinal));
        Assert.Throws<ArgumentException>(() => new KioskAgent(options, new RecordingTarget()));
    }

    [Fact]
    public void The_password_never_appears_in_the_options_text()
    {
        var options = new KioskAgentOptions { MachineId = "k1", Broker = "mqtt://b:1883", Password = "s3cr3t-Pa55", FleetPublicKey = "x" };
        var text = options.ToString();
        Assert.DoesNotContain("s3cr3t-Pa55", text, StringComparison.Ordinal);
        Assert.Contains("password (set)", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mqtt://10.0.0.5", "10.0.0.5", 1883, false)]
    [InlineData("mqtts://broker.fleet.example", "broker.fleet.example", 8883, true)]
    [InlineData("mqtt://127.0.0.1:41883", "127.0.0.1", 41883, false)]
    [InlineData("mqtts://[::1]:8884", "[::1]", 8884, true)]
    public void Broker_urls_give_host_port_and_tls(string url, string host, int port, bool tls)
    {
        Assert.Equal(new BrokerEndpoint(host, port, tls), BrokerEndpoint.Parse(url));
    }
}
