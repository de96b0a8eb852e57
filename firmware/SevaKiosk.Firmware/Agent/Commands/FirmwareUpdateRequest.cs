using System.Diagnostics.CodeAnalysis;

namespace SevaKiosk.Firmware.Agent.Commands;

/// <summary>The arguments of a verified <c>update</c> command.</summary>
public sealed record FirmwareUpdateRequest(string CmdId, Uri Url, string Sha256, string Version)
{
    /// <summary>Reads <c>url</c>, <c>sha256</c> and <c>version</c>; false with a reason naming the bad argument.</summary>
    public static bool TryParse(string cmdId, IReadOnlyDictionary<string, string> args, [NotNullWhen(true)] out FirmwareUpdateRequest? request, [NotNullWhen(false)] out string? problem)
    {
        request = null;
        if (!args.TryGetValue("url", out var text) || !Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            problem = "update needs a 'url' (absolute http or https)";
            return false;
        }

        if (!args.TryGetValue("sha256", out var sha) || sha.Length != 64 || !sha.All(char.IsAsciiHexDigit))
        {
            problem = "update needs a 'sha256' of 64 hex digits (the bundle file's SHA-256)";
            return false;
        }

        if (!args.TryGetValue("version", out var version) || version.Length is 0 or > 64 || !version.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '+' or '_'))
        {
            problem = "update needs a 'version' (1-64 of letters, digits, . - + _)";
            return false;
        }

        request = new FirmwareUpdateRequest(cmdId, url, sha.ToLowerInvariant(), version);
        problem = null;
        return true;
    }
}
