using System.CommandLine;

namespace SevaKiosk.Tools.Diag;

/// <summary><c>kioskctl diag &lt;device&gt;</c>: talk to one device and print what it says.</summary>
internal static class DiagCommands
{
    public static Command Create() => new("diag", "Diagnose one device on a port: identity, status, counters.")
    {
        ValidatorDiagCommand.Create(),
        CardReaderDiagCommand.Create(),
        IoDiagCommand.Create(),
        SensorsDiagCommand.Create(),
        PrinterDiagCommand.Create(),
    };
}
