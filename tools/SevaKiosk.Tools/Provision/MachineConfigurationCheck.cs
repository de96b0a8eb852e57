using Microsoft.Extensions.Configuration;
using SevaKiosk.Firmware.Agent;
using SevaKiosk.Firmware.Hosting;

namespace SevaKiosk.Tools.Provision;

/// <summary>
/// Runs the firmware's own validation over a machine directory before it is handed out: the firmware's shipped
/// defaults with <c>kiosk.json</c> over them, as the machine layers them, through <see cref="KioskConfiguration.Load"/>
/// and then the agent's own checks. Files the configuration names under the install directory are read from the
/// machine directory, so the pinned key and the password file are really read. The client certificate is the one
/// thing that cannot exist yet (the fleet CA signs the request later); it is left out of this check only.
/// </summary>
internal static class MachineConfigurationCheck
{
    private static readonly string[] FileKeys =
    [
        "Agent:" + MachineConfiguration.PasswordFileKey,
        "Agent:" + MachineConfiguration.FleetPublicKeyFileKey,
        "Agent:" + nameof(KioskAgentOptions.CaCertificateFile),
        "Agent:" + nameof(KioskAgentOptions.ClientKeyFile),
    ];

    /// <exception cref="KioskConfigurationException">The firmware would not start with it, or would read it otherwise than meant.</exception>
    public static KioskRuntimeSettings Check(string directory, ProvisionRequest request)
    {
        var file = Path.Combine(directory, MachineFiles.Configuration);
        var written = Layered(file).Build();
        var installed = request.InstallDirectory.TrimEnd('/') + "/";
        var here = new List<KeyValuePair<string, string?>> { new("Config:Directory", directory) };
        foreach (var key in FileKeys)
        {
            if (written[key] is { } path && path.StartsWith(installed, StringComparison.Ordinal))
            {
                here.Add(new(key, Path.Combine(directory, path[installed.Length..])));
            }
        }

        if (!string.IsNullOrEmpty(written["Agent:" + nameof(KioskAgentOptions.ClientCertificateFile)]))
        {
            here.Add(new("Agent:" + nameof(KioskAgentOptions.ClientCertificateFile), string.Empty));
        }

        var settings = KioskConfiguration.Load(Layered(file).AddInMemoryCollection(here).Build());

        // Read back what matters for money: the notes the firmware will take must be exactly the ones asked for.
        if (!settings.Validator.AcceptedNotes.SequenceEqual(request.Notes))
        {
            throw new KioskConfigurationException(
                "Validator:AcceptedNotes",
                $"the firmware would accept {string.Join(",", settings.Validator.AcceptedNotes)} instead of {string.Join(",", request.Notes)}");
        }

        if (!string.IsNullOrWhiteSpace(settings.Agent.Broker))
        {
            // The runtime gives the agent the kiosk's machine id, then the agent checks itself at construction.
            settings.Agent.MachineId = settings.Kiosk.MachineId;
            if (settings.Agent.Validate() is [var first, ..])
            {
                var key = first.Split(' ')[0];
                throw new KioskConfigurationException(key, first[(key.Length + 1)..]);
            }
        }

        return settings;
    }

    /// <summary>The firmware's shipped defaults, then kiosk.json: the machine's own layering, without its environment.</summary>
    private static ConfigurationBuilder Layered(string file)
    {
        var builder = new ConfigurationBuilder();
        builder.AddJsonStream(MachineConfiguration.FirmwareDefaults());
        builder.AddJsonFile(file, optional: false, reloadOnChange: false);
        return builder;
    }
}
