using System.Diagnostics;
using System.Text.Json.Nodes;
using SevaKiosk.Firmware.Agent;
using SevaKiosk.Firmware.Agent.Broker;
using SevaKiosk.Mqtt.Tests.Infrastructure;
using SevaKiosk.Protocol.Mqtt;

namespace SevaKiosk.Mqtt.Tests;

/// <summary><c>sevakiosk-sim backend --broker URL --accounts FILE</c> as a process, driven over stdin.</summary>
public sealed class BackendCliTests : IDisposable
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("sevakiosk-cli-");
    private readonly FleetKeys _fleet = new();

    public void Dispose()
    {
        _fleet.Dispose();
        _data.Delete(recursive: true);
    }

    [Fact]
    public async Task The_backend_command_serves_a_custom_accounts_file_and_obeys_control_lines()
    {
        var accounts = Path.Combine(_data.FullName, "accounts.json");
        await File.WriteAllTextAsync(accounts, """
            { "billers": [ { "id": "PHED", "name": "PHED Water", "service": "water", "amountRule": "at-least" } ],
              "accounts": [ { "billerId": "PHED", "consumerNumber": "W-1", "name": "Gram Panchayat", "amountDue": 120, "dueDate": "2026-08-01" } ] }
            """);
        await using var broker = await EmbeddedBroker.StartAsync();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "sevakiosk-sim.dll"), "backend", "--broker", broker.Url, "--accounts", accounts })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        try
        {
            var started = JsonNode.Parse((await process.StandardOutput.ReadLineAsync())!)!;
            Assert.Equal("started", started["event"]!.GetValue<string>());
            Assert.Equal(1, started["accounts"]!.GetValue<int>());
            Assert.Equal("connected", JsonNode.Parse((await process.StandardOutput.ReadLineAsync())!)!["event"]!.GetValue<string>());

            await using var agent = new KioskAgent(TestAgents.Options("kiosk-cli", broker.Url, _fleet.PublicPem, _data.FullName), new RecordingTarget());
            agent.Start();
            await Wait.UntilAsync(() => agent.IsConnected, TimeSpan.FromSeconds(10), "the agent to connect");
            var bill = await agent.Backend.FetchBillAsync("water", "PHED", "W-1", CancellationToken.None);
            Assert.Equal((BillFetchOutcome.Found, 120m, AmountRule.AtLeast), (bill.Outcome, bill.AmountDue, bill.AmountRule));

            await process.StandardInput.WriteLineAsync("""{"pending":true}""");
            await process.StandardInput.FlushAsync();
            string? line;
            while ((line = await process.StandardOutput.ReadLineAsync()) is not null && !line.Contains("\"behaviour\"", StringComparison.Ordinal))
            {
            }

            Assert.Contains("\"pending\":true", line, StringComparison.Ordinal);
            var payment = await agent.Backend.SettlePaymentAsync(new PaymentPostRequest
            {
                RequestId = string.Empty,
                IdempotencyKey = "kiosk-cli-1",
                MachineId = "kiosk-cli",
                BillerId = "PHED",
                ConsumerNumber = "W-1",
                Amount = 150m,
            }, CancellationToken.None);
            Assert.Equal(PaymentResult.Pending, payment.Result);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}
