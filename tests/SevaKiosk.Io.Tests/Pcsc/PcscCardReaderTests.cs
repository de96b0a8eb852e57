using System.Collections.Concurrent;
using SevaKiosk.Hal.CardReaders;
using SevaKiosk.Hal.CardReaders.Pcsc;
using SevaKiosk.Hal.Devices;
using SevaKiosk.Simulator.Devices.CardReaders.SmartCards;

namespace SevaKiosk.Io.Tests.Pcsc;

/// <summary>The P/Invoke PC/SC reader through a real, private pcscd with the vpcd virtual reader and a simulated card.</summary>
[Collection(PcscCollection.Name)]
public class PcscCardReaderTests(PrivatePcscd pcscd)
{
    private const string CitizenText = "family=RJ-7777777777\ncard=JAN-0099-1234\nname=Kamla Bai";

    [Fact]
    public async Task Lists_the_virtual_reader_reports_insert_and_remove_with_the_atr_and_reads_the_citizen_file()
    {
        await using var reader = new PcscCardReader(new PcscCardReaderOptions { SocketPath = pcscd.SocketPath, Reader = "SevaKiosk Virtual PCD 00 00" });
        var presented = new ConcurrentQueue<PresentedCard>();
        var removed = new ConcurrentQueue<PresentedCard>();
        reader.CardPresented += (_, e) => presented.Enqueue(e.Card);
        reader.CardRemoved += (_, e) => removed.Enqueue(e.Card);
        await reader.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => reader.State == DeviceState.Online && reader.Status.Presence == CardPresence.NoCard, $"the reader with no card (faults: {string.Join(", ", reader.ActiveFaults)}; pcscd: {pcscd.Log})");
        Assert.Equal("SevaKiosk Virtual PCD 00 00", reader.ReaderName);

        var card = new SimulatedCitizenSmartCard(CitizenText);
        await using (await pcscd.InsertAsync(card))
        {
            await Eventually.TrueAsync(() => reader.Status.Card is not null, "the card insertion");
            Assert.Equal(Convert.ToHexString(SimulatedCitizenSmartCard.DefaultAtr), Assert.Single(presented).Atr);
            Assert.Equal(CardType.ContactSmartCard, reader.Status.Card!.Type);

            var citizen = await reader.ReadCitizenCardAsync(CancellationToken.None);
            Assert.Equal(("RJ-7777777777", "JAN-0099-1234", "Kamla Bai", "apdu"), (citizen.FamilyId, citizen.CardId, citizen.HolderName, citizen.Source));
        }

        await Eventually.TrueAsync(() => !removed.IsEmpty, "the card removal");
        Assert.Equal(CardPresence.NoCard, reader.Status.Presence);
        var ex = await Assert.ThrowsAsync<CardReadException>(() => reader.ReadCitizenCardAsync(CancellationToken.None));
        Assert.Equal(CardReadFailure.NoCard, ex.Failure);
    }

    [Fact]
    public async Task Select_answered_61xx_through_pcscd_is_completed_with_get_response()
    {
        await using var reader = await StartReaderAsync();
        var card = new SimulatedCitizenSmartCard(CitizenText);
        var apdus = RecordApdus(card);

        await using (await InsertAsync(card, reader))
        {
            byte[] aid = SimulatedCitizenSmartCard.DefaultAid;

            var select = await reader.TransmitAsync([0x00, 0xA4, 0x04, 0x00, (byte)aid.Length, .. aid, 0x00], CancellationToken.None);
            Assert.True(select.IsSuccess, select.ToString());
            Assert.Equal(0x6F, select.Data[0]);
            Assert.Contains(apdus, a => a.StartsWith("00C00000", StringComparison.Ordinal));
        }

        // The T=0 exchange as the card saw it: SELECT → 61 xx, GET RESPONSE xx → FCI 9000.
        var log = apdus.ToArray();
        var selectLine = Array.FindIndex(log, a => a.StartsWith("00A40400", StringComparison.Ordinal));
        Assert.StartsWith("61", log[selectLine].Split('>')[1], StringComparison.Ordinal);
        Assert.EndsWith("9000", log[selectLine + 1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_binary_with_a_wrong_le_is_resent_with_the_length_the_card_asked_for()
    {
        await using var reader = await StartReaderAsync();
        var card = new SimulatedCitizenSmartCard(CitizenText);
        var apdus = RecordApdus(card);

        await using (await InsertAsync(card, reader))
        {
            await reader.ReadCitizenCardAsync(CancellationToken.None);
        }

        var length = System.Text.Encoding.UTF8.GetByteCount(CitizenText);
        Assert.Contains($"00B0000000>6C{length:X2}", apdus);
        Assert.Contains(apdus, a => a.StartsWith($"00B00000{length:X2}>", StringComparison.Ordinal) && a.EndsWith("9000", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_reader_name_that_matches_nothing_is_an_offline_fault_naming_it()
    {
        await using var reader = new PcscCardReader(new PcscCardReaderOptions { SocketPath = pcscd.SocketPath, Reader = "ACS ACR39U" });

        await reader.StartAsync(CancellationToken.None);

        Assert.Equal(DeviceState.Offline, reader.State);
        var fault = Assert.Single(reader.ActiveFaults);
        Assert.Equal("card-reader.offline", fault.Code);
        Assert.Contains("ACS ACR39U", fault.Message, StringComparison.Ordinal);
        Assert.Contains("SevaKiosk Virtual PCD 00 00", fault.Message, StringComparison.Ordinal);
    }

    private async Task<PcscCardReader> StartReaderAsync()
    {
        var reader = new PcscCardReader(new PcscCardReaderOptions { SocketPath = pcscd.SocketPath, Reader = "Virtual PCD 00 00" });
        await reader.StartAsync(CancellationToken.None);
        return reader;
    }

    private async Task<PrivatePcscd.InsertedCard> InsertAsync(SimulatedCitizenSmartCard card, PcscCardReader reader)
    {
        var inserted = await pcscd.InsertAsync(card);
        await Eventually.TrueAsync(() => reader.Status.Presence == CardPresence.Present, "the card insertion");
        return inserted;
    }

    /// <summary>Every APDU the card answered, as "COMMAND>RESPONSE" in hex.</summary>
    private static ConcurrentQueue<string> RecordApdus(SimulatedCitizenSmartCard card)
    {
        var apdus = new ConcurrentQueue<string>();
        card.EventOccurred += e =>
        {
            if ((string?)e["event"] == "apdu")
            {
                apdus.Enqueue($"{e["command"]}>{e["response"]}");
            }
        };
        return apdus;
    }
}
