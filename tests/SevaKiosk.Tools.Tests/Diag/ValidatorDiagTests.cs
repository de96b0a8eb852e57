using System.Text.Json.Nodes;
using SevaKiosk.Hal.CashAcceptors.Id003;
using SevaKiosk.Simulator.Devices.Validators.Id003;
using SevaKiosk.Simulator.Pty;
using SevaKiosk.Tools.Diag;

namespace SevaKiosk.Tools.Tests.Diag;

/// <summary><c>kioskctl diag validator --protocol id003</c> against the simulated JCM unit on a pseudo-terminal.</summary>
public class ValidatorDiagTests
{
    [Fact]
    public async Task Id003_diag_prints_identity_and_currency_table_and_returns_the_note_it_sees()
    {
        using var pty = PseudoTerminal.Open();
        await using var sim = new Id003SimulatedValidator(new Id003SimulatorOptions { InitializeDuration = TimeSpan.FromMilliseconds(200) });
        using var stop = new CancellationTokenSource();
        var unit = Task.Run(() => sim.RunAsync(pty.Master, stop.Token));
        var citizen = Task.Run(async () =>
        {
            while (sim.Snapshot() is not { Phase: Id003SimulatorPhase.Ready, Inhibited: false })
            {
                await Task.Delay(10, stop.Token);
            }

            sim.InsertNote(200);
        });
        using var output = new StringWriter();

        var code = await ValidatorDiagCommand.RunAsync(
            "id003", pty.SlavePath, new ValidatorDiagOptions("INR", false, null, null, Id003EchoMode.Auto), json: true,
            TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(4), output, CancellationToken.None);
        await citizen;

        Assert.Equal(0, code);
        var json = JsonNode.Parse(output.ToString())!.AsObject();
        Assert.Equal("id003", (string)json["protocol"]!);
        Assert.Equal("i(IND)100-SS", (string)json["model"]!);
        Assert.Equal(6, json["channels"]!.AsArray().Count);
        Assert.Equal("i(IND)100-SS ID003-05V100-00 01JAN25 5A5A", (string)json["details"]!["version"]!);
        Assert.Equal("0x63", (string)json["details"]!["currencyTable"]![0]!["countryCode"]!);
        Assert.False((bool)json["details"]!["adapterEchoes"]!);
        var seen = json["seen"]!.AsArray().Select(e => (string)e!["kind"]!).ToList();
        Assert.Contains("NOTE_RETURNED", seen);
        Assert.DoesNotContain("NOTE_CREDITED", seen);
        Assert.Equal(0, sim.Snapshot().StackedCount);

        await stop.CancelAsync();
        try
        {
            await unit.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (OperationCanceledException)
        {
            // The unit stops mid-reply when cancelled.
        }
    }
}
