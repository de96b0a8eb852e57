using System.Diagnostics;

namespace SevaKiosk.Tools.Bundle;

/// <summary>
/// Runs <c>dotnet publish</c> of the firmware host self-contained for one RID into a folder, passing each output line
/// to the caller (for the progress display) and keeping the last ones for the error message.
/// </summary>
internal static class FirmwarePublisher
{
    public static async Task PublishAsync(PublishRequest request, Action<string> onLine, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in Arguments(request))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet could not be started");
        var tail = new Queue<string>();
        void Keep(string? line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                return;
            }

            lock (tail)
            {
                tail.Enqueue(line);
                if (tail.Count > 30)
                {
                    tail.Dequeue();
                }
            }

            onLine(line.Trim());
        }

        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.ExitCode != 0)
        {
            string lines;
            lock (tail)
            {
                lines = string.Join(Environment.NewLine, tail.Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).DefaultIfEmpty(string.Join(Environment.NewLine, tail)));
            }

            throw new InvalidOperationException($"dotnet publish failed (exit {process.ExitCode}):{Environment.NewLine}{lines}");
        }
    }

    public static IReadOnlyList<string> Arguments(PublishRequest request)
    {
        var arguments = new List<string>
        {
            "publish", request.Project,
            "-c", request.Configuration,
            "-r", request.Rid,
            "--self-contained",
            "-o", request.OutputDirectory,
            "--nologo",
            "-v", "minimal",
            // The apphost is what systemd starts; the build's own sevakiosk.service copy is replaced by the bundle's.
            "-p:UseAppHost=true",
        };
        if (request.Version is { } version)
        {
            arguments.Add("-p:Version=" + version);
        }

        if (!request.BuildReferences)
        {
            // The referenced libraries are already built in this configuration: restore and compile only the host
            // for the RID, leaving the libraries' obj/ and bin/ as they are (other builds and tests may be using them).
            arguments.Add("--no-dependencies");
            arguments.Add("-p:BuildProjectReferences=false");
        }

        return arguments;
    }
}

/// <summary>What to publish and where.</summary>
internal sealed record PublishRequest(string Project, string Rid, string Configuration, string OutputDirectory, string? Version, bool BuildReferences = true);
