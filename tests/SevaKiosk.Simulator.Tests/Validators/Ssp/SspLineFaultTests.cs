using SevaKiosk.Protocol.Ssp;
using SevaKiosk.Simulator.Devices.Validators.Ssp;

namespace SevaKiosk.Simulator.Tests.Validators.Ssp;

/// <summary>An unplugged cable, a slow unit, an echoing adapter and a noisy line, as a host experiences them.</summary>
public class SspLineFaultTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(150);

    [Fact]
    public async Task Silent_unit_answers_nothing_and_answers_the_retry_once_plugged_back()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();

        sim.Device.Silence();
        Assert.Null(await sim.Host.TrySendAsync([(byte)SspCommand.GetSerialNumber], Quiet));
        sim.Device.Silence(false);

        Assert.Equal(12_345_678u, SspResponses.ParseSerialNumber((await sim.Host.RetransmitAsync()).Data));
    }

    [Fact]
    public async Task Escrowed_note_is_returned_when_the_host_goes_silent_for_ten_seconds()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();
        await sim.NoteInEscrowAsync(500);

        // The host's cable is out: nothing reaches the unit, which keeps its own clock.
        sim.Device.Silence();
        await sim.Host.TrySendAsync([(byte)SspCommand.Hold], Quiet);
        sim.Advance(TimeSpan.FromSeconds(11));
        sim.Device.Silence(false);

        // The host retries its HOLD: too late, nothing is held any more.
        Assert.Equal(SspGenericResponse.CommandCannotBeProcessed, (await sim.Host.RetransmitAsync()).Bare());
        Assert.Equal(["REJECTED"], await sim.Host.PollAsync());
        Assert.Equal(SspRejectReason.EscrowTimeout, sim.Device.Status.LastRejectCode);
    }

    [Fact]
    public async Task Slow_unit_replies_only_after_its_delay_on_the_injected_clock()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();
        sim.Device.SetSlowness(TimeSpan.FromMilliseconds(300));

        Assert.Null(await sim.Host.TrySendAsync([(byte)SspCommand.GetSerialNumber], Quiet));
        sim.Advance(300);

        Assert.True((await sim.Host.TryReadReplyAsync(TimeSpan.FromSeconds(5)))!.IsOk);
    }

    [Fact]
    public async Task Echoing_adapter_sends_the_command_back_before_the_reply()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync();
        sim.Device.SetEcho(true);

        var sent = sim.Host.Build([(byte)SspCommand.Sync], flag: true, encrypt: false);
        await sim.Host.WriteAsync(sent);

        Assert.Equal(sent, await sim.Host.ReadRawAsync(sent.Length));
        Assert.Equal("7F8001F02380", Convert.ToHexString(await sim.Host.ReadRawAsync(6)));
    }

    [Fact]
    public async Task Noisy_line_loses_and_corrupts_packets_but_a_retrying_host_still_sees_each_credit_exactly_once()
    {
        await using var sim = await SspSimulatorHarness.ReadyAsync(new SspValidatorOptions { Seed = 20_240_601 });
        sim.Device.SetNoise(0.03);
        var host = new RetryingHost(sim.Host);
        var events = new List<string>();

        for (var note = 0; note < 5; note++)
        {
            Assert.True(sim.Device.InsertNote(100).Taken);
            for (var poll = 0; poll < 12; poll++)
            {
                events.AddRange(await host.PollAsync());
                sim.Advance(200);
            }
        }

        Assert.Equal(5, events.Count(e => e == "NOTE_CREDIT(4)"));
        Assert.Equal(5, events.Count(e => e == "STACKED"));
        Assert.Equal(5u, sim.Device.Status.Counters.Stacked);
        Assert.True(host.Retries > 0, "the noise should have cost some retries");
        Assert.True(sim.Device.Line.DroppedBytes + sim.Device.Line.CorruptedBytes > 0);
    }

    /// <summary>Retries the same bytes until a good reply arrives: the only thing SSP asks of a host on a bad line.</summary>
    private sealed class RetryingHost(SspTestHost host)
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(60);

        public int Retries { get; private set; }

        public async Task<string[]> PollAsync()
        {
            var reply = await host.TrySendAsync([(byte)SspCommand.Poll], Timeout);
            while (reply is null)
            {
                Retries++;
                Assert.True(Retries < 200, "the host gave up");
                await host.WriteAsync(host.LastSent);
                reply = await host.TryReadReplyAsync(Timeout, host.LastSent[1]);
            }

            return host.Events(reply);
        }
    }
}
