using SevaKiosk.Hal.Devices;

namespace SevaKiosk.Hal.CardReaders;

/// <summary>
/// A card reader (contactless PN532, contact PC/SC): reports cards presented and removed, and reads the citizen card
/// fields the kiosk uses. A reader that is absent or silent is <see cref="DeviceState.Offline"/> with a fault while the
/// driver keeps trying to reach it.
/// </summary>
public interface ICardReader : IKioskDevice
{
    /// <summary>Null until the reader has identified itself.</summary>
    CardReaderCapabilities? Capabilities { get; }

    CardReaderStatus Status { get; }

    /// <summary>Raised only when the status record changes.</summary>
    event EventHandler<StatusChangedEventArgs<CardReaderStatus>>? StatusChanged;

    event EventHandler<CardEventArgs>? CardPresented;

    event EventHandler<CardEventArgs>? CardRemoved;

    /// <summary>Starts watching the reader. Completes when the first connection attempt is over (online or not).</summary>
    Task StartAsync(CancellationToken cancellationToken);

    Task StopAsync(CancellationToken cancellationToken);

    /// <summary>Reads the citizen fields of the card in the field, all or nothing.</summary>
    /// <exception cref="CardReadException">No card, card removed mid-read, unreadable or not a citizen card.</exception>
    Task<CitizenCard> ReadCitizenCardAsync(CancellationToken cancellationToken);
}

/// <summary>A contactless reader that can also read raw MIFARE Classic blocks and NDEF text.</summary>
public interface IContactlessCardReader : ICardReader
{
    /// <summary>Reads MIFARE Classic blocks, authenticating each sector with the configured keys. All or nothing.</summary>
    Task<IReadOnlyDictionary<int, byte[]>> ReadMifareBlocksAsync(IReadOnlyList<int> blocks, CancellationToken cancellationToken);

    /// <summary>Reads every NDEF Text record of the card in the field (Ultralight/NTAG, or MIFARE Classic via its MAD).</summary>
    Task<IReadOnlyList<string>> ReadNdefTextAsync(CancellationToken cancellationToken);
}
