using System.CommandLine;

namespace SevaKiosk.Tools.Trace;

/// <summary><c>kioskctl trace ...</c>: work with captured byte traces.</summary>
internal static class TraceCommands
{
    public static Command Create() => new("trace", "Decode captured device byte traces.")
    {
        DecodeCommand(),
    };

    private static Command DecodeCommand()
    {
        var protocol = new Option<string>("--protocol")
        {
            Description = $"Wire protocol of the capture: {string.Join(", ", TraceDecoders.Protocols)}.",
            DefaultValueFactory = _ => "ssp",
        };
        var json = new Option<bool>("--json") { Description = "One JSON object per frame (offset, dir, kind, name, hex, events ...)." };
        var binary = new Option<bool>("--binary") { Description = "The file holds raw captured bytes, not hex text." };
        var key = new Option<string?>("--key") { Description = "SSP only: eSSP AES key (32 hex digits: fixed key then negotiated key, little-endian) to decrypt encrypted frames." };
        var file = new Argument<string>("FILE") { Description = "Capture file, or - for standard input." };
        var command = new Command(
            "decode",
            "Decode a capture: hex text (bytes separated by spaces, # comments, optional > host-to-device / < device-to-host line prefixes) or raw bytes with --binary. Bad frames and garbage are reported and skipped.")
        {
            protocol, json, binary, key, file,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var request = new TraceDecodeRequest(result.GetValue(protocol)!, result.GetValue(file)!, result.GetValue(binary), result.GetValue(json), result.GetValue(key));
            return await TraceDecodeRunner.RunAsync(request, Console.In, result.InvocationConfiguration.Output, result.InvocationConfiguration.Error, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
