using System.Collections.Concurrent;
using FsCheck;
using FsCheck.Xunit;
using Microsoft.Extensions.Time.Testing;
using SevaKiosk.Firmware.Agent;
using SevaKiosk.Firmware.Agent.Broker;
using SevaKiosk.Firmware.Agent.Connection;
using SevaKiosk.Mqtt.Tests.Infrastructure;

namespace SevaKiosk.Mqtt.Tests;

/// <summary>Reconnect backoff (in virtual time) and dead-link detection.</summary>
public sealed class LinkSupervisionTests : IDisposable
{
    private readonly FleetKeys _fleet = new();
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("sevakiosk-link-");

    public void Dispose()
    {
        _fleet.Dispose();
        _data.Delete(recursive: true);
    }

    [Property(MaxTest = 300)]
    public bool Full_jitter_stays_within_zero_and_the_capped_exponential(PositiveInt attempt, NormalFloat unit)
    {
        var backoff = new FullJitterBackoff(TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(5), () => Math.Abs(unit.Get % 1.0));
        var n = attempt.Get % 80;
        var ceiling = TimeSpan.FromSeconds(Math.Min(300, 2 * Math.Pow(2, n)));
        var delay = backoff.Delay(n);
        return delay >= TimeSpan.Zero && delay <= ceiling && backoff.Ceiling(n) == ceiling;
    }

    [Fact]
    public void Full_jitter_spreads_over_the_whole_interval()
    {
        var random = new Random(7);
        var backoff = new FullJitterBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), random.NextDouble);
        var delays = Enumerable.Range(0, 2000).Select(_ => backoff.Delay(10).TotalSeconds).ToList();
        Assert.InRange(delays.Min(), 0, 3);
        Assert.InRange(delays.Max(), 57, 60);
        Assert.InRange(delays.Average(), 27, 33);
    }

    [Fact]
    public async Task Reconnect_attempts_back_off_exponentially_to_the_cap_in_virtual_time()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = TestAgents.Options("kiosk-bo", "mqtt://127.0.0.1:1", _fleet.PublicPem, _data.FullName);
        options.FirstConnectMaxDelay = TimeSpan.FromSeconds(30);
        options.ReconnectMinDelay = TimeSpan.FromSeconds(1);
        options.ReconnectMaxDelay = TimeSpan.FromSeconds(16);
        var waits = new BlockingCollection<TimeSpan>();
        var attempts = new ConcurrentQueue<TimeSpan>();
        var start = time.GetUtcNow();
        await using var supervisor = new ConnectionSupervisor(options, () => new WillRequest("kiosk/v1/kiosk-bo/status", []), time, unitRandom: () => 0.5);
        supervisor.StateChanged += (_, e) =>
        {
            if (e.State == ConnectionState.Waiting)
            {
                waits.Add(e.Delay);
            }
            else if (e.State == ConnectionState.Connecting)
            {
                attempts.Enqueue(time.GetUtcNow() - start);
            }
        };

        supervisor.Start();
        var observed = new List<TimeSpan>();
        for (var i = 0; i < 8; i++)
        {
            Assert.True(waits.TryTake(out var wait, TimeSpan.FromSeconds(10)), "the supervisor did not wait");
            observed.Add(wait);
            time.Advance(wait);
        }

        // Half of: the 30 s first-connect window, then min(16, 1·2^n).
        Assert.Equal(new[] { 15, 0.5, 1, 2, 4, 8, 8, 8 }.Select(TimeSpan.FromSeconds), observed);
        await Wait.UntilAsync(() => attempts.Count >= 7, TimeSpan.FromSeconds(5), "the attempts");
        Assert.Equal(TimeSpan.FromSeconds(15), attempts.First()); // nothing is tried before the first-connect delay
        Assert.Equal(0, supervisor.Epoch);
    }

    [Fact]
    public async Task A_silent_link_is_declared_dead_by_the_ping_watchdog_and_replaced()
    {
        await using var broker = await EmbeddedBroker.StartAsync();
        await using var proxy = new FreezableProxy(broker.Port);
        var options = TestAgents.Options("kiosk-wd", proxy.Url, _fleet.PublicPem, _data.FullName);
        options.KeepAlive = TimeSpan.FromSeconds(60); // MQTTnet's own keep-alive would take far longer to notice
        options.PingInterval = TimeSpan.FromMilliseconds(300);
        options.PingTimeout = TimeSpan.FromMilliseconds(500);
        await using var agent = new KioskAgent(options, new RecordingTarget());
        var reasons = new ConcurrentQueue<string>();
        agent.ConnectionStateChanged += (_, e) =>
        {
            if (e.State == ConnectionState.Waiting && e.Reason is { } reason)
            {
                reasons.Enqueue(reason);
            }
        };
        agent.Start();
        await Wait.UntilAsync(() => agent.Connection.Epoch == 1, TimeSpan.FromSeconds(10), "the first connection");

        proxy.FreezeCurrent(); // the current connection goes silent; a new one will work
        await Wait.UntilAsync(() => agent.Connection.Epoch == 2 && agent.IsConnected, TimeSpan.FromSeconds(10), "a replacement connection");
        Assert.Contains(reasons, r => r.Contains("ping", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_publish_without_puback_before_its_deadline_declares_the_link_dead_and_the_transaction_is_sent_again()
    {
        await using var broker = await EmbeddedBroker.StartAsync();
        await using var proxy = new FreezableProxy(broker.Port);
        var options = TestAgents.Options("kiosk-pd", proxy.Url, _fleet.PublicPem, _data.FullName);
        options.PingInterval = TimeSpan.FromMinutes(5); // only the publish deadline can notice
        options.PublishDeadline = TimeSpan.FromMilliseconds(500);
        await using var agent = new KioskAgent(options, new RecordingTarget());
        var reasons = new ConcurrentQueue<string>();
        var published = new ConcurrentQueue<string>();
        agent.ConnectionStateChanged += (_, e) =>
        {
            if (e.State == ConnectionState.Waiting && e.Reason is { } reason)
            {
                reasons.Enqueue(reason);
            }
        };
        agent.TransactionPublished += (_, e) => published.Enqueue(e.TxId);
        agent.Start();
        await Wait.UntilAsync(() => agent.Connection.Epoch == 1, TimeSpan.FromSeconds(10), "the first connection");

        proxy.FreezeCurrent();
        agent.EnqueueTransaction(TestAgents.Transaction("kiosk-pd", 1));
        await Wait.UntilAsync(() => published.Contains("kiosk-pd-00000001"), TimeSpan.FromSeconds(10), "the PUBACK on the new connection");
        Assert.Contains(reasons, r => r.Contains("PUBACK", StringComparison.Ordinal));
        Assert.Equal(2, agent.Connection.Epoch);
    }
}
