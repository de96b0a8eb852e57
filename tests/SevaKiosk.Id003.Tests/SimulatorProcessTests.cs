using System.Diagnostics;
using System.Text.Json.Nodes;
using SevaKiosk.Hal.Links;
using SevaKiosk.Protocol.Id003;

namespace SevaKiosk.Id003.Tests;

/// <summary>
/// The real <c>sevakiosk-sim device validator --protocol id003 --pty</c> process, opened by path with the same serial
/// port code (8E1) the firmware uses on a kiosk. Real clock, so it is the one slow-ish test of this project.
/// </summary>
public class SimulatorProcessTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Simulator_process_answers_over_its_pty_at_8e1_and_reports_events_on_stdout()
    {
        using var process = StartSimulator();
        try
        {
            var first = await ReadJsonLineAsync(process, _ => true);
            Assert.Equal("id003", (string)first["protocol"]!);
            Assert.Equal("validator", (string)first["device"]!);
            var port = (string)first["port"]!;

            await using var link = await new SerialPortLinkFactory(port, SerialSettings.Id003).OpenAsync(CancellationToken.None);
            var reader = new Id003FrameReader();

            Assert.Equal("FC05402B15", await ExchangeAsync(link, reader, Id003FrameWriter.ToArray(Id003Command.StatusRequest)));
            Assert.Equal("FC0550AA05", await ExchangeAsync(link, reader, Id003FrameWriter.ToArray(Id003Command.Reset)));
            Assert.Equal("FC051B7DF9", await ExchangeAsync(link, reader, Id003FrameWriter.ToArray(Id003Command.StatusRequest)));

            await ReadJsonLineAsync(process, line => (string?)line["event"] == "reset");
            await process.StandardInput.WriteLineAsync("""{"status":true}""");
            var status = await ReadJsonLineAsync(process, line => line["status"] is JsonObject);
            Assert.True((bool)status["ok"]!);
            Assert.Equal("INITIALIZE", (string)status["status"]!["status"]!);
        }
        finally
        {
            process.StandardInput.Close();
            if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                process.Kill(entireProcessTree: true);
            }
        }

        Assert.Equal(0, process.ExitCode);
    }

    private static Process StartSimulator()
    {
        var dotnet = Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "sevakiosk-sim.dll"), "device", "validator", "--protocol", "id003", "--pty" })
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info) ?? throw new InvalidOperationException("sevakiosk-sim did not start.");
    }

    private static async Task<JsonObject> ReadJsonLineAsync(Process process, Func<JsonObject, bool> wanted)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                ?? throw new InvalidOperationException($"sevakiosk-sim ended: {await process.StandardError.ReadToEndAsync(timeout.Token)}");
            var json = JsonNode.Parse(line)!.AsObject();
            if (wanted(json))
            {
                return json;
            }
        }
    }

    private static async Task<string> ExchangeAsync(Stream link, Id003FrameReader reader, byte[] command)
    {
        await link.WriteAsync(command);
        await link.FlushAsync();
        using var timeout = new CancellationTokenSource(Patience);
        var buffer = new byte[64];
        while (true)
        {
            var n = await link.ReadAsync(buffer, timeout.Token);
            var position = 0;
            while (true)
            {
                var result = reader.Read(buffer.AsSpan(position, n - position), out var consumed);
                position += consumed;
                if (result == Id003ReadResult.Frame)
                {
                    return Convert.ToHexString(reader.Frame);
                }

                if (result == Id003ReadResult.NeedMoreData)
                {
                    break;
                }
            }
        }
    }
}
