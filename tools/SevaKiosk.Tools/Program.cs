using System.CommandLine;
using SevaKiosk.Tools;
using SevaKiosk.Tools.Bundle;
using SevaKiosk.Tools.Diag;
using SevaKiosk.Tools.Flash;
using SevaKiosk.Tools.Fleet.Faults;
using SevaKiosk.Tools.Fleet.Report;
using SevaKiosk.Tools.Fleet.Watch;
using SevaKiosk.Tools.Keys;
using SevaKiosk.Tools.Provision;
using SevaKiosk.Tools.Receipt;
using SevaKiosk.Tools.Trace;

// kioskctl: the vendor's and technician's tool. Every subcommand lives in its own feature folder.
var root = new RootCommand("SevaKiosk tool for vendors and technicians: provision machines, make keys, bundle and flash firmware, diagnose devices, decode traces, render receipts, watch and report on the fleet.")
{
    ProvisionCommand.Create(),
    DiagCommands.Create(),
    TraceCommands.Create(),
    ReceiptCommands.Create(),
    KeysCommands.Create(),
    BundleCommand.Create(),
    FlashCommand.Create(),
    WatchCommand.Create(),
    ReportCommand.Create(),
    FaultsCommand.Create(),
};

return await CommandLineRun.InvokeAsync(root, args).ConfigureAwait(false);
