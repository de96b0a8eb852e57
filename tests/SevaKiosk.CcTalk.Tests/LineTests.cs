using System.Text.Json.Nodes;
using SevaKiosk.Protocol.CcTalk;
using SevaKiosk.Simulator.Devices.Validators.CcTalk;

namespace SevaKiosk.CcTalk.Tests;

/// <summary>What the host sees on the wire: echo, checksum modes, silence, slowness, noise, broken frames.</summary>
public class LineTests
{
    [Fact]
    public async Task With_echo_the_host_reads_its_own_frame_then_the_reply_byte_for_byte()
    {
        await using var host = new CcTalkTestHost();
        await host.WriteRawAsync(Convert.FromHexString("2800 01FE D9".Replace(" ", "", StringComparison.Ordinal)));

        Assert.Equal(Convert.FromHexString("280001FED9" + "01002800D7"), await host.ReadRawAsync(10));
    }

    [Fact]
    public async Task Without_echo_the_reply_comes_first()
    {
        await using var host = new CcTalkTestHost(new CcTalkValidatorOptions { Echo = false });
        await host.WriteRawAsync(Convert.FromHexString("280001FED9"));
        Assert.Equal(Convert.FromHexString("01002800D7"), await host.ReadRawAsync(5));

        host.Device.Echo = true;
        await host.WriteRawAsync(Convert.FromHexString("280001FED9"));
        Assert.Equal(Convert.FromHexString("280001FED9"), await host.ReadRawAsync(5));
    }

    [Fact]
    public async Task Crc_mode_answers_the_verified_crc_frames()
    {
        // Simple poll to 40 in CRC mode and the 4G-verified ACK to host 1 (CRC 0x3730).
        await using var host = new CcTalkTestHost(new CcTalkValidatorOptions { ChecksumMode = CcTalkChecksumMode.Crc16 });
        await host.WriteRawAsync(Convert.FromHexString("2800B6FE21"));

        Assert.Equal(Convert.FromHexString("2800B6FE21" + "0100300037"), await host.ReadRawAsync(10));
    }

    [Fact]
    public async Task Crc_mode_carries_a_whole_escrow_and_credit_exchange()
    {
        await using var host = new CcTalkTestHost(new CcTalkValidatorOptions { ChecksumMode = CcTalkChecksumMode.Crc16 });
        await host.StartAcceptingAsync(escrow: true);
        host.Device.Insert(100);
        Assert.Equal([CcTalkBillEvent.Escrow(4)], (await host.PollEventsAsync()).NewEvents);
        await host.AckAsync(CcTalkHeader.RouteBill, (byte)CcTalkRouteCode.Stack);
        host.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([CcTalkBillEvent.Credit(4)], (await host.PollEventsAsync()).NewEvents);
    }

    [Fact]
    public async Task A_device_in_simple_mode_ignores_crc_frames_and_the_other_way_round()
    {
        await using var host = new CcTalkTestHost();
        await host.WriteRawAsync(Convert.FromHexString("2800B6FE21"));
        Assert.Equal(Convert.FromHexString("2800B6FE21"), await host.ReadRawAsync(5));

        // The next good frame is answered, and it is the first reply on the line.
        Assert.True((await host.RequestAsync(CcTalkHeader.SimplePoll)).IsAck);
    }

    [Fact]
    public async Task A_silent_device_neither_answers_nor_acts_but_the_wire_still_echoes()
    {
        await using var host = new CcTalkTestHost();
        host.Device.Silent = true;
        await host.WriteRawAsync(host.Frame((byte)CcTalkHeader.ModifyMasterInhibitStatus, [1]));
        Assert.Equal(host.Frame((byte)CcTalkHeader.ModifyMasterInhibitStatus, [1]), await host.ReadRawAsync(6));

        host.Device.Silent = false;
        var reply = await host.RequestAsync(CcTalkHeader.RequestMasterInhibitStatus);
        Assert.Equal(new byte[] { 0x00 }, reply.Data);
    }

    [Fact]
    public async Task A_slow_device_answers_only_after_its_delay_in_virtual_time()
    {
        await using var host = new CcTalkTestHost();
        host.Device.ReplyDelay = TimeSpan.FromMilliseconds(300);
        await host.WriteRawAsync(Convert.FromHexString("280001FED9"));
        Assert.Equal(Convert.FromHexString("280001FED9"), await host.ReadRawAsync(5));

        var reply = host.ReadRawAsync(5);
        await Task.Delay(100);
        Assert.False(reply.IsCompleted);
        host.Time.Advance(TimeSpan.FromMilliseconds(300));
        Assert.Equal(Convert.FromHexString("01002800D7"), await reply);
    }

    [Fact]
    public async Task A_frame_whose_bytes_stop_coming_is_dropped_after_the_inter_byte_timeout()
    {
        await using var host = new CcTalkTestHost();
        await host.WriteRawAsync(Convert.FromHexString("280101"));
        Assert.Equal(Convert.FromHexString("280101"), await host.ReadRawAsync(3));

        host.Time.Advance(TimeSpan.FromMilliseconds(60));
        Assert.True((await host.RequestAsync(CcTalkHeader.SimplePoll)).IsAck);
    }

    [Fact]
    public async Task With_line_noise_the_host_detects_every_damaged_exchange_and_retries_to_the_right_answers()
    {
        await using var host = new CcTalkTestHost(new CcTalkValidatorOptions { NoiseSeed = 7 });
        host.Device.Noise = 0.02;
        var damaged = 0;
        for (var i = 0; i < 60; i++)
        {
            CcTalkTestReply? reply;
            while ((reply = await host.ExchangeAsync((byte)CcTalkHeader.RequestBillId, [6], TimeSpan.FromMilliseconds(150))) is null)
            {
                damaged++;
            }

            // Any frame the reader accepts carries the true answer: noise never turns into a wrong bill id.
            Assert.Equal("IN0500A", reply.Ascii);
        }

        Assert.True(damaged + host.EchoMismatches > 0, "the noise never hit the line");
    }

    [Fact]
    public async Task Json_controls_map_onto_the_device()
    {
        await using var host = new CcTalkTestHost();
        await host.StartAcceptingAsync(escrow: true);

        Assert.Equal("escrow", (string?)Apply(host, """{"insert":500}""")["outcome"]);
        Assert.False((bool)Apply(host, """{"insert":100}""")["ok"]!);
        Assert.Equal([CcTalkBillEvent.Escrow(6)], (await host.PollEventsAsync()).NewEvents);
        await host.AckAsync(CcTalkHeader.RouteBill, (byte)CcTalkRouteCode.Return);
        host.Time.Advance(TimeSpan.FromSeconds(1));
        Apply(host, """{"insert":500,"reject":"counterfeit"}""");
        Apply(host, """{"insert":500,"reject":"fraud"}""");
        Apply(host, """{"jam":"unsafe"}""");
        Apply(host, """{"cashbox":"removed"}""");
        Assert.Equal(
            [
                CcTalkBillEvent.Status(CcTalkBillEventCode.BillReturnedFromEscrow),
                CcTalkBillEvent.Status(CcTalkBillEventCode.InvalidBillValidationFail),
                CcTalkBillEvent.Status(CcTalkBillEventCode.BillPulledBackwards),
                CcTalkBillEvent.Status(CcTalkBillEventCode.BillJammedInTransportUnsafe),
                CcTalkBillEvent.Status(CcTalkBillEventCode.StackerRemoved),
            ],
            (await host.PollEventsAsync()).NewEvents);

        Apply(host, """{"burst":7}""");
        Assert.Equal(CcTalkCounterOutcome.EventsLost, (await host.PollEventsAsync()).Step.Outcome);
        Apply(host, """{"power":"cycle"}""");
        Assert.Equal(CcTalkCounterOutcome.DeviceReset, (await host.PollEventsAsync()).Step.Outcome);

        Apply(host, """{"silent":true}""");
        Apply(host, """{"slow":250}""");
        Apply(host, """{"noise":0.001}""");
        Apply(host, """{"echo":false}""");
        var status = Apply(host, """{"status":true}""");
        Assert.Equal((true, 250.0, 0.001, false, "removed", "unsafe"),
            ((bool)status["silent"]!, (double)status["slowMs"]!, (double)status["noise"]!, (bool)status["echo"]!, (string?)status["cashbox"], (string?)status["jam"]));

        foreach (var bad in new[] { """{"insert":"x"}""", """{"jam":"sideways"}""", """{"noise":2}""", """{"burst":1.5}""", """{"insert":500,"slow":1}""", """{"fly":true}""", "[1]" })
        {
            Assert.False((bool)Apply(host, bad)["ok"]!);
        }
    }

    private static JsonObject Apply(CcTalkTestHost host, string line) => Simulator.Control.DeviceControlSession.Apply(host.Device, line);
}
