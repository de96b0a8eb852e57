using System.Text;
using SevaKiosk.Hal.Devices;

namespace SevaKiosk.Hal.CardReaders.Pcsc;

/// <summary>
/// Contact smart-card reader through pcscd (pcsc-lite) by P/Invoke. A dedicated thread waits in SCardGetStatusChange
/// for insertions and removals; reads use their own short-lived PC/SC context (pcsc-lite serialises calls on one
/// context, and the watcher's is blocked in its wait). Citizen cards carry the same text as contactless ones, in a
/// transparent file of the citizen application: SELECT by AID, then READ BINARY, with 61xx/6Cxx handled by
/// <see cref="ApduTransport"/>. The card's ATR stands in for a UID (contact cards have none).
/// </summary>
public sealed class PcscCardReader : CardReaderBase
{
    private readonly PcscCardReaderOptions _options;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _firstAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly byte[] _aid;
    private PcscContext? _watcher;
    private Task? _worker;
    private string? _reader;

    public PcscCardReader(PcscCardReaderOptions options, TimeProvider? time = null)
        : base(Validated(options).Name, time ?? TimeProvider.System)
    {
        _options = options;
        _aid = Convert.FromHexString(options.CitizenAid);
        if (options.SocketPath is not null)
        {
            PcscContext.UseSocket(options.SocketPath);
        }
    }

    /// <summary>The reader in use, once found.</summary>
    public string? ReaderName => Volatile.Read(ref _reader);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _worker ??= Task.Factory.StartNew(Run, _stop.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return _firstAttempt.Task.WaitAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_worker is null)
        {
            return;
        }

        // SCardCancel interrupts only a wait already in progress. The watcher may be between its stop check and
        // SCardGetStatusChange (an endless wait), so cancel again until it has left; one cancel could be lost and
        // leave the stop hanging for as long as pcscd runs (the PC/SC tests caught it under load).
        while (!_worker.IsCompleted)
        {
            _watcher?.Cancel();
            await Task.WhenAny(_worker, Task.Delay(TimeSpan.FromMilliseconds(100), Time, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }

        await _worker.ConfigureAwait(false);
    }

    public override async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stop.Dispose();
    }

    /// <summary>One APDU exchange with the card in the reader, 61xx/6Cxx handled.</summary>
    public Task<ApduResponse> TransmitAsync(byte[] command, CancellationToken cancellationToken) =>
        Task.Run(() => WithCard(card => ApduTransport.Exchange(card.Transmit, command)), cancellationToken);

    public override Task<CitizenCard> ReadCitizenCardAsync(CancellationToken cancellationToken) =>
        Task.Run(ReadCitizenCard, cancellationToken);

    private CitizenCard ReadCitizenCard()
    {
        var (atr, text) = WithCard(card =>
        {
            var select = ApduTransport.Exchange(card.Transmit, [0x00, 0xA4, 0x04, 0x00, (byte)_aid.Length, .. _aid, 0x00]);
            if (!select.IsSuccess)
            {
                throw new CardReadException(CardReadFailure.NotACitizenCard, $"The card has no citizen application (SELECT answered {select.StatusWord:X4}).");
            }

            var data = new List<byte>();
            while (data.Count <= 0x7FFF)
            {
                var offset = data.Count;
                var read = ApduTransport.Exchange(card.Transmit, [0x00, 0xB0, (byte)(offset >> 8), (byte)offset, 0x00]);
                if (read.Sw1 == 0x6B || (read.IsSuccess && read.Data.Length == 0))
                {
                    break;
                }

                if (!read.IsSuccess)
                {
                    throw new CardReadException(CardReadFailure.Unreadable, $"READ BINARY at {offset} answered {read.StatusWord:X4}.");
                }

                data.AddRange(read.Data);
                if (read.Data.Length < 256)
                {
                    break;
                }
            }

            return (card.Atr, Encoding.UTF8.GetString([.. data]));
        });

        var (family, cardId, name) = CitizenCardText.Parse([text]);
        if (family is null && cardId is null && name is null)
        {
            throw new CardReadException(CardReadFailure.NotACitizenCard, "The citizen file holds no citizen fields (family, card, name).");
        }

        return new CitizenCard(Convert.ToHexString(atr), CardType.ContactSmartCard, family, cardId, name, "apdu");
    }

    /// <summary>Connects to the card for one operation; PC/SC errors become <see cref="CardReadException"/>s.</summary>
    private T WithCard<T>(Func<PcscCard, T> operation)
    {
        var reader = ReaderName ?? throw new CardReadException(CardReadFailure.ReaderOffline, "No PC/SC reader found.");
        try
        {
            using var context = PcscContext.Establish();
            using var card = context.Connect(reader);
            return operation(card);
        }
        catch (PcscException ex) when (ex.Code is PcscException.NoSmartCard)
        {
            throw new CardReadException(CardReadFailure.NoCard, "No card in the reader.");
        }
        catch (PcscException ex) when (ex.CardGone)
        {
            throw new CardReadException(CardReadFailure.CardRemoved, $"The card was removed during the read; nothing was read ({ex.Message}).");
        }
        catch (PcscException ex) when (ex.ServiceGone)
        {
            throw new CardReadException(CardReadFailure.ReaderOffline, ex.Message);
        }
        catch (PcscException ex)
        {
            // SCARD_E_NOT_TRANSACTED and the like: the exchange broke down; nothing partial is returned.
            throw new CardReadException(CardReadFailure.Unreadable, $"The card exchange failed; nothing was read ({ex.Message}).");
        }
    }

    private void Run()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    Watch();
                }
                catch (PcscException ex) when (ex.Code == PcscException.Cancelled && _stop.IsCancellationRequested)
                {
                    return;
                }
                catch (PcscException ex)
                {
                    _ = GoOffline(ex.Message);
                }
                finally
                {
                    _watcher?.Dispose();
                    _watcher = null;
                    _firstAttempt.TrySetResult();
                }

                if (!_stop.IsCancellationRequested)
                {
                    Task.Delay(_options.ReconnectInterval, Time, _stop.Token).ContinueWith(_ => { }, TaskScheduler.Default).Wait();
                }
            }
        }
        finally
        {
            _firstAttempt.TrySetResult();
        }
    }

    private void Watch()
    {
        _watcher = PcscContext.Establish();
        var readers = _watcher.ListReaders();
        var reader = _options.Reader is null
            ? (readers.Count > 0 ? readers[0] : null)
            : readers.FirstOrDefault(r => r == _options.Reader) ?? readers.FirstOrDefault(r => r.Contains(_options.Reader, StringComparison.OrdinalIgnoreCase));
        if (reader is null)
        {
            _ = GoOffline(_options.Reader is null ? "pcscd lists no reader" : $"no reader matching \"{_options.Reader}\" (pcscd lists: {string.Join(", ", readers)})");
            return;
        }

        Volatile.Write(ref _reader, reader);
        GoOnline(new CardReaderCapabilities(reader, "pcsc-lite", "PC/SC", [CardType.ContactSmartCard], ReadsNdef: false, ReadsMifareBlocks: false, ExchangesApdus: true));

        PcscReaderState? known = null;
        while (!_stop.IsCancellationRequested)
        {
            var state = _watcher.WaitForChange(reader, known, timeout: null);
            if (state is not { } s)
            {
                continue;
            }

            known = s;
            if (s.Unavailable)
            {
                _ = GoOffline($"reader {reader} unavailable");
                return;
            }

            Apply(s);
            _firstAttempt.TrySetResult();
        }
    }

    private void Apply(PcscReaderState state)
    {
        if (!state.Present)
        {
            NoCardSeen();
            return;
        }

        if (state.Mute || state.Atr.Length == 0)
        {
            // In the slot but not (yet) answering a reset: pcscd reports this while it powers the card up. Not a removal.
            return;
        }

        var atr = Convert.ToHexString(state.Atr);
        CardSeen(new PresentedCard(atr, CardType.ContactSmartCard, "ISO 7816 contact card", Time.GetUtcNow()) { Atr = atr });
    }

    private static PcscCardReaderOptions Validated(PcscCardReaderOptions options)
    {
        options.Validate();
        return options;
    }
}
