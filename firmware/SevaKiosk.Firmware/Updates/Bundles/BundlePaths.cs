namespace SevaKiosk.Firmware.Updates.Bundles;

/// <summary>
/// The names inside a bundle archive and the rule for payload paths: relative, forward slashes, no <c>.</c> or
/// <c>..</c> segment, no empty segment, printable ASCII. A path that breaks the rule could write outside the slot.
/// </summary>
public static class BundlePaths
{
    public const string ManifestEntry = "manifest.json";
    public const string SignatureEntry = "manifest.sig";

    /// <summary>Payload files sit under this prefix in the archive (<c>payload/sevakiosk</c>).</summary>
    public const string PayloadPrefix = "payload/";

    public static void Check(string path)
    {
        if (string.IsNullOrEmpty(path) || path.Length > 512 || path[0] == '/' || path.Any(c => c is < ' ' or > '~' or '\\'))
        {
            throw new BundleRejectedException($"unsafe path in bundle: '{path}'");
        }

        foreach (var segment in path.Split('/'))
        {
            if (segment is "" or "." or "..")
            {
                throw new BundleRejectedException($"unsafe path in bundle: '{path}'");
            }
        }
    }
}
