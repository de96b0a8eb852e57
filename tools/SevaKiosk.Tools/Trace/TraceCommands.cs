using System.CommandLine;

namespace SevaKiosk.Tools.Trace;

/// <summary><c>kioskctl trace ...</c>: work with captured byte traces.</summary>
internal static class TraceCommands
{
    public static Command Create() => new("trace", "Decode captured device byte traces.");
}
