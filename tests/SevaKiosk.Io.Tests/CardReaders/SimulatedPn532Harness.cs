using System.Text.Json;
using SevaKiosk.Simulator.Devices.CardReaders.Pn532;
using SevaKiosk.Simulator.Pty;

namespace SevaKiosk.Io.Tests.CardReaders;

/// <summary>A simulated PN532 served on a real pseudo-terminal, as <c>sevakiosk-sim device card-reader</c> runs it.</summary>
internal sealed class SimulatedPn532Harness : IAsyncDisposable
{
    private readonly PseudoTerminal _pty;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;

    public SimulatedPn532Harness()
    {
        _pty = PseudoTerminal.Open();
        Device = new SimulatedPn532();
        _serving = Task.Run(() => Device.RunAsync(_pty.Master, _stop.Token));
    }

    public SimulatedPn532 Device { get; }

    public string PortPath => _pty.SlavePath;

    public void Control(string json)
    {
        using var document = JsonDocument.Parse(json);
        Device.Apply(document.RootElement);
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

        _pty.Dispose();
        _stop.Dispose();
    }
}
