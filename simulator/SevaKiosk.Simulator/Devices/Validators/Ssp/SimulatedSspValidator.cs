using System.Text.Json;
using System.Text.Json.Nodes;
using SevaKiosk.Protocol.Ssp;
using SevaKiosk.Simulator.Control;
using SevaKiosk.Simulator.Line;

namespace SevaKiosk.Simulator.Devices.Validators.Ssp;

/// <summary>
/// A simulated NV200-class banknote validator speaking SSP/eSSP on a byte stream (an in-process pair or a
/// pseudo-terminal). The wire behaviour lives in <see cref="SspValidatorFirmware"/>; this class adds the serial line
/// (framing, line faults) and the control surface: a typed C# API for in-process tests and the JSON commands of
/// <c>sevakiosk-sim device validator --protocol ssp</c>, which map onto it.
/// </summary>
public sealed class SimulatedSspValidator : ISimulatedDevice
{
    private readonly TimeProvider _time;

    public SimulatedSspValidator(SspValidatorOptions? options = null, TimeProvider? timeProvider = null)
    {
        _time = timeProvider ?? TimeProvider.System;
        Firmware = new SspValidatorFirmware(options, _time);
        Line = new LineFaults(Firmware.Options.Seed);
        Firmware.EventOccurred += json => EventOccurred?.Invoke(json);
    }

    public event Action<JsonObject>? EventOccurred;

    public string Kind => "validator";

    /// <summary>The device logic behind the serial line.</summary>
    public SspValidatorFirmware Firmware { get; }

    /// <summary>Faults of the serial line: noise, echo, slowness, silence.</summary>
    public LineFaults Line { get; }

    /// <summary>Packets with a bad CRC the device ignored (as a real slave does: no reply).</summary>
    public long CrcErrors => Interlocked.Read(ref _crcErrors);

    private long _crcErrors;

    public SspValidatorStatus Status => Firmware.Status;

    public NoteInsertResult InsertNote(long value) => Firmware.InsertNote(value, NoteOutcome.Genuine);

    public NoteInsertResult InsertNote(long value, SspRejectReason rejectAs) => Firmware.InsertNote(value, NoteOutcome.Rejected(rejectAs));

    public NoteInsertResult InsertNote(long value, NoteOutcome outcome) => Firmware.InsertNote(value, outcome);

    public NoteInsertResult InsertFraudulentNote(long value) => Firmware.InsertNote(value, NoteOutcome.FraudAttempt);

    public void Jam(JamKind kind) => Firmware.Jam(kind);

    public ClearedNote? ClearJam(NoteDestination? noteTo = null) => Firmware.ClearJam(noteTo);

    public void SetCashbox(CashboxAction action) => Firmware.SetCashbox(action);

    public ClearedNote? PowerCycle(NoteDestination? noteTo = null) => Firmware.PowerCycle(noteTo);

    /// <summary>Stops (or resumes) receiving and answering, like pulling (or plugging) the cable.</summary>
    public void Silence(bool silent = true) => Line.Silent = silent;

    /// <summary>Delays every reply by <paramref name="delay"/> (on the injected clock).</summary>
    public void SetSlowness(TimeSpan delay) => Line.ReplyDelay = delay;

    /// <summary>Drops or corrupts bytes in both directions with probability <paramref name="rate"/>.</summary>
    public void SetNoise(double rate) => Line.NoiseRate = rate;

    /// <summary>Echoes everything received back onto the line before the reply.</summary>
    public void SetEcho(bool echo) => Line.Echo = echo;

    public JsonObject Describe() => new()
    {
        ["protocol"] = "ssp",
        ["model"] = "NV200 (simulated)",
        ["address"] = Firmware.Options.Address,
        ["serial"] = Firmware.Options.SerialNumber,
        ["firmware"] = Firmware.Options.FirmwareVersion,
        ["dataset"] = Firmware.Options.DatasetVersion,
        ["currency"] = Firmware.Options.Currency,
        ["channels"] = new JsonArray([.. Firmware.Channels.Select(c => JsonValue.Create(c.Value))]),
        ["protocolVersion"] = Firmware.Options.DefaultProtocolVersion,
        ["maxProtocolVersion"] = Firmware.Options.MaxProtocolVersion,
        ["encrypted"] = Firmware.Options.EncryptionRequired,
        ["fixedKeyIsDefault"] = Firmware.Options.FixedKey == SspCipher.DefaultFixedKey,
    };

    public JsonObject? Apply(JsonElement command) => SspValidatorControls.Apply(this, command);

    /// <summary>
    /// Serves SSP on <paramref name="link"/> until it ends or <paramref name="cancellationToken"/> fires: unstuffs and
    /// checks packets, ignores CRC errors and garbage (no reply, as a real slave), and writes the firmware's replies.
    /// </summary>
    public async Task RunAsync(Stream link, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(link);
        var reader = new SspPacketReader();
        var received = new byte[512];
        var arrived = new byte[512];
        while (!cancellationToken.IsCancellationRequested)
        {
            int count;
            try
            {
                count = await link.ReadAsync(received, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            if (count == 0)
            {
                return;
            }

            if (Line.Silent)
            {
                reader.Reset();
                continue;
            }

            var length = Line.Apply(received.AsSpan(0, count), arrived);
            if (Line.Echo && length > 0)
            {
                await link.WriteAsync(arrived.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
            }

            var offset = 0;
            while (offset < length)
            {
                var result = reader.Read(arrived.AsSpan(offset, length - offset), out var consumed);
                offset += consumed;
                if (result == SspReadResult.CrcError)
                {
                    Interlocked.Increment(ref _crcErrors);
                }
                else if (result == SspReadResult.Packet && Firmware.HandlePacket(reader.SeqId, reader.Data) is { } reply)
                {
                    await SendAsync(link, reply, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        Firmware.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task SendAsync(Stream link, byte[] reply, CancellationToken cancellationToken)
    {
        var delay = Line.ReplyDelay;
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }

        if (Line.Silent)
        {
            return;
        }

        var noisy = new byte[reply.Length];
        var length = Line.Apply(reply, noisy);
        await link.WriteAsync(noisy.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        await link.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
