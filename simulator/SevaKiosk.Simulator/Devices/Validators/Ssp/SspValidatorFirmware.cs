using System.Text.Json.Nodes;
using SevaKiosk.Protocol.Ssp;

namespace SevaKiosk.Simulator.Devices.Validators.Ssp;

/// <summary>
/// The simulated NV200's firmware: everything behind the serial line, written from GA138 (as summarised in the fact
/// sheet) independently of any host driver; it shares only the codec. It takes unstuffed packets (SEQ/ID + data) and
/// returns the reply as it goes on the wire, or null where a real slave stays quiet (another address, booting).
/// Thread-safe: the link loop, control commands and timers all go through one lock; device events are raised outside it.
/// </summary>
public sealed partial class SspValidatorFirmware : IDisposable
{
    private readonly object _gate = new();
    private readonly object _flushGate = new();
    private readonly SspValidatorOptions _options;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private readonly IReadOnlyList<SspChannel> _channels;
    private readonly int _valueMultiplier;
    private readonly SspEventQueue _events = new();
    private readonly List<PollEvent> _delivered = [];
    private readonly List<PollEvent> _conditions = [];
    private readonly List<JsonObject> _outbox = [];
    private bool _disposed;

    // Link layer: the sequence flag of the last executed packet and its reply, repeated byte for byte on a retry.
    private bool? _lastSequenceFlag;
    private byte[]? _lastReply;
    private DateTimeOffset _bootUntil;
    private DateTimeOffset _lastCommandAt;
    private string? _pendingReboot;
    private long _packets;
    private long _repeats;

    public SspValidatorFirmware(SspValidatorOptions? options = null, TimeProvider? timeProvider = null)
    {
        _options = options ?? new SspValidatorOptions();
        _channels = _options.Validate();
        _valueMultiplier = _options.ValueMultiplier();
        _time = timeProvider ?? TimeProvider.System;
        _fixedKey = _options.FixedKey;
        _timer = _time.CreateTimer(_ => OnTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _lastCommandAt = _time.GetUtcNow();
        ResetSettings();

        // A unit that has just been powered reports SLAVE RESET on its first poll, like after any reboot.
        _events.Add(new PollEvent(SspEventCode.SlaveReset));
    }

    /// <summary>A device event for the JSON output (note escrowed, credited, jam, power cycle ...). Never one per poll.</summary>
    public event Action<JsonObject>? EventOccurred;

    public SspValidatorOptions Options => _options;

    /// <summary>The channel table as SETUP REQUEST reports it.</summary>
    public IReadOnlyList<SspChannel> Channels => _channels;

    /// <summary>
    /// Handles one packet that arrived with a good CRC. Returns the stuffed reply for the wire, or null when the device
    /// stays silent: the packet is for another address, or the device is still booting.
    /// </summary>
    public byte[]? HandlePacket(byte seqId, ReadOnlySpan<byte> data)
    {
        try
        {
            lock (_gate)
            {
                var now = _time.GetUtcNow();
                Advance(now);
                if (now < _bootUntil || SspConstants.SlaveIdOf(seqId) != _options.Address || data.IsEmpty)
                {
                    return null;
                }

                _packets++;
                _lastCommandAt = now;
                var wire = Respond(seqId, data, now);
                ArmTimer(now);
                return wire;
            }
        }
        finally
        {
            Flush();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _timer.Dispose();
            _cipher?.Dispose();
            _pendingCipher?.Dispose();
        }
    }

    /// <summary>Sequence flag, repeat, decryption and the counter rule around <see cref="Execute"/>.</summary>
    private byte[] Respond(byte seqId, ReadOnlySpan<byte> data, DateTimeOffset now)
    {
        var flag = SspConstants.SequenceFlagOf(seqId);
        var encrypted = data[0] == SspConstants.Stex;
        Span<byte> plain = stackalloc byte[SspConstants.MaxDataLength];
        var plainLength = 0;
        uint count = 0;
        var decrypt = SspDecryptStatus.NotEncrypted;
        if (!encrypted)
        {
            data.CopyTo(plain);
            plainLength = data.Length;
        }
        else if (_cipher is not null)
        {
            decrypt = _cipher.TryDecrypt(data, plain, out plainLength, out count);
        }

        var command = plain[..plainLength];
        var readable = !encrypted || decrypt == SspDecryptStatus.Ok;

        // SYNC always executes (it is how a host resets the toggle); anything else with the previous packet's flag is a
        // retry: the slave repeats its last reply unchanged and does not execute again, so a lost reply costs nothing.
        var isSync = readable && plainLength > 0 && command[0] == (byte)SspCommand.Sync;
        if (!isSync && _lastSequenceFlag == flag && _lastReply is not null)
        {
            _repeats++;
            return _lastReply;
        }

        byte[] reply;
        SspCipher? replyCipher = null;
        if (encrypted && _cipher is null)
        {
            reply = Generic(SspGenericResponse.KeyNotSet);
        }
        else if (!readable)
        {
            GoOutOfService($"an encrypted packet did not decrypt ({decrypt})", now);
            reply = Generic(SspGenericResponse.CommandCannotBeProcessed);
        }
        else if (encrypted && count != _count)
        {
            GoOutOfService($"eCOUNT {count} where {_count} was due", now);
            reply = Generic(SspGenericResponse.CommandCannotBeProcessed);
        }
        else
        {
            if (encrypted)
            {
                // Counter rule: the host sent N, the reply carries N+1, and the host's next command must carry N+1.
                _count++;
                replyCipher = _cipher;
            }

            reply = plainLength == 0 ? Generic(SspGenericResponse.WrongNumberOfParameters) : Execute(command, encrypted, now);
        }

        var wire = Frame(seqId, reply, replyCipher);
        _lastSequenceFlag = flag;
        _lastReply = wire;
        AfterReply(now);
        return wire;
    }

    private byte[] Frame(byte seqId, byte[] reply, SspCipher? cipher)
    {
        if (cipher is null)
        {
            return SspPacketWriter.ToArray(seqId, reply);
        }

        Span<byte> encrypted = stackalloc byte[SspConstants.MaxDataLength];
        var length = cipher.Encrypt(_count, reply, encrypted);
        return SspPacketWriter.ToArray(seqId, encrypted[..length]);
    }

    /// <summary>Things that take effect once the reply is on its way: a new key, a reboot.</summary>
    private void AfterReply(DateTimeOffset now)
    {
        if (_pendingCipher is { } next)
        {
            _cipher?.Dispose();
            _cipher = next;
            _pendingCipher = null;
            _count = 0;
        }

        if (_pendingReboot is { } cause)
        {
            _pendingReboot = null;
            Reboot(cause, null, now);
        }
    }

    /// <summary>
    /// RESET, ENCRYPTION RESET TO DEFAULT or a power cycle: a note in the path is cleared, everything volatile returns to
    /// its default, and the device answers nothing until it has booted. Counters, the fixed key and the cash box survive.
    /// </summary>
    private ClearedNote? Reboot(string cause, NoteDestination? noteTo, DateTimeOffset now)
    {
        var cleared = ClearNote(noteTo);
        _events.Clear();
        _events.Add(new PollEvent(SspEventCode.SlaveReset));
        if (cleared is { } note)
        {
            _events.Add(ClearedEvent(note));
        }

        ResetSettings();
        _lastSequenceFlag = null;
        _lastReply = null;
        _bootUntil = now + _options.BootTime;
        var json = Event(cause);
        json["bootMs"] = _options.BootTime.TotalMilliseconds;
        json["noteCleared"] = cleared?.ToJson();
        Emit(json);
        ArmTimer(now);
        return cleared;
    }

    private void ResetSettings()
    {
        _protocolVersion = _options.DefaultProtocolVersion;
        _enabledChannels = 0;
        _enabled = false;
        _outOfService = false;
        _displayOn = true;
        if (!_baudRatePersists)
        {
            _baudRateCode = 0;
        }

        ResetEncryption();
    }

    private static byte[] Generic(SspGenericResponse response) => [(byte)response];

    private static JsonObject Event(string name) => new() { ["event"] = name };

    private void Emit(JsonObject json) => _outbox.Add(json);

    /// <summary>Raises queued device events outside the state lock, in the order they happened.</summary>
    private void Flush()
    {
        lock (_flushGate)
        {
            JsonObject[] pending;
            lock (_gate)
            {
                if (_outbox.Count == 0)
                {
                    return;
                }

                pending = [.. _outbox];
                _outbox.Clear();
            }

            foreach (var json in pending)
            {
                EventOccurred?.Invoke(json);
            }
        }
    }
}
