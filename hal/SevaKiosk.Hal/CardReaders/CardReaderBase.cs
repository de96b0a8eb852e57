using SevaKiosk.Hal.Devices;

namespace SevaKiosk.Hal.CardReaders;

/// <summary>
/// What every card reader driver shares: its fault set and change-only status, the presented/removed events and the
/// bookkeeping that turns "this card is in the field now" or "the reader stopped answering" into exactly one event
/// each. Drivers add how they talk to their hardware.
/// </summary>
public abstract class CardReaderBase : ICardReader
{
    private readonly FaultSet _faults;
    private readonly StatusCell<CardReaderStatus> _status = new(CardReaderStatus.Initial);

    protected CardReaderBase(string name, TimeProvider time)
    {
        Name = name;
        Time = time;
        _faults = new FaultSet(name, time);
        _status.Changed += (_, e) => StatusChanged?.Invoke(this, e);
        _faults.Raised += (_, e) => FaultRaised?.Invoke(this, e);
        _faults.Cleared += (_, e) => FaultCleared?.Invoke(this, e);
    }

    public event EventHandler<StatusChangedEventArgs<CardReaderStatus>>? StatusChanged;

    public event EventHandler<CardEventArgs>? CardPresented;

    public event EventHandler<CardEventArgs>? CardRemoved;

    public event EventHandler<DeviceFaultEventArgs>? FaultRaised;

    public event EventHandler<DeviceFaultEventArgs>? FaultCleared;

    public string Name { get; }

    public DeviceClass Class => DeviceClass.CardReader;

    public DeviceState State => _status.Current.Device;

    public CardReaderStatus Status => _status.Current;

    public CardReaderCapabilities? Capabilities { get; protected set; }

    public IReadOnlyList<DeviceFault> ActiveFaults => _faults.Active;

    protected TimeProvider Time { get; }

    public abstract Task StartAsync(CancellationToken cancellationToken);

    public abstract Task StopAsync(CancellationToken cancellationToken);

    public abstract Task<CitizenCard> ReadCitizenCardAsync(CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    /// <summary>The reader answers: clears the offline fault; presence becomes "no card" until a card is seen.</summary>
    protected void GoOnline(CardReaderCapabilities capabilities)
    {
        Capabilities = capabilities;
        _faults.Clear(CardReaderFaults.Offline.Code);
        _status.Update(s => s with { Device = DeviceState.Online, Presence = s.Presence == CardPresence.Unknown ? CardPresence.NoCard : s.Presence });
    }

    /// <summary>The reader is absent or silent: raises the offline fault once; a card it had is reported removed.</summary>
    /// <returns>True when the fault is new.</returns>
    protected bool GoOffline(string detail)
    {
        var raised = _faults.Raise(CardReaderFaults.Offline, detail);
        var card = _status.Current.Card;
        _status.Update(s => s with { Device = DeviceState.Offline, Presence = CardPresence.Unknown, Card = null });
        if (card is not null)
        {
            CardRemoved?.Invoke(this, new CardEventArgs(card));
        }

        return raised;
    }

    /// <summary>A card is in the field: raises CardPresented when it is new (and CardRemoved for a card it replaced).</summary>
    protected void CardSeen(PresentedCard card)
    {
        var current = _status.Current.Card;
        if (current is not null && current.Uid == card.Uid && current.Atr == card.Atr)
        {
            return;
        }

        _status.Update(s => s with { Presence = CardPresence.Present, Card = card });
        if (current is not null)
        {
            CardRemoved?.Invoke(this, new CardEventArgs(current));
        }

        CardPresented?.Invoke(this, new CardEventArgs(card));
    }

    /// <summary>The field (or slot) is empty: raises CardRemoved for the card that was there.</summary>
    protected void NoCardSeen()
    {
        var current = _status.Current.Card;
        _status.Update(s => s with { Presence = CardPresence.NoCard, Card = null });
        if (current is not null)
        {
            CardRemoved?.Invoke(this, new CardEventArgs(current));
        }
    }
}
