using System.Text.Json;
using System.Text.Json.Nodes;
using SevaKiosk.Protocol.CcTalk;
using SevaKiosk.Simulator.Control;

namespace SevaKiosk.Simulator.Devices.Validators.CcTalk;

/// <summary>
/// A ccTalk bill validator on a byte stream: answers the bill-validator headers at its address, puts the host's bytes
/// back on the line (the shared wire's echo), and is driven by a typed API or by the JSON control commands of
/// <c>sevakiosk-sim device validator --protocol cctalk</c>. It shares only the codec with the driver.
/// </summary>
public sealed class CcTalkValidatorSimulator : ISimulatedDevice
{
    private readonly CcTalkValidatorMachine _machine;
    private readonly TimeProvider _time;
    private readonly Random _noise;

    public CcTalkValidatorSimulator(CcTalkValidatorOptions? options = null, TimeProvider? timeProvider = null)
    {
        Options = options ?? new CcTalkValidatorOptions();
        if (Options.Bills.Any(b => b.Type is < 1 or > CcTalkInhibitMask.MaxBillType))
        {
            throw new ArgumentException($"Bill types must be 1..{CcTalkInhibitMask.MaxBillType}.", nameof(options));
        }

        _time = timeProvider ?? TimeProvider.System;
        _noise = new Random(Options.NoiseSeed);
        _machine = new CcTalkValidatorMachine(Options, _time, line => EventOccurred?.Invoke(line)) { Echo = Options.Echo };
    }

    public event Action<JsonObject>? EventOccurred;

    public string Kind => "validator";

    public CcTalkValidatorOptions Options { get; }

    /// <summary>When true the device ignores every command, as if hung or unplugged (the wire still echoes the host's bytes).</summary>
    public bool Silent { get => _machine.Silent; set => _machine.Silent = value; }

    /// <summary>Extra time before each reply.</summary>
    public TimeSpan ReplyDelay { get => _machine.ReplyDelay; set => _machine.ReplyDelay = value; }

    /// <summary>Probability per byte sent (echo and replies) that one bit is flipped on the line.</summary>
    public double Noise
    {
        get => _machine.Noise;
        set => _machine.Noise = value is >= 0 and <= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Noise is a probability 0..1.");
    }

    /// <summary>Whether the host's bytes come back to it, as on a real single-wire bus.</summary>
    public bool Echo { get => _machine.Echo; set => _machine.Echo = value; }

    /// <summary>A customer inserts a bill of <paramref name="value"/>, optionally one the validator must refuse.</summary>
    /// <exception cref="SimulatorControlException">The validator cannot take a bill now (busy, jammed, no cash box).</exception>
    public JsonObject Insert(decimal value, CcTalkRejectReason? reject = null) => _machine.Insert(value, reject);

    public void Jam(CcTalkJam jam) => _machine.SetJam(jam);

    public void Cashbox(CcTalkCashboxAction action) => _machine.Cashbox(action);

    public void PowerCycle() => _machine.PowerCycle();

    public void Burst(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _machine.Burst(count);
    }

    public JsonObject Status() => _machine.Status();

    public JsonObject Describe() => new()
    {
        ["protocol"] = "cctalk",
        ["address"] = Options.Address,
        ["host"] = Options.HostAddress,
        ["checksum"] = Options.ChecksumMode == CcTalkChecksumMode.Simple8 ? "simple" : "crc16",
        ["echo"] = Echo,
        ["serial"] = Options.SerialNumber,
        ["bills"] = new JsonArray([.. Options.Bills.Select(b => new JsonObject
        {
            ["type"] = b.Type,
            ["value"] = Options.ScalingFactor.ValueOf(b.ValueCode),
            ["id"] = new CcTalkBillId(Options.Country, b.ValueCode, b.Issue.ToString()).Text,
        })]),
    };

    public JsonObject? Apply(JsonElement command) => CcTalkValidatorControl.Apply(this, command);

    /// <summary>Serves the bus until cancelled or the link ends.</summary>
    public async Task RunAsync(Stream link, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(link);
        var reader = new CcTalkFrameReader(Options.ChecksumMode, destination: Options.Address);
        var input = new byte[512];
        var reply = new byte[CcTalkConstants.MaxFrameLength];
        var replyData = new byte[CcTalkConstants.MaxDataLength];
        var lastByte = _time.GetTimestamp();
        while (!cancellationToken.IsCancellationRequested)
        {
            var n = await link.ReadAsync(input, cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                return;
            }

            var now = _time.GetTimestamp();
            if (_machine.LinkResetRequested || (reader.HasPendingBytes && _time.GetElapsedTime(lastByte, now) > Options.InterByteTimeout))
            {
                // A device drops a frame whose bytes stop coming, and everything it had when it lost power.
                _machine.LinkResetRequested = false;
                reader.Reset();
            }

            lastByte = now;
            if (Echo)
            {
                await SendAsync(link, input.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
            }

            // The reader may hold a result after consuming all input (a frame behind garbage): read until it needs more.
            var offset = 0;
            while (true)
            {
                var length = NextReply(reader, input.AsSpan(offset, n - offset), out var consumed, out var more, replyData, reply);
                offset += consumed;
                if (!more)
                {
                    break;
                }

                if (length == 0)
                {
                    continue;
                }

                if (ReplyDelay > TimeSpan.Zero)
                {
                    await Task.Delay(ReplyDelay, _time, cancellationToken).ConfigureAwait(false);
                }

                await SendAsync(link, reply.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _machine.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Reads until the next frame for us and builds the reply; 0 when there is nothing to send.</summary>
    private int NextReply(CcTalkFrameReader reader, ReadOnlySpan<byte> input, out int consumed, out bool more, byte[] replyData, byte[] reply)
    {
        // Damaged frames and garbage get no answer: the host times out and retries, as with a real device.
        var result = reader.Read(input, out consumed);
        more = result != CcTalkReadResult.NeedMoreData;
        if (result != CcTalkReadResult.Frame)
        {
            return 0;
        }

        if (Silent)
        {
            // A hung or unplugged device: the command never reaches its logic.
            return 0;
        }

        var replyHeader = _machine.Handle(reader.Header, reader.Data, replyData, out var dataLength);

        var destination = reader.Source ?? Options.HostAddress;
        return CcTalkFrameWriter.Write(Options.ChecksumMode, destination, Options.Address, replyHeader, replyData.AsSpan(0, dataLength), reply);
    }

    private async ValueTask SendAsync(Stream link, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        var noise = Noise;
        if (noise > 0)
        {
            var damaged = bytes.ToArray();
            for (var i = 0; i < damaged.Length; i++)
            {
                if (_noise.NextDouble() < noise)
                {
                    damaged[i] ^= (byte)(1 << _noise.Next(8));
                }
            }

            bytes = damaged;
        }

        await link.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        await link.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
