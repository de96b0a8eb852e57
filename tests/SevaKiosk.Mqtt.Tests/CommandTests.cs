using System.Text;
using SevaKiosk.Firmware.Agent;
using SevaKiosk.Firmware.Agent.Broker;
using SevaKiosk.Mqtt.Tests.Infrastructure;
using SevaKiosk.Protocol.Mqtt;

namespace SevaKiosk.Mqtt.Tests;

/// <summary>Signed fleet commands end to end through the embedded broker: one reply each, only verified ones act.</summary>
public sealed class CommandTests : IAsyncLifetime
{
    private const string Machine = "kiosk-cmd-01";
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("sevakiosk-cmd-");
    private readonly FleetKeys _fleet = new();
    private readonly RecordingTarget _target = new();
    private EmbeddedBroker _broker = null!;
    private KioskAgent _agent = null!;
    private Observer _fleetSide = null!;

    private MachineTopics Topics => _agent.Topics;

    public async Task InitializeAsync()
    {
        _broker = await EmbeddedBroker.StartAsync();
        _agent = new KioskAgent(TestAgents.Options(Machine, _broker.Url, _fleet.PublicPem, _data.FullName), _target);
        _fleetSide = await Observer.ConnectAsync(_broker.Url, null, null, "fleet", KioskTopics.For(Machine).CommandReply, KioskTopics.For(Machine).StateReported);
        _agent.Start();
        await Wait.UntilAsync(() => _agent.IsConnected, TimeSpan.FromSeconds(10), "the agent to connect");
    }

    public async Task DisposeAsync()
    {
        await _fleetSide.DisposeAsync();
        await _agent.DisposeAsync();
        await _broker.DisposeAsync();
        _fleet.Dispose();
        _data.Delete(recursive: true);
    }

    [Fact]
    public async Task Good_unsigned_wrong_key_expired_replayed_and_malformed_get_one_reply_each_and_only_the_good_one_acts()
    {
        using var stranger = new FleetKeys();
        var good = _fleet.Command(Machine, CommandTypes.OutOfService, new Dictionary<string, string> { ["reason"] = "cash box audit" });
        var unsigned = _fleet.Command(Machine, CommandTypes.SetConfig, new Dictionary<string, string> { ["version"] = "5", ["fee"] = "10" }) with { Signature = null };
        var wrongKey = stranger.Command(Machine, CommandTypes.Restart);
        var expired = _fleet.Command(Machine, CommandTypes.ReprintLastReceipt, now: DateTimeOffset.UtcNow.AddHours(-2), lifetime: TimeSpan.FromHours(1));
        var tampered = good with { CmdId = Guid.NewGuid().ToString(), Args = new Dictionary<string, string> { ["reason"] = "edited" } };

        await Send(good);
        await Send(unsigned);
        await Send(wrongKey);
        await Send(expired);
        await Send(good); // replay of the first, byte for byte
        await _fleetSide.PublishAsync(Topics.Command, Encoding.UTF8.GetBytes("{\"cmdId\":\"broken-1\",\"type\":"));
        await Send(tampered);

        await Wait.UntilAsync(() => Replies().Count >= 7, TimeSpan.FromSeconds(10), "seven replies");
        var replies = Replies();
        Assert.Equal(7, replies.Count);
        Assert.Equal(CommandOutcome.Accepted, Single(replies, good.CmdId, first: true).Outcome);
        Assert.Equal(RejectReasons.Unsigned, Single(replies, unsigned.CmdId).Reason);
        Assert.Equal(RejectReasons.BadSignature, Single(replies, wrongKey.CmdId).Reason);
        Assert.Equal(RejectReasons.Expired, Single(replies, expired.CmdId).Reason);
        Assert.Equal(RejectReasons.Replayed, replies.Where(r => r.CmdId == good.CmdId).ElementAt(1).Reason);
        var malformed = Single(replies, "broken-1");
        Assert.Equal(RejectReasons.Malformed, malformed.Reason);
        Assert.Equal(RejectReasons.BadSignature, Single(replies, tampered.CmdId).Reason);

        // Only the good command changed anything, once.
        Assert.Equal(["out-of-service:cash box audit"], _target.Calls.ToArray());
        Assert.False(_target.InService);
        Assert.Equal(0, _target.ConfigVersion);
        Assert.Equal(0, _target.Reprints);
        Assert.False(_agent.ReportedState.InService);
        Assert.Equal("cash box audit", _agent.ReportedState.OutOfServiceReason);
    }

    [Fact]
    public async Task Every_command_type_reaches_the_firmware_and_set_config_is_reported_with_its_version()
    {
        await Send(_fleet.Command(Machine, CommandTypes.SetConfig, new Dictionary<string, string> { ["version"] = "3", ["fee.electricity"] = "0", ["language"] = "hi" }));
        await Send(_fleet.Command(Machine, CommandTypes.SetConfig, new Dictionary<string, string> { ["version"] = "2", ["language"] = "en" }));
        await Send(_fleet.Command(Machine, CommandTypes.RequestStatus));
        await Send(_fleet.Command(Machine, CommandTypes.ReprintLastReceipt));
        await Send(_fleet.Command(Machine, CommandTypes.SelfTest, new Dictionary<string, string> { ["device"] = "validator" }));
        await Send(_fleet.Command(Machine, CommandTypes.SelfTest, new Dictionary<string, string> { ["device"] = "coin-hopper" }));
        await Send(_fleet.Command(Machine, CommandTypes.OutOfService));
        await Send(_fleet.Command(Machine, CommandTypes.InService));
        await Send(_fleet.Command(Machine, CommandTypes.Restart));
        await Send(_fleet.Command(Machine, "format-disk"));

        await Wait.UntilAsync(() => Replies().Count >= 10, TimeSpan.FromSeconds(10), "ten replies");
        var replies = Replies();
        Assert.Equal(
            ["accepted", "rejected:stale-version", "accepted", "accepted", "accepted", "rejected:refused", "accepted", "accepted", "accepted", "rejected:unknown-type"],
            replies.Select(r => r.Outcome == CommandOutcome.Accepted ? "accepted" : "rejected:" + r.Reason).ToArray());
        Assert.Equal("3", replies[0].Result!["version"]);
        Assert.Equal("17", replies[2].Result!["cashbox.notes"]);
        Assert.Equal("0", replies[2].Result!["agent.pendingTransactions"]);
        Assert.Equal(3, _target.ConfigVersion);
        Assert.Equal("hi", _target.Config["language"]);
        Assert.Equal(1, _target.Reprints);
        Assert.True(_target.InService);
        Assert.Contains("restart", _target.Calls);

        await Wait.UntilAsync(() => LastReported()?.Version == 3, TimeSpan.FromSeconds(5), "reported version 3");
        Assert.Equal("hi", LastReported()!.Config["language"]);
    }

    [Fact]
    public async Task A_signed_desired_state_is_applied_once_and_an_unsigned_one_changes_nothing()
    {
        var desired = FleetSignature.Sign(new DesiredState
        {
            MachineId = Machine,
            Version = 7,
            InService = false,
            Config = new Dictionary<string, string> { ["maxNote"] = "500" },
            IssuedAt = DateTimeOffset.UtcNow,
        }, _fleet.Private);
        await _fleetSide.PublishAsync(Topics.StateDesired, KioskJson.Serialize(desired with { Version = 9, Signature = null }), retain: true);
        await Wait.UntilAsync(() => LastReported()?.LastError is not null, TimeSpan.FromSeconds(5), "the unsigned desired state to be reported as an error");
        Assert.Equal(0, _target.ConfigVersion);
        Assert.True(_target.InService);

        await _fleetSide.PublishAsync(Topics.StateDesired, KioskJson.Serialize(desired), retain: true);
        await Wait.UntilAsync(() => LastReported()?.Version == 7, TimeSpan.FromSeconds(5), "reported version 7");
        Assert.Equal(7, _target.ConfigVersion);
        Assert.False(_target.InService);
        Assert.False(LastReported()!.InService);

        // The retained document comes again at every subscribe: the same version must not be applied twice.
        await _fleetSide.PublishAsync(Topics.StateDesired, KioskJson.Serialize(desired), retain: true);
        await Task.Delay(300);
        Assert.Single(_target.Calls, c => c == "config:7");
    }

    private async Task Send(SignedCommand command) => await _fleetSide.PublishAsync(Topics.Command, KioskJson.Serialize(command));

    private List<CommandReply> Replies() =>
        _fleetSide.On(Topics.CommandReply).Select(m => KioskJson.Deserialize<CommandReply>(m.Payload)).ToList();

    private ReportedState? LastReported() =>
        _fleetSide.On(Topics.StateReported).Select(m => KioskJson.Deserialize<ReportedState>(m.Payload)).LastOrDefault();

    private static CommandReply Single(List<CommandReply> replies, string? cmdId, bool first = false) =>
        first ? replies.First(r => r.CmdId == cmdId) : Assert.Single(replies, r => r.CmdId == cmdId);
}
