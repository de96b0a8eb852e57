using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Iot.Device.Card.Mifare;
using Iot.Device.Card.Ultralight;
using Iot.Device.Ndef;
using Iot.Device.Pn532.ListPassive;
using Iot.Device.Pn532.RfConfiguration;
using Iot.Device.Rfid;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SevaKiosk.Hal.Devices;
using Binding = Iot.Device.Pn532.Pn532;

namespace SevaKiosk.Hal.CardReaders.Pn532;

/// <summary>
/// Contactless card reader on a PN532 in HSU (serial) mode, through the upstream <c>Iot.Device.Pn532</c> binding.
/// </summary>
/// <remarks>
/// The binding is synchronous and not thread-safe, and it waits on the chip with sleeps, so everything that touches it
/// runs on one dedicated thread: polling the field, the read requests callers queue, and reconnecting. A poll that finds
/// no card is followed by ReadGPIO as a heartbeat, because the binding's ListPassiveTarget answers "no card" and "no
/// reader" the same way. Reads are all or nothing: when one fails the field is polled again, and a card that is gone (or
/// is another card) ends the read with <see cref="CardReadFailure.CardRemoved"/> and no data.
/// </remarks>
public sealed class Pn532CardReader : CardReaderBase, IContactlessCardReader
{
    private const int FailedHeartbeatsBeforeOffline = 3;

    private readonly Pn532CardReaderOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentQueue<Action> _requests = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _firstAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _worker;
    private Binding? _pn532;
    private Data106kbpsTypeA? _target;
    private int _failedHeartbeats;
    private bool _lastFailureWasAuthentication;

    public Pn532CardReader(Pn532CardReaderOptions options, TimeProvider? time = null, ILogger<Pn532CardReader>? logger = null)
        : base(Validated(options).Name, time ?? TimeProvider.System)
    {
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _worker ??= Task.Factory.StartNew(Run, _stop.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return _firstAttempt.Task.WaitAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        Wake();
        if (_worker is not null)
        {
            await _worker.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stop.Dispose();
    }

    public override Task<CitizenCard> ReadCitizenCardAsync(CancellationToken cancellationToken) =>
        Enqueue(ReadCitizenCard, cancellationToken);

    public Task<IReadOnlyList<string>> ReadNdefTextAsync(CancellationToken cancellationToken) =>
        Enqueue<IReadOnlyList<string>>(() => ReadWithRetry("NDEF text", TryReadNdefTexts), cancellationToken);

    public Task<IReadOnlyDictionary<int, byte[]>> ReadMifareBlocksAsync(IReadOnlyList<int> blocks, CancellationToken cancellationToken) =>
        Enqueue<IReadOnlyDictionary<int, byte[]>>(() => ReadWithRetry("MIFARE blocks", (pn532, target) => TryReadBlocks(pn532, target, blocks)), cancellationToken);

    /// <summary>Queues <paramref name="read"/> for the reader thread; its result or exception completes the task.</summary>
    private Task<T> Enqueue<T>(Func<T> read, CancellationToken cancellationToken)
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _requests.Enqueue(() =>
        {
            if (cancellationToken.IsCancellationRequested)
            {
                completion.TrySetCanceled(cancellationToken);
                return;
            }

            try
            {
                completion.TrySetResult(read());
            }
            catch (Exception ex)
            {
                completion.TrySetException(ex);
            }
        });
        Wake();
        return completion.Task.WaitAsync(cancellationToken);
    }

    private void Wake() => Interlocked.Exchange(ref _wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    private void Run()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var wake = Volatile.Read(ref _wake).Task;
                if (_pn532 is null && !TryConnect())
                {
                    FailPendingRequests();
                    Sleep(_options.ReconnectInterval, wake);
                    continue;
                }

                if (_requests.TryDequeue(out var request))
                {
                    request();
                    continue;
                }

                Poll();
                Sleep(_options.PollInterval, wake);
            }
        }
        finally
        {
            _firstAttempt.TrySetResult();
            Disconnect();
            FailPendingRequests();
        }
    }

    private void Sleep(TimeSpan interval, Task wake)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        var delay = Task.Delay(interval, Time, cancel.Token);
        Task.WaitAny(delay, wake);
        cancel.Cancel();
    }

    private bool TryConnect()
    {
        try
        {
            var pn532 = Open(_options.Port!);

            // Finite passive-activation retries: the power-on default (0xFF) makes InListPassiveTarget wait for a card.
            pn532.SetMaxRetriesInitialization(new MaxRetriesMode { MaxRetryPassiveActivation = 1 });
            _pn532 = pn532;
            _failedHeartbeats = 0;
            var firmware = pn532.FirmwareVersion;
            GoOnline(new CardReaderCapabilities(
                "PN532",
                firmware is null ? "unknown" : string.Create(CultureInfo.InvariantCulture, $"{firmware.Version} (IC 0x{firmware.IdentificationCode:X2})"),
                $"HSU {_options.Port}",
                [CardType.MifareClassic, CardType.MifareUltralight],
                ReadsNdef: true,
                ReadsMifareBlocks: true,
                ExchangesApdus: false));
            if (_logger.IsEnabled(LogLevel.Information))
            {
                _logger.LogInformation("PN532 on {Port} online, firmware {Firmware}", _options.Port, Capabilities!.Firmware);
            }
            return true;
        }
        catch (Exception ex)
        {
            DisconnectAndGoOffline(ex is IOException or UnauthorizedAccessException ? $"{_options.Port}: {ex.Message}" : $"no PN532 answers on {_options.Port}");
            return false;
        }
        finally
        {
            _firstAttempt.TrySetResult();
        }
    }

    /// <summary>
    /// The binding gives the chip 5 ms to answer its wake-up sequence; a slower answer shifts the replies that follow
    /// and fails its version check, so opening is tried a few times before the reader counts as absent.
    /// </summary>
    private static Binding Open(string port)
    {
        if (!File.Exists(port))
        {
            throw new FileNotFoundException($"Port {port} does not exist (unplugged?).", port);
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return new Binding(port);
            }
            catch (Exception) when (attempt < 3)
            {
                Thread.Sleep(20);
            }
        }
    }

    private void Disconnect()
    {
        try
        {
            _pn532?.Dispose();
        }
        catch (IOException)
        {
            // The port may already be gone.
        }

        _pn532 = null;
        _target = null;
    }

    private void DisconnectAndGoOffline(string detail)
    {
        Disconnect();
        if (base.GoOffline(detail))
        {
            _logger.LogWarning("Card reader offline: {Detail}", detail);
        }
    }

    /// <summary>Runs queued requests while no binding is open, so each fails with <see cref="CardReadFailure.ReaderOffline"/>.</summary>
    private void FailPendingRequests()
    {
        while (_pn532 is null && _requests.TryDequeue(out var request))
        {
            request();
        }
    }

    private void Poll()
    {
        var listed = List();
        if (listed is not null)
        {
            _failedHeartbeats = 0;
            OnCardSeen(listed);
            return;
        }

        if (!Heartbeat())
        {
            if (++_failedHeartbeats >= FailedHeartbeatsBeforeOffline)
            {
                DisconnectAndGoOffline($"no answer from the PN532 on {_options.Port}");
            }

            return;
        }

        _failedHeartbeats = 0;
        OnNoCard();
    }

    private Data106kbpsTypeA? List()
    {
        try
        {
            var raw = _pn532!.ListPassiveTarget(MaxTarget.One, TargetBaudRate.B106kbpsTypeA);
            return raw is { Length: > 1 } ? _pn532.TryDecode106kbpsTypeA(raw.AsSpan(1)) : null;
        }
        catch (Exception ex) when (ex is TimeoutException or IOException or InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }

    private bool Heartbeat()
    {
        try
        {
            return _pn532!.ReadGpio(out _, out _, out _);
        }
        catch (Exception ex) when (ex is TimeoutException or IOException or InvalidOperationException)
        {
            return false;
        }
    }

    private void OnCardSeen(Data106kbpsTypeA target)
    {
        _target = target;
        var uid = Convert.ToHexString(target.NfcId);
        if (Status.Card?.Uid == uid)
        {
            return;
        }

        var (type, model) = Identify(target);
        CardSeen(new PresentedCard(uid, type, model, Time.GetUtcNow()) { Atqa = target.Atqa, Sak = target.Sak });
    }

    private void OnNoCard()
    {
        _target = null;
        NoCardSeen();
    }

    private static (CardType Type, string Model) Identify(Data106kbpsTypeA target)
    {
        if (UltralightCard.IsUltralightCard(target.Atqa, target.Sak))
        {
            return (CardType.MifareUltralight, "MIFARE Ultralight / NTAG");
        }

        return target.Sak switch
        {
            0x08 => (CardType.MifareClassic, "MIFARE Classic 1K"),
            0x18 => (CardType.MifareClassic, "MIFARE Classic 4K"),
            0x09 => (CardType.MifareClassic, "MIFARE Mini"),
            _ => (CardType.Unknown, string.Create(CultureInfo.InvariantCulture, $"ISO 14443-A (ATQA {target.Atqa:X4}, SAK {target.Sak:X2})")),
        };
    }

    private CitizenCard ReadCitizenCard()
    {
        var read = ReadWithRetry("citizen card", TryReadCitizenTexts);
        var (family, cardId, name) = CitizenCardText.Parse(read.Texts);
        var card = Status.Card!;
        if (family is null && cardId is null && name is null)
        {
            throw new CardReadException(CardReadFailure.NotACitizenCard, $"Card {card.Uid} holds no citizen fields (family, card, name).");
        }

        return new CitizenCard(card.Uid, card.Type, family, cardId, name, read.Source);
    }

    private CitizenTexts? TryReadCitizenTexts(Binding pn532, Data106kbpsTypeA target)
    {
        var ndef = TryReadNdefTexts(pn532, target);
        if (ndef is not null)
        {
            return new CitizenTexts(ndef, "ndef");
        }

        if (_options.CitizenBlocks.Count == 0 || !IsClassic(target))
        {
            return null;
        }

        // A failed MAD authentication halts a MIFARE Classic; select it again before using the configured keys.
        if (!pn532.ReselectTarget(target.TargetNumber))
        {
            return null;
        }

        var blocks = TryReadBlocks(pn532, target, _options.CitizenBlocks);
        if (blocks is null)
        {
            return null;
        }

        // Blocks are zero-padded: a run of zeros ends a field, a full block runs on into the next one.
        var text = Encoding.UTF8.GetString(_options.CitizenBlocks.SelectMany(b => blocks[b]).ToArray()).Replace('\0', '\n');
        return new CitizenTexts([text], "mifare-blocks");
    }

    private static List<string>? TryReadNdefTexts(Binding pn532, Data106kbpsTypeA target)
    {
        NdefMessage message;
        if (UltralightCard.IsUltralightCard(target.Atqa, target.Sak))
        {
            var card = new UltralightCard(pn532, target.TargetNumber);
            if (!card.TryReadNdefMessage(out message))
            {
                return null;
            }
        }
        else if (IsClassic(target))
        {
            var card = new MifareCard(pn532, target.TargetNumber) { SerialNumber = target.NfcId };
            card.SetCapacity(target.Atqa, target.Sak);
            if (!card.TryReadNdefMessage(out message))
            {
                return null;
            }
        }
        else
        {
            return null;
        }

        return message.Records.Where(TextRecord.IsTextRecord).Select(r => new TextRecord(r).Text).ToList();
    }

    private Dictionary<int, byte[]>? TryReadBlocks(Binding pn532, Data106kbpsTypeA target, IReadOnlyList<int> blocks)
    {
        if (!IsClassic(target))
        {
            throw new CardReadException(CardReadFailure.NotACitizenCard, "MIFARE blocks can only be read from a MIFARE Classic card.");
        }

        var card = new MifareCard(pn532, target.TargetNumber) { SerialNumber = target.NfcId };
        card.SetCapacity(target.Atqa, target.Sak);
        var result = new Dictionary<int, byte[]>();
        var authenticatedSector = -1;
        foreach (var block in blocks)
        {
            var sector = MifareCard.BlockNumberToSector((byte)block);
            if (sector != authenticatedSector)
            {
                var key = _options.KeyFor(sector, out var isKeyB);
                card.BlockNumber = (byte)block;
                if (isKeyB)
                {
                    card.KeyB = key;
                    card.Command = MifareCardCommand.AuthenticationB;
                }
                else
                {
                    card.KeyA = key;
                    card.Command = MifareCardCommand.AuthenticationA;
                }

                if (card.RunMifareCardCommand() < 0)
                {
                    _lastFailureWasAuthentication = true;
                    return null;
                }

                authenticatedSector = sector;
            }

            card.BlockNumber = (byte)block;
            card.Command = MifareCardCommand.Read16Bytes;
            if (card.RunMifareCardCommand() <= 0 || card.Data is not { Length: 16 })
            {
                return null;
            }

            result[block] = card.Data.ToArray();
        }

        return result;
    }

    private static bool IsClassic(Data106kbpsTypeA target) => target.Sak is 0x08 or 0x18 or 0x09;

    /// <summary>
    /// Runs <paramref name="read"/> (null = failed) against the card in the field, re-polling after each failure:
    /// a card that left the field, or was swapped, ends the read with <see cref="CardReadFailure.CardRemoved"/>.
    /// </summary>
    private T ReadWithRetry<T>(string what, Func<Binding, Data106kbpsTypeA, T?> read)
    {
        var pn532 = _pn532 ?? throw new CardReadException(CardReadFailure.ReaderOffline, "The card reader is offline.");
        var target = _target ?? List();
        if (target is null)
        {
            throw new CardReadException(CardReadFailure.NoCard, "No card in the field.");
        }

        OnCardSeen(target);
        var uid = Convert.ToHexString(target.NfcId);
        for (var attempt = 1; attempt <= _options.ReadAttempts; attempt++)
        {
            _lastFailureWasAuthentication = false;
            T? result;
            try
            {
                result = read(pn532, target);
            }
            catch (Exception ex) when (ex is TimeoutException or IOException or InvalidOperationException or ArgumentException or IndexOutOfRangeException)
            {
                result = default;
            }

            if (result is not null)
            {
                return result;
            }

            var authentication = _lastFailureWasAuthentication;
            var again = List();
            if (again is null || Convert.ToHexString(again.NfcId) != uid)
            {
                if (again is null && !Heartbeat())
                {
                    DisconnectAndGoOffline($"no answer from the PN532 on {_options.Port} during a read");
                    throw new CardReadException(CardReadFailure.ReaderOffline, $"The card reader stopped answering while reading the {what}.");
                }

                if (again is null)
                {
                    OnNoCard();
                }
                else
                {
                    OnCardSeen(again);
                }

                throw new CardReadException(CardReadFailure.CardRemoved, $"Card {uid} was removed while reading the {what}; nothing was read.");
            }

            // A failed authentication looks the same as an answer lost on a slow link (the binding reports both as a
            // failed card command), and the card needs the re-selection List() just did anyway: only a key that fails
            // on every attempt is a wrong key.
            if (authentication && attempt == _options.ReadAttempts)
            {
                throw new CardReadException(CardReadFailure.AuthenticationFailed, $"A configured MIFARE key did not open card {uid}.");
            }

            target = again;
        }

        throw new CardReadException(CardReadFailure.Unreadable, $"Card {uid} stayed in the field but its {what} could not be read after {_options.ReadAttempts} attempts.");
    }

    private sealed record CitizenTexts(IReadOnlyList<string> Texts, string Source);

    private static Pn532CardReaderOptions Validated(Pn532CardReaderOptions options)
    {
        options.Validate();
        return options;
    }
}
