using System.CommandLine;
using SevaKiosk.Tools.Bundle;
using SevaKiosk.Tools.Diag;
using SevaKiosk.Tools.Flash;
using SevaKiosk.Tools.Keys;
using SevaKiosk.Tools.Receipt;
using SevaKiosk.Tools.Trace;

// kioskctl: the vendor's and technician's tool. Every subcommand lives in its own feature folder.
var root = new RootCommand("SevaKiosk tool for vendors and technicians: diagnose devices, decode traces, render receipts, make keys, bundle and flash firmware.")
{
    DiagCommands.Create(),
    TraceCommands.Create(),
    ReceiptCommands.Create(),
    KeysCommands.Create(),
    BundleCommand.Create(),
    FlashCommand.Create(),
};

return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
