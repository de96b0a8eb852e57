using System.Diagnostics;
using System.Text.Json.Nodes;
using SevaKiosk.Hal.Links;
using SevaKiosk.Protocol.CcTalk;

namespace SevaKiosk.CcTalk.Tests;

/// <summary>The real <c>sevakiosk-sim</c> process on a pseudo-terminal, opened the way the firmware opens a port.</summary>
public class SimulatorProcessTests
{
    [Fact]
    public async Task Sevakiosk_sim_cctalk_answers_a_simple_poll_over_its_pty_behind_the_echo()
    {
        using var process = StartSimulator();
        try
        {
            var first = JsonNode.Parse(await ReadLineAsync(process))!;
            Assert.Equal("cctalk", (string?)first["protocol"]);
            var port = (string)first["port"]!;

            await using var link = await new SerialPortLinkFactory(port, SerialSettings.CcTalk).OpenAsync(CancellationToken.None);
            var poll = CcTalkFrameWriter.ToArray(CcTalkChecksumMode.Simple8, 40, 1, CcTalkHeader.SimplePoll);
            await link.WriteAsync(poll);

            var echo = new CcTalkEchoSkipper();
            echo.Expect(poll);
            var reader = new CcTalkFrameReader(CcTalkChecksumMode.Simple8, destination: 1);
            var buffer = new byte[64];
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (true)
            {
                var n = await link.ReadAsync(buffer, deadline.Token);
                var result = echo.Skip(buffer.AsSpan(0, n), out var offset);
                Assert.NotEqual(CcTalkEchoResult.Mismatch, result);
                if (result == CcTalkEchoResult.NeedMoreData)
                {
                    continue;
                }

                if (reader.Read(buffer.AsSpan(offset, n - offset), out _) == CcTalkReadResult.Frame)
                {
                    break;
                }
            }

            Assert.Equal((byte)CcTalkHeader.Ack, reader.Header);
            Assert.Equal((byte?)40, reader.Source);
            Assert.True(reader.Data.IsEmpty);

            await process.StandardInput.WriteLineAsync("""{"status":true}""");
            Assert.Equal(0, (int)JsonNode.Parse(await ReadLineAsync(process))!["counter"]!);
        }
        finally
        {
            process.StandardInput.Close();
            if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static Process StartSimulator()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "sevakiosk-sim.dll"), "device", "validator", "--protocol", "cctalk", "--pty" })
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("could not start sevakiosk-sim");
    }

    private static async Task<string> ReadLineAsync(Process process)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        return await process.StandardOutput.ReadLineAsync(deadline.Token) ?? throw new EndOfStreamException("sevakiosk-sim closed its output");
    }
}
