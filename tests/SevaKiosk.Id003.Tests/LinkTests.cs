using SevaKiosk.Protocol.Id003;
using SevaKiosk.Simulator.Devices.Validators.Id003;

namespace SevaKiosk.Id003.Tests;

/// <summary>The link misbehaving: echoing adapter, silence, slowness, line noise, corrupted host frames.</summary>
public class LinkTests
{
    [Fact]
    public async Task Echoing_adapter_makes_status_request_look_like_idling_unless_the_host_suppresses_it()
    {
        await using var host = Id003TestHost.Start();
        host.Control("""{"echo":true}""");

        // Without suppression the first frame back is our own STATUS REQUEST, which reads as ENABLE (IDLING)...
        var first = await host.StatusAsync();
        Assert.Equal("FC05112756", Convert.ToHexString(first!.Wire));
        Assert.Equal("ENABLE_IDLING", first.Name);

        // ...while the unit is really at POWER UP.
        Assert.Equal("POWER_UP", (await host.ReceiveAsync(TimeSpan.FromMilliseconds(100)))!.Name);

        // With suppression the whole start-up works through the echo, and each echo is seen exactly once.
        host.SuppressEcho = true;
        await host.StartUpAndEnableAsync();
        Assert.True(host.EchoesSuppressed >= 4);
        var reset = Id003FrameWriter.ToArray(Id003Command.Reset);
        Assert.Equal("ACK", (await host.ExchangeAsync(reset, Id003TestHost.DefaultReplyTimeout))!.Name);

        host.Control("""{"echo":false}""");
        host.SuppressEcho = false;
        Assert.Equal("INITIALIZE", (await host.StatusAsync())!.Name);
    }

    [Fact]
    public async Task Silent_unit_answers_nothing_but_keeps_its_own_timers()
    {
        await using var host = Id003TestHost.Start();
        await host.StartUpAndEnableAsync();
        await host.InsertToEscrowAsync(100);

        host.Control("""{"silent":true}""");
        Assert.Null(await host.ExchangeAsync(Id003FrameWriter.ToArray(Id003Command.StatusRequest), TimeSpan.FromMilliseconds(500)));

        // Frames sent into the silence are not heard, so the unpolled-escrow timeout runs out.
        host.Idle(TimeSpan.FromSeconds(3));
        Assert.False((bool)Assert.Single(host.EventsOf("escrow-timeout"))["polled"]!);
        host.Idle(TimeSpan.FromSeconds(1));
        Assert.Single(host.EventsOf("note-returned"));

        host.Control("""{"silent":false}""");
        Assert.Equal("ENABLE_IDLING", (await host.StatusAsync())!.Name);
    }

    [Fact]
    public async Task Reply_comes_after_the_configured_delay_and_slow_adds_to_it()
    {
        await using var host = Id003TestHost.Start(Id003TestHost.TestOptions with { ResponseDelay = TimeSpan.FromMilliseconds(10) });
        var sent = host.Time.GetUtcNow();
        Assert.NotNull(await host.StatusAsync());
        Assert.Equal(10, (host.Time.GetUtcNow() - sent).TotalMilliseconds);

        host.Control("""{"slow":300}""");
        sent = host.Time.GetUtcNow();
        Assert.Null(await host.ExchangeAsync(Id003FrameWriter.ToArray(Id003Command.StatusRequest), TimeSpan.FromMilliseconds(250)));
        var late = await host.ReceiveAsync(TimeSpan.FromMilliseconds(200));
        Assert.Equal("POWER_UP", late!.Name);
        Assert.Equal(310, (host.Time.GetUtcNow() - sent).TotalMilliseconds);

        host.Control("""{"slow":0}""");
        sent = host.Time.GetUtcNow();
        Assert.NotNull(await host.StatusAsync());
        Assert.Equal(10, (host.Time.GetUtcNow() - sent).TotalMilliseconds);
    }

    [Theory]
    [InlineData(Id003CrcErrorReply.CommunicationError, "COMMUNICATION_ERROR")]
    [InlineData(Id003CrcErrorReply.Silence, null)]
    public async Task Host_frame_with_a_bad_crc_gets_the_configured_answer(Id003CrcErrorReply behaviour, string? expected)
    {
        await using var host = Id003TestHost.Start(Id003TestHost.TestOptions with { CrcErrorReply = behaviour });
        var reply = await host.ExchangeAsync(Convert.FromHexString("FC05112757"), Id003TestHost.DefaultReplyTimeout);
        Assert.Equal(expected, reply?.Name);
        Assert.Single(host.EventsOf("communication-error"));
        Assert.Equal("POWER_UP", (await host.StatusAsync())!.Name);
    }

    [Fact]
    public async Task Noise_corrupts_and_drops_bytes_both_ways_yet_every_frame_the_host_accepts_is_genuine()
    {
        await using var host = Id003TestHost.Start(Id003TestHost.TestOptions with { Seed = 7 });
        await host.StartUpAndEnableAsync();
        host.StrictOrdering = false;
        host.ReplyTimeout = TimeSpan.FromMilliseconds(30);
        Assert.Equal(0.02, (double)host.Control("""{"noise":0.02}""")["noise"]!);

        var good = 0;
        var lost = 0;
        var commErrors = 0;
        for (var i = 0; i < 150; i++)
        {
            var reply = await host.StatusAsync();
            switch (reply?.Name)
            {
                case null: lost++; break;
                case "ENABLE_IDLING": good++; break;
                case "COMMUNICATION_ERROR": commErrors++; break;
                default: Assert.Fail($"A corrupted frame was accepted as {reply}"); break;
            }
        }

        // At 2 % per byte about one exchange in five is damaged one way or the other; none is believed.
        Assert.InRange(good, 80, 145);
        Assert.True(lost > 0 && commErrors > 0, $"lost {lost}, communication errors {commErrors}");
        Assert.True(host.CrcErrors + host.GarbageBytes > 0);
        Assert.True(host.Device.Line.DroppedBytes > 0 && host.Device.Line.CorruptedBytes > 0);

        host.Control("""{"noise":0}""");
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal("ENABLE_IDLING", (await host.StatusAsync())!.Name);
        }
    }
}
