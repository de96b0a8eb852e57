using System.CommandLine;
using SevaKiosk.Simulator.Control;
using SevaKiosk.Simulator.Devices.CardReaders.Pn532;

namespace SevaKiosk.Simulator.Cli;

/// <summary>
/// <c>sevakiosk-sim device card-reader [--pty]</c>: a PN532 contactless reader on a new pseudo-terminal. Control lines:
/// <c>{"tap":{"uid":"04A224B1C35E80","type":"ultralight","ndef":"..."}}</c>, <c>{"remove":true}</c>,
/// <c>{"silent":true}</c>; device events (tapped, removed, listed, exchange, silent) come out as JSON lines.
/// </summary>
internal static class CardReaderCommand
{
    public static Command Create()
    {
        var pty = new Option<bool>("--pty") { Description = "Serve on a new pseudo-terminal (the default and only transport)." };
        var command = new Command("card-reader", "A PN532 NFC reader (HSU, 115200 8N1). Prints {\"port\":...} first, then reads control commands as JSON lines on stdin.")
        {
            pty,
        };
        command.SetAction(async (_, cancellationToken) =>
            await DeviceControlSession.RunAsync(new SimulatedPn532(), Console.In, Console.Out, cancellationToken).ConfigureAwait(false));
        return command;
    }
}
