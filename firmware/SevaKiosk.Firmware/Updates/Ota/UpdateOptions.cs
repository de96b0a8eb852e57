using System.Runtime.InteropServices;
using SevaKiosk.Firmware.Updates.Slots;

namespace SevaKiosk.Firmware.Updates.Ota;

/// <summary>Over-the-air updates (configuration section <c>Updates</c>; TimeSpans as <c>hh:mm:ss</c>).</summary>
public sealed class UpdateOptions
{
    public const string Section = "Updates";

    /// <summary>
    /// The slot layout's root (<c>/opt/sevakiosk</c>). Empty = the layout the program runs from (its directory is
    /// <c>…/slots/a</c> or <c>…/slots/b</c>); a program that does not run from a slot cannot update itself.
    /// </summary>
    public string? InstallRoot { get; set; }

    /// <summary>
    /// The vendor's bundle-signing public key (SubjectPublicKeyInfo PEM, or a path to one). Empty =
    /// <c>etc/sevakiosk/vendor-signing.pub.pem</c> in the layout's target root, where <c>kioskctl flash</c> pins it.
    /// </summary>
    public string? VendorPublicKey { get; set; }

    /// <summary>Where bundles are downloaded (a partial file is kept here across restarts). Empty = <c>DATA/updates</c>.</summary>
    public string? DownloadDirectory { get; set; }

    /// <summary>The RID bundles must be built for; empty = this program's own.</summary>
    public string? Rid { get; set; }

    /// <summary>Starts of a trial slot allowed before falling back without a health check (a crash loop, a power cut loop).</summary>
    public int MaxTrialBoots { get; set; } = 3;

    /// <summary>How long the trial slot's health check may take: the broker may be slow to reach over 2G.</summary>
    public TimeSpan HealthDeadline { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>How often the install waits for an open session to close.</summary>
    public TimeSpan QuietPollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>First and largest pause between download attempts (exponential, with jitter).</summary>
    public TimeSpan RetryMinDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A download that receives nothing for this long is dropped and resumed.</summary>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>An update not installed this long after it was accepted is given up (reported failed).</summary>
    public TimeSpan JobDeadline { get; set; } = TimeSpan.FromHours(48);

    /// <summary>The slot layout these options name, or null when the program does not run from one.</summary>
    public SlotLayout? ResolveLayout(string programDirectory) =>
        string.IsNullOrWhiteSpace(InstallRoot) ? SlotLayout.OfProgramDirectory(programDirectory) : new SlotLayout(InstallRoot);

    public string ResolveVendorKey(SlotLayout layout) =>
        !string.IsNullOrWhiteSpace(VendorPublicKey)
            ? VendorPublicKey
            : Path.Combine(layout.TargetRoot ?? "/", VendorKeyInTarget);

    public string ResolveRid() => string.IsNullOrWhiteSpace(Rid) ? RuntimeInformation.RuntimeIdentifier : Rid;

    /// <summary>Where <c>kioskctl flash</c> pins the vendor key, relative to the target root.</summary>
    public const string VendorKeyInTarget = "etc/sevakiosk/vendor-signing.pub.pem";

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (MaxTrialBoots < 1)
        {
            problems.Add("Updates:MaxTrialBoots must be at least 1.");
        }

        foreach (var (name, value) in new[]
        {
            (nameof(HealthDeadline), HealthDeadline), (nameof(QuietPollInterval), QuietPollInterval), (nameof(RetryMinDelay), RetryMinDelay),
            (nameof(StallTimeout), StallTimeout), (nameof(JobDeadline), JobDeadline),
        })
        {
            if (value <= TimeSpan.Zero)
            {
                problems.Add($"Updates:{name} must be positive.");
            }
        }

        if (RetryMaxDelay < RetryMinDelay)
        {
            problems.Add("Updates:RetryMaxDelay must not be below Updates:RetryMinDelay.");
        }

        return problems;
    }
}
