using SevaKiosk.Protocol.CcTalk;
using SevaKiosk.Simulator.Devices.Validators.CcTalk;

namespace SevaKiosk.CcTalk.Tests;

public class IdentificationTests
{
    [Fact]
    public async Task Simple_poll_is_answered_with_an_empty_ack_from_address_40()
    {
        await using var host = new CcTalkTestHost();
        var reply = await host.RequestAsync(CcTalkHeader.SimplePoll);

        Assert.True(reply.IsAck);
        Assert.Empty(reply.Data);
        Assert.Equal((byte)40, reply.Source);
    }

    [Fact]
    public async Task Identification_headers_answer_who_the_device_is()
    {
        await using var host = new CcTalkTestHost();

        Assert.Equal("SevaKiosk", CcTalkReply.Ascii(await host.AckAsync(CcTalkHeader.RequestManufacturerId)));
        Assert.Equal("Bill Validator", CcTalkReply.Ascii(await host.AckAsync(CcTalkHeader.RequestEquipmentCategoryId)));
        Assert.Equal("SIM-BV", CcTalkReply.Ascii(await host.AckAsync(CcTalkHeader.RequestProductCode)));
        Assert.Equal("SIM1", CcTalkReply.Ascii(await host.AckAsync(CcTalkHeader.RequestBuildCode)));
        Assert.Equal("SIM-1.0.0", CcTalkReply.Ascii(await host.AckAsync(CcTalkHeader.RequestSoftwareRevision)));
        Assert.True(CcTalkReply.TryParseSerialNumber(await host.AckAsync(CcTalkHeader.RequestSerialNumber), out var serial));
        Assert.Equal(1234567u, serial);
    }

    [Fact]
    public async Task Bill_ids_and_scaling_give_the_rupee_value_of_every_bill_type()
    {
        await using var host = new CcTalkTestHost();
        Assert.True(CcTalkScalingFactor.TryParse(await host.AckAsync(CcTalkHeader.RequestCountryScalingFactor, "IN"u8.ToArray()), out var scaling));

        var values = new List<decimal>();
        for (byte type = 1; type <= 6; type++)
        {
            Assert.True(CcTalkBillId.TryParse(await host.AckAsync(CcTalkHeader.RequestBillId, type), out var id));
            Assert.Equal("IN", id!.Country);
            values.Add(scaling.ValueOf(id.ValueCode));
        }

        Assert.Equal([10m, 20m, 50m, 100m, 200m, 500m], values);
        Assert.Equal("IN0500A", CcTalkReply.Ascii(await host.AckAsync(CcTalkHeader.RequestBillId, 6)));
        Assert.Equal(CcTalkBillId.Unprogrammed, CcTalkReply.Ascii(await host.AckAsync(CcTalkHeader.RequestBillId, 7)));
    }

    [Fact]
    public async Task The_2000_rupee_note_is_an_option()
    {
        await using var host = new CcTalkTestHost(new CcTalkValidatorOptions { Bills = CcTalkValidatorOptions.IndianRupeeBills(include2000: true) });
        Assert.Equal("IN2000A", CcTalkReply.Ascii(await host.AckAsync(CcTalkHeader.RequestBillId, 7)));
    }

    [Fact]
    public async Task An_unknown_country_has_a_zero_scaling_factor()
    {
        await using var host = new CcTalkTestHost();
        Assert.True(CcTalkScalingFactor.TryParse(await host.AckAsync(CcTalkHeader.RequestCountryScalingFactor, "EU"u8.ToArray()), out var scaling));
        Assert.False(scaling.IsSupported);
    }

    [Fact]
    public async Task Unknown_headers_and_malformed_data_get_a_nak()
    {
        await using var host = new CcTalkTestHost();

        Assert.Equal(CcTalkReplyKind.Nak, CcTalkReply.Classify((await host.RequestAsync(CcTalkHeader.RequestEncryptionSupport)).Header));
        Assert.Equal(CcTalkReplyKind.Nak, CcTalkReply.Classify((await host.RequestAsync(CcTalkHeader.ModifyInhibitStatus, 0xFF)).Header));
        Assert.Equal(CcTalkReplyKind.Nak, CcTalkReply.Classify((await host.RequestAsync(CcTalkHeader.RouteBill, 7)).Header));
        Assert.Equal(CcTalkReplyKind.Nak, CcTalkReply.Classify((await host.RequestAsync(CcTalkHeader.RequestBillId)).Header));
        Assert.Contains(host.Events, e => (string?)e["event"] == "nak" && (string?)e["name"] == "REQUEST_ENCRYPTION_SUPPORT");
    }
}
