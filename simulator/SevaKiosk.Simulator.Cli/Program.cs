using System.CommandLine;
using SevaKiosk.Simulator.Cli;

// sevakiosk-sim: the hardware simulator as a process. Each device runs on its own pseudo-terminal so that the
// firmware and kioskctl open it by path exactly like a real port.
var root = new RootCommand("SevaKiosk hardware simulator: virtual devices on pseudo-terminals, driven by JSON lines.")
{
    DeviceCommands.Create(),
    BackendCommand.Create(),
};

return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
