using SevaKiosk.Protocol.CcTalk;

namespace SevaKiosk.CcTalk.Tests;

public class SettingsTests
{
    [Fact]
    public async Task Inhibit_mask_master_inhibit_and_operating_mode_read_back_what_was_set()
    {
        await using var host = new CcTalkTestHost();

        Assert.Equal(new byte[] { 0x00, 0x00 }, await host.AckAsync(CcTalkHeader.RequestInhibitStatus));
        Assert.Equal(new byte[] { 0x00 }, await host.AckAsync(CcTalkHeader.RequestMasterInhibitStatus));

        await host.AckAsync(CcTalkHeader.ModifyInhibitStatus, CcTalkInhibitMask.FromEnabled([1, 3, 6]).ToBytes());
        await host.AckAsync(CcTalkHeader.ModifyMasterInhibitStatus, 1);
        await host.AckAsync(CcTalkHeader.ModifyBillOperatingMode, (byte)(CcTalkBillOperatingMode.UseStacker | CcTalkBillOperatingMode.UseEscrow));

        Assert.True(CcTalkInhibitMask.TryParse(await host.AckAsync(CcTalkHeader.RequestInhibitStatus), CcTalkInhibitPolarity.OneEnables, out var mask));
        Assert.Equal([1, 3, 6], mask.EnabledTypes());
        Assert.True(CcTalkMasterInhibit.TryParse(await host.AckAsync(CcTalkHeader.RequestMasterInhibitStatus), out var accepting) && accepting);
        Assert.Equal(new byte[] { 0x03 }, await host.AckAsync(CcTalkHeader.RequestBillOperatingMode));
    }

    [Fact]
    public async Task A_bill_is_refused_while_master_inhibit_is_active()
    {
        await using var host = new CcTalkTestHost();
        await host.StartAcceptingAsync(escrow: true);
        await host.AckAsync(CcTalkHeader.ModifyMasterInhibitStatus, 0);

        host.Device.Insert(500);
        var (_, events) = await host.PollEventsAsync();
        Assert.Equal([CcTalkBillEvent.Status(CcTalkBillEventCode.MasterInhibitActive)], events);
    }

    [Fact]
    public async Task An_inhibited_bill_type_is_refused_and_the_others_accepted()
    {
        await using var host = new CcTalkTestHost();
        await host.StartAcceptingAsync(escrow: true);
        await host.AckAsync(CcTalkHeader.ModifyInhibitStatus, CcTalkInhibitMask.FromEnabled([1, 2, 3, 4, 5]).ToBytes());

        host.Device.Insert(500);
        Assert.Equal([CcTalkBillEvent.Status(CcTalkBillEventCode.InhibitedBillOnSerial)], (await host.PollEventsAsync()).NewEvents);
        host.Device.Insert(200);
        Assert.Equal([CcTalkBillEvent.Escrow(5)], (await host.PollEventsAsync()).NewEvents);
    }

    [Fact]
    public async Task Inverted_inhibit_polarity_is_a_device_option()
    {
        await using var host = new CcTalkTestHost(new() { InhibitPolarity = CcTalkInhibitPolarity.OneInhibits });
        await host.AckAsync(CcTalkHeader.ModifyMasterInhibitStatus, 1);
        await host.AckAsync(CcTalkHeader.ModifyBillOperatingMode, 0x03);
        await host.AckAsync(CcTalkHeader.ModifyInhibitStatus, 0xDF, 0xFF); // only type 6 has its bit clear
        await host.PollEventsAsync();

        host.Device.Insert(500);
        Assert.Equal([CcTalkBillEvent.Escrow(6)], (await host.PollEventsAsync()).NewEvents);
    }
}
