using System.Text.Json.Nodes;
using SevaKiosk.Simulator.Devices.Validators.CcTalk;
using SevaKiosk.Simulator.Pty;
using SevaKiosk.Tools.Diag;

namespace SevaKiosk.Tools.Tests.Diag;

/// <summary><c>kioskctl diag validator --protocol cctalk</c> against the simulated validator on a pseudo-terminal.</summary>
public class ValidatorDiagCcTalkTests
{
    [Fact]
    public async Task Json_report_has_identity_bills_and_every_note_seen_returned()
    {
        using var pty = PseudoTerminal.Open();
        await using var sim = new CcTalkValidatorSimulator(new CcTalkValidatorOptions { Address = 41, TransportTime = TimeSpan.FromMilliseconds(100) });
        using var stop = new CancellationTokenSource();
        var serving = Task.Run(() => sim.RunAsync(pty.Master, stop.Token));
        var inserting = Task.Run(async () =>
        {
            while (!(bool)sim.Status()["accepting"]!)
            {
                await Task.Delay(20);
            }

            sim.Insert(200);
        });
        using var output = new StringWriter();

        var code = await ValidatorDiagCommand.RunAsync(
            "cctalk", pty.SlavePath, new ValidatorDiagOptions("INR", false, null, null, Address: 41, Checksum: "simple"),
            json: true, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(3), output, CancellationToken.None);
        await inserting.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, code);
        var report = JsonNode.Parse(output.ToString())!;
        Assert.Equal("cctalk", (string)report["protocol"]!);
        Assert.Equal("1234567", (string)report["serial"]!);
        Assert.Equal("SevaKiosk SIM-BV", (string)report["model"]!);
        Assert.Equal([10m, 20m, 50m, 100m, 200m, 500m], report["channels"]!.AsArray().Select(c => (decimal)c!["value"]!));
        var seen = report["seen"]!.AsArray().Select(e => (string)e!["kind"]!).ToList();
        Assert.Contains("NOTE_ESCROWED", seen);
        Assert.Contains("NOTE_RETURNED", seen);
        Assert.DoesNotContain("NOTE_CREDITED", seen);
        Assert.Equal(0, (int)sim.Status()["cashboxCount"]!);
        await stop.CancelAsync();
        await Task.WhenAny(serving, Task.Delay(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_validator_at_another_address_fails_with_exit_code_1_and_says_why()
    {
        using var pty = PseudoTerminal.Open();
        await using var sim = new CcTalkValidatorSimulator(new CcTalkValidatorOptions { Address = 41 });
        using var stop = new CancellationTokenSource();
        var serving = Task.Run(() => sim.RunAsync(pty.Master, stop.Token));
        using var output = new StringWriter();
        var error = Console.Error;
        using var captured = new StringWriter();
        Console.SetError(captured);
        try
        {
            var code = await ValidatorDiagCommand.RunAsync(
                "cctalk", pty.SlavePath, new ValidatorDiagOptions("INR", false, null, null), json: false,
                TimeSpan.FromSeconds(5), TimeSpan.Zero, output, CancellationToken.None);

            Assert.Equal(1, code);
            Assert.True(captured.ToString().Contains("check the Address 40", StringComparison.Ordinal), captured.ToString());
        }
        finally
        {
            Console.SetError(error);
        }

        await stop.CancelAsync();
        await Task.WhenAny(serving, Task.Delay(TimeSpan.FromSeconds(5)));
    }
}
