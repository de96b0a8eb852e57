using System.Collections.Concurrent;
using MQTTnet;
using SevaKiosk.Firmware.Agent;
using SevaKiosk.Firmware.Hosting;
using SevaKiosk.Mqtt.Testing;
using SevaKiosk.Protocol.Mqtt;
using SevaKiosk.Provision.Tests.Infrastructure;
using SevaKiosk.Tools.Provision;

namespace SevaKiosk.Provision.Tests;

/// <summary>
/// The credentials provision makes, used by the firmware's real agent against a real Mosquitto: the broker knows the
/// machine only from the files provision wrote (the password-file line, the CA-signed request), and its per-machine
/// ACL lets the machine publish under its own id.
/// </summary>
public sealed class BrokerCredentialsTests : IDisposable
{
    private const string MachineId = "RJ-JP-BAS-0001";

    private readonly ProvisionBench _bench = new();

    [Fact]
    public async Task A_password_machine_connects_with_the_line_provision_gave_the_broker()
    {
        var outcome = await ProvisionBench.RunAsync(_bench.FieldArgs("--install-dir", _bench.MachineDirectory));
        Assert.True(outcome.Code == 0, outcome.All);
        var line = File.ReadAllText(Path.Combine(_bench.MachineDirectory, MachineFiles.BrokerPasswordLine)).Trim();
        await using var broker = await MosquittoBroker.StartAsync([], passwordFileLines: [line]);

        await AssertPublishesStatusAsync(broker, broker.Url);
    }

    [Fact]
    public async Task A_certificate_machine_connects_once_the_fleet_ca_signed_its_request_and_the_broker_sees_the_machine_id()
    {
        using var ca = TestCertificates.Create("SevaKiosk Fleet CA");
        var outcome = await ProvisionBench.RunAsync(_bench.FieldArgs(
            "--install-dir", _bench.MachineDirectory, "--broker", "mqtts://127.0.0.1:8883", "--auth", "certificate", "--ca-cert", ca.CaCertificatePath));
        Assert.True(outcome.Code == 0, outcome.All);
        var request = File.ReadAllText(Path.Combine(_bench.MachineDirectory, MachineFiles.ClientRequest));
        File.WriteAllText(Path.Combine(_bench.MachineDirectory, MachineFiles.ClientCertificate), ca.SignRequest(request));
        await using var broker = await MosquittoBroker.StartAsync([], ca);

        await AssertPublishesStatusAsync(broker, broker.CertificateUrl);
    }

    /// <summary>Loads the machine directory as the firmware does, points it at the test broker, and waits for its birth status.</summary>
    private async Task AssertPublishesStatusAsync(MosquittoBroker broker, string url)
    {
        var configuration = Path.Combine(_bench.MachineDirectory, MachineFiles.Configuration);
        var settings = KioskConfiguration.Load(KioskConfiguration.Build(configuration, [new("Agent:Broker", url)]));
        var options = settings.Agent;
        options.MachineId = settings.Kiosk.MachineId;
        options.DatabasePath = Path.Combine(_bench.Root, "data", "journal.db");
        options.FirstConnectMaxDelay = TimeSpan.Zero;

        var statuses = new ConcurrentQueue<string>();
        using var backend = new MqttClientFactory().CreateMqttClient();
        backend.ApplicationMessageReceivedAsync += e =>
        {
            statuses.Enqueue(e.ApplicationMessage.Topic);
            return Task.CompletedTask;
        };
        await backend.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", broker.Port)
            .WithCredentials(MosquittoBroker.BackendUser, MosquittoBroker.BackendPassword)
            .Build());
        await backend.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(KioskTopics.AllStatus).Build());

        await using var agent = new KioskAgent(options, new RecordingTarget());
        agent.Start();
        await Wait.UntilAsync(() => agent.IsConnected, TimeSpan.FromSeconds(10), "the provisioned machine's connection. Broker log: " + broker.Log);

        // The ACL confines each user to kiosk/v1/<username>/...: the status arrives only if the broker's name for the machine is its id.
        await Wait.UntilAsync(() => statuses.Contains(KioskTopics.For(MachineId).Status), TimeSpan.FromSeconds(10), "the machine's status on its own topic");
    }

    public void Dispose() => _bench.Dispose();
}
