using System.CommandLine;
using SevaKiosk.Firmware.Host;

// sevakiosk: the kiosk firmware. `sevakiosk --demo` pays a bill on simulated hardware; `sevakiosk run` is what systemd
// starts on a machine; `sevakiosk report x|z` prints the cash reports from the journal; `sevakiosk config check`
// validates a configuration before it is flashed.
var root = KioskCommands.Create();
return await root.Parse(args).InvokeAsync(new InvocationConfiguration
{
    // The host owns SIGTERM/SIGINT: it must finish journaling and stop the devices, not be cut off after 2 s.
    ProcessTerminationTimeout = null,
}).ConfigureAwait(false);
