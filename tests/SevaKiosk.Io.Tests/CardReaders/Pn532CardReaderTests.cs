using System.Collections.Concurrent;
using SevaKiosk.Hal.CardReaders;
using SevaKiosk.Hal.CardReaders.Pn532;
using SevaKiosk.Hal.Devices;

namespace SevaKiosk.Io.Tests.CardReaders;

/// <summary>The kiosk's contactless card reader (upstream Pn532 binding inside) against the simulated PN532 on a pty.</summary>
public class Pn532CardReaderTests
{
    private const string Citizen = """{"tap":{"uid":"04A224B1C35E80","type":"ultralight","ndef":"family=RJ-1234567890;card=JAN-0042-7781;name=Sunita Devi"}}""";

    [Fact]
    public async Task Reports_a_presented_card_with_uid_and_type_then_its_removal()
    {
        await using var sim = new SimulatedPn532Harness();
        await using var reader = NewReader(sim);
        var presented = new ConcurrentQueue<PresentedCard>();
        var removed = new ConcurrentQueue<PresentedCard>();
        reader.CardPresented += (_, e) => presented.Enqueue(e.Card);
        reader.CardRemoved += (_, e) => removed.Enqueue(e.Card);
        await StartOnlineAsync(reader);
        Assert.Equal("PN532", reader.Capabilities!.Model);

        sim.Control(Citizen);
        await Eventually.TrueAsync(() => !presented.IsEmpty, "the card to be presented");
        var card = Assert.Single(presented);
        Assert.Equal("04A224B1C35E80", card.Uid);
        Assert.Equal(CardType.MifareUltralight, card.Type);
        Assert.Equal(CardPresence.Present, reader.Status.Presence);

        sim.Control("""{"remove":true}""");
        await Eventually.TrueAsync(() => !removed.IsEmpty, "the card to be removed");
        Assert.Equal("04A224B1C35E80", Assert.Single(removed).Uid);
        Assert.Equal(CardPresence.NoCard, reader.Status.Presence);
        Assert.Single(presented);
    }

    [Fact]
    public async Task Reads_citizen_fields_from_an_ultralight_ndef_text_record()
    {
        await using var sim = new SimulatedPn532Harness();
        await using var reader = NewReader(sim);
        await StartOnlineAsync(reader);
        sim.Control(Citizen);
        await Eventually.TrueAsync(() => reader.Status.Presence == CardPresence.Present, "the card");

        var citizen = await reader.ReadCitizenCardAsync(CancellationToken.None);

        Assert.Equal(new CitizenCard("04A224B1C35E80", CardType.MifareUltralight, "RJ-1234567890", "JAN-0042-7781", "Sunita Devi", "ndef"), citizen);
        Assert.True(citizen.IsComplete);
    }

    [Fact]
    public async Task Reads_citizen_fields_from_a_mifare_classic_via_ndef_and_blocks_with_configured_keys()
    {
        await using var sim = new SimulatedPn532Harness();
        await using var reader = NewReader(sim, new Pn532CardReaderOptions
        {
            Port = sim.PortPath,
            MifareKeys = [new MifareSectorKey(2, "0102030405A6")],
            CitizenBlocks = [8, 9],
            PollInterval = TimeSpan.FromMilliseconds(30),
        });
        await StartOnlineAsync(reader);

        sim.Control("""{"tap":{"uid":"A1B2C3D4","type":"mifare-classic","ndef":["family=RJ-2222","name=Ramesh Kumar Meena"]}}""");
        await Eventually.TrueAsync(() => reader.Status.Card?.Uid == "A1B2C3D4", "the NDEF card");
        var fromNdef = await reader.ReadCitizenCardAsync(CancellationToken.None);
        Assert.Equal(("RJ-2222", "Ramesh Kumar Meena", "ndef", CardType.MifareClassic), (fromNdef.FamilyId, fromNdef.HolderName, fromNdef.Source, fromNdef.Type));

        sim.Control("""{"tap":{"uid":"0A0B0C0D","type":"mifare-classic","blocks":{"8":"text:family=RJ-3333;","9":"text:name=Geeta"},"keys":{"2":{"keyA":"0102030405A6"}}}}""");
        await Eventually.TrueAsync(() => reader.Status.Card?.Uid == "0A0B0C0D", "the block card");
        var fromBlocks = await reader.ReadCitizenCardAsync(CancellationToken.None);
        Assert.Equal(("RJ-3333", "Geeta", "mifare-blocks"), (fromBlocks.FamilyId, fromBlocks.HolderName, fromBlocks.Source));

        var raw = await reader.ReadMifareBlocksAsync([8], CancellationToken.None);
        Assert.Equal("family=RJ-3333;", System.Text.Encoding.UTF8.GetString(raw[8]).TrimEnd('\0'));
    }

    [Fact]
    public async Task A_wrong_configured_key_fails_cleanly_as_an_authentication_error()
    {
        await using var sim = new SimulatedPn532Harness();
        await using var reader = NewReader(sim, new Pn532CardReaderOptions
        {
            Port = sim.PortPath,
            MifareKeys = [new MifareSectorKey(2, "FFFFFFFFFFFF")],
            PollInterval = TimeSpan.FromMilliseconds(30),
        });
        await StartOnlineAsync(reader);
        sim.Control("""{"tap":{"uid":"0A0B0C0D","type":"mifare-classic","keys":{"2":{"keyA":"0102030405A6"}}}}""");
        await Eventually.TrueAsync(() => reader.Status.Presence == CardPresence.Present, "the card");

        var ex = await Assert.ThrowsAsync<CardReadException>(() => reader.ReadMifareBlocksAsync([8], CancellationToken.None));
        Assert.Equal(CardReadFailure.AuthenticationFailed, ex.Failure);
        Assert.Equal(CardPresence.Present, reader.Status.Presence);
    }

    [Fact]
    public async Task Card_removed_mid_read_is_a_clean_error_with_no_partial_data()
    {
        await using var sim = new SimulatedPn532Harness();
        await using var reader = NewReader(sim);
        var removed = new ConcurrentQueue<PresentedCard>();
        reader.CardRemoved += (_, e) => removed.Enqueue(e.Card);
        await StartOnlineAsync(reader);
        var longText = "family=RJ-1234567890;card=JAN-0042-7781;name=" + new string('A', 80);
        sim.Control($$$"""{"tap":{"uid":"04A224B1C35E80","type":"ultralight","ndef":"{{{longText}}}"}}""");
        await Eventually.TrueAsync(() => reader.Status.Presence == CardPresence.Present, "the card");

        // Pull the card away right after the reader read the first 16 bytes of NDEF data (page 4).
        var reads = 0;
        sim.Device.EventOccurred += e =>
        {
            if ((string?)e["event"] == "exchange" && ((string?)e["data"])?.StartsWith("30", StringComparison.Ordinal) == true && Interlocked.Increment(ref reads) == 2)
            {
                sim.Device.Remove();
            }
        };

        var ex = await Assert.ThrowsAsync<CardReadException>(() => reader.ReadCitizenCardAsync(CancellationToken.None));

        Assert.Equal(CardReadFailure.CardRemoved, ex.Failure);
        Assert.Contains("04A224B1C35E80", ex.Message, StringComparison.Ordinal);
        Assert.True(reads >= 2, "the read had started before the card left");
        Assert.Equal("04A224B1C35E80", Assert.Single(removed).Uid);
        Assert.Equal(CardPresence.NoCard, reader.Status.Presence);
    }

    [Fact]
    public async Task A_silent_reader_goes_offline_with_a_fault_and_comes_back_when_it_answers()
    {
        await using var sim = new SimulatedPn532Harness();
        await using var reader = NewReader(sim);
        var raised = new ConcurrentQueue<DeviceFault>();
        reader.FaultRaised += (_, e) => raised.Enqueue(e.Fault);
        await StartOnlineAsync(reader);
        raised.Clear();

        sim.Control("""{"silent":true}""");
        await Eventually.TrueAsync(() => reader.State == DeviceState.Offline, "the reader to go offline");
        var fault = Assert.Single(raised);
        Assert.Equal("card-reader.offline", fault.Code);
        Assert.True(fault.ClearsBySelf);
        var ex = await Assert.ThrowsAsync<CardReadException>(() => reader.ReadCitizenCardAsync(CancellationToken.None));
        Assert.Equal(CardReadFailure.ReaderOffline, ex.Failure);

        sim.Control("""{"silent":false}""");
        await Eventually.TrueAsync(() => reader.State == DeviceState.Online, "the reader to come back");
        Assert.Empty(reader.ActiveFaults);
    }

    [Fact]
    public async Task A_reader_that_never_answers_starts_offline_with_the_port_in_the_fault()
    {
        await using var sim = new SimulatedPn532Harness();
        sim.Control("""{"silent":true}""");
        await using var reader = NewReader(sim);

        await reader.StartAsync(CancellationToken.None);

        Assert.Equal(DeviceState.Offline, reader.State);
        Assert.Contains(sim.PortPath, Assert.Single(reader.ActiveFaults).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_configuration_names_the_key()
    {
        var missing = Assert.Throws<DeviceConfigurationException>(() => new Pn532CardReaderOptions().Validate());
        Assert.Equal("CardReader:Port", missing.Key);

        var unknown = Assert.Throws<DeviceConfigurationException>(() => new Pn532CardReaderOptions { Port = "/dev/serial/by-id/usb-NXP_PN532-if00" }.Validate());
        Assert.Equal("CardReader:Port", unknown.Key);
        Assert.Contains("/dev/serial/by-id/usb-NXP_PN532-if00", unknown.Message, StringComparison.Ordinal);

        var key = Assert.Throws<DeviceConfigurationException>(() =>
            new Pn532CardReaderOptions { Port = "/dev/null", MifareKeys = [new MifareSectorKey(1, "FFFF")] }.Validate());
        Assert.Equal("CardReader:MifareKeys:0:Key", key.Key);

        var trailer = Assert.Throws<DeviceConfigurationException>(() => new Pn532CardReaderOptions { Port = "/dev/null", CitizenBlocks = [4, 7] }.Validate());
        Assert.Equal("CardReader:CitizenBlocks:1", trailer.Key);
    }

    /// <summary>Starts the reader and waits until it is online (a first open can miss the binding's deadlines under load; the driver retries).</summary>
    private static async Task StartOnlineAsync(Pn532CardReader reader)
    {
        await reader.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => reader.State == DeviceState.Online, "the reader to come online");
    }

    private static Pn532CardReader NewReader(SimulatedPn532Harness sim, Pn532CardReaderOptions? options = null) => new(options ?? new Pn532CardReaderOptions
    {
        Port = sim.PortPath,
        PollInterval = TimeSpan.FromMilliseconds(30),
        ReconnectInterval = TimeSpan.FromMilliseconds(100),
    });
}
