using System.Text.Json;
using System.Text.Json.Nodes;
using SevaKiosk.Protocol.Id003;
using SevaKiosk.Simulator.Control;
using SevaKiosk.Simulator.Line;

namespace SevaKiosk.Simulator.Devices.Validators.Id003;

/// <summary>
/// A JCM banknote validator speaking ID-003 on a byte stream: the simulated unit's state machine
/// (<see cref="Id003AcceptorMachine"/>) behind a link that can echo, go silent, answer slowly and corrupt bytes.
/// Tests drive it through the typed methods; <c>sevakiosk-sim</c> drives the same methods through JSON lines
/// (<see cref="Apply"/>). Every timer runs on the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class Id003SimulatedValidator : ISimulatedDevice
{
    private readonly Id003AcceptorMachine _machine;
    private readonly TimeProvider _time;
    private long _bytesReceived;
    private long _bytesHandled;
    private long _bytesSent;
    private long _replyDueTicks;

    public Id003SimulatedValidator(Id003SimulatorOptions? options = null, TimeProvider? timeProvider = null)
    {
        Options = options ?? new Id003SimulatorOptions();
        _time = timeProvider ?? TimeProvider.System;
        Line = new LineFaults(Options.Seed);
        _machine = new Id003AcceptorMachine(Options, _time);
        _machine.EventOccurred += e => EventOccurred?.Invoke(e);
    }

    public event Action<JsonObject>? EventOccurred;

    public string Kind => "validator";

    public Id003SimulatorOptions Options { get; }

    /// <summary>Faults of the serial line: noise, echo, extra reply delay, silence (shared with the other simulators).</summary>
    public LineFaults Line { get; }

    /// <summary>
    /// Byte counters and the pending reply's due time. In-process tests in virtual time use them to know when the unit
    /// has handled everything sent to it and which instant it is waiting for, instead of guessing with real sleeps.
    /// </summary>
    public Id003LinkActivity LinkActivity
    {
        get
        {
            var due = Interlocked.Read(ref _replyDueTicks);
            return new Id003LinkActivity(
                Interlocked.Read(ref _bytesReceived),
                Interlocked.Read(ref _bytesHandled),
                Interlocked.Read(ref _bytesSent),
                due == 0 ? null : new DateTimeOffset(due, TimeSpan.Zero));
        }
    }

    public JsonObject Describe()
    {
        var info = Id003VersionInfo.Parse(Id003VersionInfo.Encode(Options.Version));
        var denominations = new JsonArray();
        foreach (var d in Options.Denominations.Where(d => d.IsAssigned))
        {
            denominations.Add(new JsonObject
            {
                ["escrowCode"] = $"0x{d.EscrowCode:X2}",
                ["value"] = d.Value,
                ["currency"] = d.Currency ?? $"country 0x{d.CountryCode:X2}",
            });
        }

        return new JsonObject
        {
            ["protocol"] = "id003",
            ["serial"] = "8E1",
            ["model"] = info.Model,
            ["version"] = info.Raw,
            ["denominations"] = denominations,
        };
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Typed control API (the JSON commands map onto these)
    // ----------------------------------------------------------------------------------------------------------------

    /// <summary>
    /// A note of <paramref name="value"/> at the bezel; <paramref name="rejectCode"/> makes validation fail with it.
    /// The bezel refuses it (<see cref="Id003InsertResult.Taken"/> false, with the reason) while the unit is busy,
    /// inhibited, faulty or off.
    /// </summary>
    public Id003InsertResult InsertNote(long value, byte? rejectCode = null) => _machine.Insert(value, rejectCode, fraud: false);

    /// <summary>A note that is pulled back during validation: the unit reports CHEATED (0x48).</summary>
    public Id003InsertResult InsertFraudulentNote(long value) => _machine.Insert(value, rejectCode: null, fraud: true);

    /// <summary>A bar-code ticket at the bezel (needs SET BAR CODE FUNCTION and tickets allowed by SET BAR INHIBIT).</summary>
    public Id003InsertResult InsertTicket(string number) => _machine.InsertTicket(number);

    public void Jam(Id003JamLocation location) => _machine.Jam(location);

    /// <summary>The jam is cleared by hand: a note before the point of no return goes back to whoever cleared it.</summary>
    public void ClearJam() => _machine.ClearJam();

    public void RemoveCashbox() => _machine.RemoveCashbox();

    /// <summary>An empty cash box is put in: clears STACKER OPEN and STACKER FULL.</summary>
    public void ReplaceCashbox() => _machine.ReplaceCashbox();

    public void FillCashbox() => _machine.FillCashbox();

    /// <summary>FAILURE (0x49) with this code until <see cref="ClearFailure"/>; RESET does not repair hardware.</summary>
    public void Fail(byte failureCode) => _machine.Fail(failureCode);

    public void ClearFailure() => _machine.ClearFailure();

    /// <summary>PAUSE (0x47) is reported while set; the note flow underneath goes on.</summary>
    public void SetPaused(bool paused) => _machine.SetPaused(paused);

    /// <summary>Power cut and back; <paramref name="forceNote"/> places a note in the acceptor or past the stacker point.</summary>
    public void PowerCycle(Id003NotePosition? forceNote = null, long? noteValue = null) => _machine.PowerCycle(forceNote, noteValue);

    public void PowerOff() => _machine.PowerOff();

    public void PowerOn() => _machine.PowerOn();

    /// <summary>Stops (or resumes) receiving and answering, like pulling (or plugging) the cable. Its timers keep running.</summary>
    public void Silence(bool silent = true) => Line.Silent = silent;

    /// <summary>Adds <paramref name="delay"/> to <see cref="Id003SimulatorOptions.ResponseDelay"/> before every reply.</summary>
    public void SetSlowness(TimeSpan delay) => Line.ReplyDelay = delay;

    /// <summary>Drops or corrupts bytes in both directions with probability <paramref name="rate"/>.</summary>
    public void SetNoise(double rate) => Line.NoiseRate = rate;

    /// <summary>Echoes everything received back onto the line before the reply, like an adapter that echoes TX to RX.</summary>
    public void SetEcho(bool echo) => Line.Echo = echo;

    public Id003SimulatorSnapshot Snapshot() => _machine.Snapshot();

    public JsonObject? Apply(JsonElement command) => Id003Controls.Apply(this, command);

    // ----------------------------------------------------------------------------------------------------------------
    // Wire
    // ----------------------------------------------------------------------------------------------------------------

    public async Task RunAsync(Stream link, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(link);
        var reader = new Id003FrameReader();
        var received = new byte[512];
        var clean = new byte[512];
        while (!cancellationToken.IsCancellationRequested)
        {
            int n;
            using (var quiet = reader.HasPendingBytes && Options.InterByteTimeout is { } gap ? new CancellationTokenSource(gap, _time) : null)
            using (var read = quiet is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, quiet.Token))
            {
                try
                {
                    n = await link.ReadAsync(received, read?.Token ?? cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // The line went quiet inside a frame (a corrupted LNG promised more bytes): rescan what is held.
                    for (var result = reader.Flush(); result != Id003ReadResult.NeedMoreData; result = reader.Flush())
                    {
                        await AnswerAsync(link, reader, result, cancellationToken).ConfigureAwait(false);
                    }

                    continue;
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            if (n == 0)
            {
                return;
            }

            Interlocked.Add(ref _bytesReceived, n);
            if (Line.Silent)
            {
                reader.Reset();
                Interlocked.Add(ref _bytesHandled, n);
                continue;
            }

            var kept = Line.Apply(received.AsSpan(0, n), clean);
            if (Line.Echo && kept > 0)
            {
                // The adapter echoes what reached the line, whatever the unit itself is doing.
                await link.WriteAsync(clean.AsMemory(0, kept), cancellationToken).ConfigureAwait(false);
                await link.FlushAsync(cancellationToken).ConfigureAwait(false);
                Interlocked.Add(ref _bytesSent, kept);
            }

            if (!_machine.IsListening)
            {
                reader.Reset();
                Interlocked.Add(ref _bytesHandled, n);
                continue;
            }

            var position = 0;
            while (true)
            {
                var result = reader.Read(clean.AsSpan(position, kept - position), out var consumed);
                position += consumed;
                if (result == Id003ReadResult.NeedMoreData)
                {
                    break;
                }

                await AnswerAsync(link, reader, result, cancellationToken).ConfigureAwait(false);
            }

            Interlocked.Add(ref _bytesHandled, n);
        }
    }

    private Task AnswerAsync(Stream link, Id003FrameReader reader, Id003ReadResult result, CancellationToken cancellationToken)
    {
        var reply = result switch
        {
            Id003ReadResult.Frame => _machine.HandleFrame(reader.Code, reader.Data),
            Id003ReadResult.CrcError => _machine.HandleBadFrame(),
            _ => null,
        };
        return reply is null ? Task.CompletedTask : SendAsync(link, reply, cancellationToken);
    }

    private async Task SendAsync(Stream link, byte[] frame, CancellationToken cancellationToken)
    {
        var delay = Options.ResponseDelay + Line.ReplyDelay;
        Interlocked.Exchange(ref _replyDueTicks, (_time.GetUtcNow() + delay).UtcTicks);
        try
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }

            if (Line.Silent)
            {
                return;
            }

            var wire = new byte[frame.Length];
            var kept = Line.Apply(frame, wire);
            await link.WriteAsync(wire.AsMemory(0, kept), cancellationToken).ConfigureAwait(false);
            await link.FlushAsync(cancellationToken).ConfigureAwait(false);
            Interlocked.Add(ref _bytesSent, kept);
        }
        finally
        {
            Interlocked.Exchange(ref _replyDueTicks, 0);
        }
    }

    public ValueTask DisposeAsync()
    {
        _machine.Dispose();
        return ValueTask.CompletedTask;
    }
}
