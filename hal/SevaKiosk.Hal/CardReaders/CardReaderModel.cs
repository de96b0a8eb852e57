using SevaKiosk.Hal.Devices;

namespace SevaKiosk.Hal.CardReaders;

/// <summary>Card technologies the kiosk tells apart.</summary>
public enum CardType
{
    Unknown,

    /// <summary>MIFARE Classic 1K/4K: sectors protected by keys A/B.</summary>
    MifareClassic,

    /// <summary>MIFARE Ultralight family, NTAG21x (NFC Forum Type 2 tags).</summary>
    MifareUltralight,

    /// <summary>Contact smart card (ISO 7816) in a PC/SC reader.</summary>
    ContactSmartCard,
}

/// <summary>Is a card in the field (or the slot)?</summary>
public enum CardPresence
{
    /// <summary>The reader is not answering, so nobody knows.</summary>
    Unknown,
    NoCard,
    Present,
}

/// <summary>A card the reader sees. <see cref="Uid"/> is upper-case hex; contact cards have their ATR instead.</summary>
public sealed record PresentedCard(string Uid, CardType Type, string Model, DateTimeOffset PresentedAt)
{
    public ushort? Atqa { get; init; }

    public byte? Sak { get; init; }

    /// <summary>Answer-to-reset of a contact card, upper-case hex.</summary>
    public string? Atr { get; init; }
}

/// <summary>Card-reader status: shared device state plus whether, and which, card is present.</summary>
public sealed record CardReaderStatus(DeviceState Device, CardPresence Presence, PresentedCard? Card)
{
    public static CardReaderStatus Initial { get; } = new(DeviceState.Offline, CardPresence.Unknown, null);
}

/// <summary>Read once after the reader identified itself.</summary>
public sealed record CardReaderCapabilities(
    string Model,
    string Firmware,
    string Interface,
    IReadOnlyList<CardType> CardTypes,
    bool ReadsNdef,
    bool ReadsMifareBlocks,
    bool ExchangesApdus);

public sealed class CardEventArgs(PresentedCard card) : EventArgs
{
    public PresentedCard Card { get; } = card;
}

/// <summary>Why a card read produced nothing. Every failure leaves no partial data behind.</summary>
public enum CardReadFailure
{
    /// <summary>No card in the field when the read was asked for.</summary>
    NoCard,

    /// <summary>The card left the field part-way through the read.</summary>
    CardRemoved,

    /// <summary>A configured key did not open a sector.</summary>
    AuthenticationFailed,

    /// <summary>The card answered but holds no data the kiosk understands (not NDEF, no citizen fields).</summary>
    NotACitizenCard,

    /// <summary>The card kept failing to answer although it is still in the field.</summary>
    Unreadable,

    /// <summary>The reader itself is offline.</summary>
    ReaderOffline,
}

/// <summary>A card read that failed cleanly: the caller gets this and no data.</summary>
public sealed class CardReadException : Exception
{
    public CardReadException()
    {
    }

    public CardReadException(string message)
        : base(message)
    {
    }

    public CardReadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CardReadException(CardReadFailure failure, string message)
        : base(message) => Failure = failure;

    public CardReadFailure Failure { get; }
}
