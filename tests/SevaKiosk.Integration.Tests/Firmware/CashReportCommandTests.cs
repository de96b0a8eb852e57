using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Protocol;
using SevaKiosk.Firmware.Demo;
using SevaKiosk.Firmware.Hosting;
using SevaKiosk.Protocol.Mqtt;
using SevaKiosk.Testing;

namespace SevaKiosk.Integration.Tests.Firmware;

/// <summary>The cash reports on request over MQTT: a signed <c>cash-report</c> command answered with the figures and printed.</summary>
public sealed class CashReportCommandTests
{
    [Fact]
    public async Task Signed_z_report_command_answers_with_the_journal_figures_prints_them_and_closes_the_period()
    {
        using var data = new TempDirectory();
        var settings = KioskConfiguration.Load(KioskConfiguration.Build(null, [new("Kiosk:DataDirectory", data.Path)]));
        settings = settings with { Validator = settings.Validator with { AcceptedNotes = [.. settings.Validator.AcceptedNotes, 2000m] } };
        await using var kiosk = await KioskRuntime.StartAsync(settings, NullLoggerFactory.Instance, () => { });
        Assert.Equal(0, await DemoRun.RunAsync(kiosk, TextWriter.Null, CancellationToken.None));

        // The embedded broker's demo fleet key: the private half stays in the data directory.
        using var fleet = ECDsa.Create();
        fleet.ImportFromPem(await File.ReadAllTextAsync(Path.Combine(data.Path, "demo-fleet-key.pem")));
        var topics = KioskTopics.For(settings.Kiosk.MachineId);
        using var client = new MqttClientFactory().CreateMqttClient();
        var replies = new System.Collections.Concurrent.ConcurrentQueue<CommandReply>();
        client.ApplicationMessageReceivedAsync += e =>
        {
            replies.Enqueue(KioskJson.Deserialize<CommandReply>(e.ApplicationMessage.Payload.ToArray()));
            return Task.CompletedTask;
        };
        var broker = new Uri(kiosk.EmbeddedBroker!.Url);
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(broker.Host, broker.Port).WithClientId("fleet-test").Build());
        await client.SubscribeAsync(topics.CommandReply, MqttQualityOfServiceLevel.AtLeastOnce);

        var now = DateTimeOffset.UtcNow;
        var command = FleetSignature.Sign(new SignedCommand
        {
            CmdId = Guid.NewGuid().ToString(),
            MachineId = settings.Kiosk.MachineId,
            IssuedAt = now,
            ExpiresAt = now.AddMinutes(5),
            Type = CommandTypes.CashReport,
            Args = new Dictionary<string, string> { ["kind"] = "z", ["print"] = "true" },
        }, fleet);
        await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topics.Command).WithPayload(KioskJson.Serialize(command))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

        var until = DateTime.UtcNow.AddSeconds(60);
        while (!replies.Any(r => r.CmdId == command.CmdId) && DateTime.UtcNow < until)
        {
            await Task.Delay(50);
        }

        var reply = Assert.Single(replies, r => r.CmdId == command.CmdId);
        Assert.Equal(CommandOutcome.Accepted, reply.Outcome);
        Assert.Equal("Z", reply.Result!["kind"]);
        Assert.Equal("1", reply.Result["transactions"]);
        Assert.Equal("850", reply.Result["notesTotal"]);
        Assert.Equal("true", reply.Result["printed"]);
        Assert.Single(Directory.GetFiles(Path.Combine(data.Path, "receipts"), "z-report-*.png"));
        Assert.Equal(0, kiosk.Journal.XReport().Transactions);
    }
}
