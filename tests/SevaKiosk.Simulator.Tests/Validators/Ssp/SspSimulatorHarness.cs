using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Nerdbank.Streams;
using SevaKiosk.Protocol.Ssp;
using SevaKiosk.Simulator.Devices.Validators.Ssp;

namespace SevaKiosk.Simulator.Tests.Validators.Ssp;

/// <summary>The simulated validator on one end of an in-process duplex pipe, the test host on the other, in virtual time.</summary>
internal sealed class SspSimulatorHarness : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Stream _deviceEnd;
    private readonly Stream _hostEnd;
    private readonly Task _serving;
    private readonly List<JsonObject> _events = [];

    private SspSimulatorHarness(SspValidatorOptions? options)
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 9, 0, 0, TimeSpan.Zero));
        Device = new SimulatedSspValidator(options ?? new SspValidatorOptions { Seed = 1 }, Time);
        Device.EventOccurred += json =>
        {
            lock (_events)
            {
                _events.Add(json);
            }
        };
        (_deviceEnd, _hostEnd) = FullDuplexStream.CreatePair();
        Host = new SspTestHost(_hostEnd);
        _serving = Task.Run(() => Device.RunAsync(_deviceEnd, _stop.Token));
    }

    public FakeTimeProvider Time { get; }

    public SimulatedSspValidator Device { get; }

    public SspTestHost Host { get; }

    public static SspSimulatorHarness Start(SspValidatorOptions? options = null) => new(options);

    /// <summary>
    /// A started device and a host that ran the usual start-up: SYNC, key exchange when the device requires encryption,
    /// protocol 8, all channels, ENABLE, first poll.
    /// </summary>
    public static async Task<SspSimulatorHarness> ReadyAsync(SspValidatorOptions? options = null)
    {
        var harness = Start(options);
        await harness.InitialiseAsync();
        return harness;
    }

    public async Task InitialiseAsync()
    {
        Host.Encrypt = false;
        Assert.True((await Host.SyncAsync()).IsOk);
        if (Device.Firmware.Options.EncryptionRequired)
        {
            await Host.NegotiateKeyAsync(Device.Firmware.Options.FixedKey);
        }

        Assert.True((await Host.SendAsync(SspCommands.HostProtocolVersion(8))).IsOk);
        Assert.True((await Host.SendAsync(SspCommands.SetInhibits(Enumerable.Range(1, Device.Firmware.Channels.Count)))).IsOk);
        Assert.True((await Host.SendAsync(SspCommand.Enable)).IsOk);
        await Host.PollAsync();
    }

    public void Advance(TimeSpan by) => Time.Advance(by);

    public void Advance(int milliseconds) => Time.Advance(TimeSpan.FromMilliseconds(milliseconds));

    /// <summary>The "event" names of the device's JSON events so far, in order.</summary>
    public string[] EventNames()
    {
        lock (_events)
        {
            return [.. _events.Select(e => (string)e["event"]!)];
        }
    }

    public JsonObject LastEvent(string name)
    {
        lock (_events)
        {
            return _events.Last(e => (string)e["event"]! == name);
        }
    }

    /// <summary>Inserts a note and lets it be read, so the next poll reports READ(channel).</summary>
    public async Task<int> NoteInEscrowAsync(long value)
    {
        var inserted = Device.InsertNote(value);
        Assert.True(inserted.Taken, inserted.Refusal);
        Assert.Equal(["READ(0)"], await Host.PollAsync());
        Advance(Device.Firmware.Options.ReadingTime);
        Assert.Equal([$"READ({inserted.Channel})"], await Host.PollAsync());
        return inserted.Channel;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _serving;
        }
        catch (OperationCanceledException)
        {
        }

        await _hostEnd.DisposeAsync();
        await _deviceEnd.DisposeAsync();
        await Device.DisposeAsync();
        Host.Dispose();
        _stop.Dispose();
    }
}
