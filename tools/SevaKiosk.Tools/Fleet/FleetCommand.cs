using System.Net.Sockets;
using MQTTnet.Exceptions;
using Spectre.Console;

namespace SevaKiosk.Tools.Fleet;

/// <summary>What the fleet commands share: exit codes for failures a user can act on, and the console they draw on.</summary>
internal static class FleetCommand
{
    /// <summary>Bad option, file or data: the message says what to fix (the same code as a usage error).</summary>
    public const int BadInput = CommandLineRun.UsageError;

    /// <summary>The broker could not be reached, or refused the connection or a subscription.</summary>
    public const int BrokerUnreachable = 3;

    /// <summary>Runs a command body; turns the failures a user can fix into one line on stderr and an exit code.</summary>
    public static async Task<int> RunAsync(TextWriter error, Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (FleetInputException ex)
        {
            await error.WriteLineAsync("kioskctl: " + ex.Message).ConfigureAwait(false);
            return BadInput;
        }
        catch (BrokerRefusedException ex)
        {
            await error.WriteLineAsync("kioskctl: " + ex.Message).ConfigureAwait(false);
            return BrokerUnreachable;
        }
        catch (Exception ex) when (ex is MqttCommunicationException or SocketException or TimeoutException)
        {
            await error.WriteLineAsync("kioskctl: the broker is not reachable: " + ex.Message).ConfigureAwait(false);
            return BrokerUnreachable;
        }
        catch (OperationCanceledException)
        {
            return 0;
        }
    }

    /// <summary>
    /// A Spectre console on the command's output. The real terminal gets colours and its own width; any other writer
    /// (a file, a pipe, a test) gets plain text at <paramref name="width"/> columns (160 when not given).
    /// </summary>
    public static IAnsiConsole Console(TextWriter output, int? width)
    {
        var terminal = ReferenceEquals(output, System.Console.Out) && !System.Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (width is { } columns)
        {
            console.Profile.Width = columns;
        }
        else if (!terminal)
        {
            console.Profile.Width = 160;
        }

        return console;
    }
}
