using SevaKiosk.Hal.CardReaders.Pcsc;
using SevaKiosk.Simulator.Devices.CardReaders.SmartCards;

namespace SevaKiosk.Io.Tests.Pcsc;

/// <summary>Status-word handling against the simulated card's APDU logic directly (no pcscd).</summary>
public class ApduTransportTests
{
    [Fact]
    public void Select_answered_61xx_is_completed_with_get_response()
    {
        var card = new SimulatedCitizenSmartCard("name=Asha");
        var sent = new List<string>();
        byte[] Transmit(byte[] apdu)
        {
            sent.Add(Convert.ToHexString(apdu));
            return card.Handle(apdu)!;
        }

        byte[] aid = SimulatedCitizenSmartCard.DefaultAid;
        var response = ApduTransport.Exchange(Transmit, [0x00, 0xA4, 0x04, 0x00, (byte)aid.Length, .. aid, 0x00]);

        Assert.True(response.IsSuccess);
        Assert.Equal(0x6F, response.Data[0]);
        Assert.Equal(2, sent.Count);
        Assert.StartsWith("00C00000", sent[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_le_answered_6cxx_is_resent_with_the_corrected_le()
    {
        var card = new SimulatedCitizenSmartCard("family=RJ-1;name=Asha");
        byte[] aid = SimulatedCitizenSmartCard.DefaultAid;
        ApduTransport.Exchange(c => card.Handle(c)!, [0x00, 0xA4, 0x04, 0x00, (byte)aid.Length, .. aid, 0x00]);
        var sent = new List<string>();

        var response = ApduTransport.Exchange(c => { sent.Add(Convert.ToHexString(c)); return card.Handle(c)!; }, [0x00, 0xB0, 0x00, 0x00, 0x00]);

        Assert.Equal("family=RJ-1;name=Asha", System.Text.Encoding.UTF8.GetString(response.Data));
        Assert.Equal(["00B0000000", "00B0000015"], sent);
    }

    [Fact]
    public void A_response_without_a_status_word_is_an_error_not_data()
    {
        Assert.Throws<InvalidDataException>(() => ApduTransport.Exchange(_ => [0x90], [0x00, 0xB0, 0x00, 0x00, 0x00]));
    }
}
