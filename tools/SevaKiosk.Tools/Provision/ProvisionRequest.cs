using System.Globalization;
using SevaKiosk.Firmware.Agent.Connection;
using SevaKiosk.Protocol.EscPos;
using SevaKiosk.Protocol.Mqtt;

namespace SevaKiosk.Tools.Provision;

/// <summary>A place name in English and Hindi; the Hindi form falls back to the English one when none was given.</summary>
internal sealed record PlaceName(string English, string? GivenHindi)
{
    public string Hindi => GivenHindi ?? English;
}

/// <summary>Everything <c>kioskctl provision</c> was asked for, before anything is written.</summary>
internal sealed record ProvisionRequest
{
    /// <summary>The banknotes in circulation in India (₹2000 is withdrawn from issue but remains legal tender).</summary>
    public static IReadOnlyList<decimal> IndianNotes { get; } = [10m, 20m, 50m, 100m, 200m, 500m, 2000m];

    public required string MachineId { get; init; }

    public required PlaceName Panchayat { get; init; }

    public required PlaceName Block { get; init; }

    public required PlaceName District { get; init; }

    /// <summary>The machine directory to create.</summary>
    public required string OutputDirectory { get; init; }

    public bool Force { get; init; }

    public string? FleetKeyPath { get; init; }

    /// <summary>Null: a bench configuration (the firmware starts its embedded broker and demo backend).</summary>
    public string? Broker { get; init; }

    /// <summary><c>password</c> or <c>certificate</c> (see <see cref="MachineAuth"/>).</summary>
    public string Auth { get; init; } = "password";

    public MachineAuth AuthKind => Auth == "certificate" ? MachineAuth.Certificate : MachineAuth.Password;

    public string? CaCertificatePath { get; init; }

    public string ValidatorProtocol { get; init; } = "ssp";

    public string PrinterProfile { get; init; } = PrinterProfiles.Default.Name;

    public IReadOnlyList<decimal> Notes { get; init; } = [10m, 20m, 50m, 100m, 200m, 500m];

    public string? ValidatorPort { get; init; }

    public string? PrinterPort { get; init; }

    public string? CardReaderPort { get; init; }

    public bool SimulatedDevices { get; init; }

    /// <summary>Root under which <c>/dev/serial/by-id</c> is read (tests use a fake tree).</summary>
    public string Sysroot { get; init; } = "/";

    /// <summary>Where the files of the machine directory live on the machine (the systemd unit reads <c>/etc/sevakiosk/kiosk.json</c>).</summary>
    public string InstallDirectory { get; init; } = "/etc/sevakiosk";

    /// <summary>Journal, receipts and agent state on the machine (the unit's <c>--data</c> and StateDirectory).</summary>
    public string DataDirectory { get; init; } = "/var/lib/sevakiosk";

    /// <summary>The broker as <c>scheme://host:port</c>, the default port filled in (the firmware wants it explicit).</summary>
    public string? NormalizedBroker => Broker is not null && BrokerEndpoint.TryParse(Broker, out var endpoint, out _) ? endpoint.ToString() : Broker;

    public bool UsesTls => Broker is not null && BrokerEndpoint.TryParse(Broker, out var endpoint, out _) && endpoint.UseTls;

    public PortRequest Ports => new(ValidatorProtocol, ValidatorPort, PrinterPort, CardReaderPort, SimulatedDevices);

    /// <summary>Every problem with the request, each naming its flag; empty when it can be carried out.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!KioskTopics.IsValidMachineId(MachineId))
        {
            problems.Add($"--machine-id '{MachineId}' must be 1-64 of A-Z a-z 0-9 - _ . (it becomes the MQTT client id and topic level)");
        }

        foreach (var (flag, name) in new[] { ("--panchayat", Panchayat), ("--block", Block), ("--district", District) })
        {
            CheckName(problems, flag, name.English);
            if (name.GivenHindi is not null)
            {
                CheckName(problems, flag + "-hindi", name.GivenHindi);
            }
        }

        if (!VendorDefaults.Protocols.Contains(ValidatorProtocol, StringComparer.Ordinal))
        {
            problems.Add($"--validator-protocol '{ValidatorProtocol}' is not one of {string.Join(", ", VendorDefaults.Protocols)}");
        }

        if (!PrinterProfiles.All.Any(p => string.Equals(p.Name, PrinterProfile, StringComparison.Ordinal)))
        {
            problems.Add($"--printer-profile '{PrinterProfile}' is not one of {string.Join(", ", PrinterProfiles.All.Select(p => p.Name))}");
        }

        if (Auth is not ("password" or "certificate"))
        {
            problems.Add($"--auth '{Auth}' is not password or certificate");
        }

        CheckNotes(problems);
        CheckBroker(problems);
        foreach (var (flag, port) in new[] { ("--validator-port", ValidatorPort), ("--printer-port", PrinterPort), ("--card-reader-port", CardReaderPort) })
        {
            if (port is not null && (SimulatedDevices || !port.StartsWith('/')))
            {
                problems.Add(SimulatedDevices ? $"{flag} cannot be combined with --simulated-devices" : $"{flag} '{port}' must be an absolute device path such as {VendorDefaults.ByIdDirectory}/usb-...");
            }
        }

        if (!InstallDirectory.StartsWith('/') || !DataDirectory.StartsWith('/'))
        {
            problems.Add("--install-dir and --data-dir must be absolute paths on the machine");
        }

        return problems;
    }

    /// <summary>Parses <c>10,20,50</c>; throws <see cref="FormatException"/> naming the bad entry.</summary>
    public static IReadOnlyList<decimal> ParseNotes(string text) =>
    [
        .. text.Split(',', StringSplitOptions.TrimEntries).Select(part =>
            decimal.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new FormatException($"--notes: '{part}' is not a whole rupee amount")),
    ];

    private void CheckNotes(List<string> problems)
    {
        if (Notes.Count == 0)
        {
            problems.Add("--notes names no note: the machine would refuse all cash");
        }

        foreach (var note in Notes.Where(n => !IndianNotes.Contains(n)))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"--notes: {note} is not an Indian banknote ({string.Join(",", IndianNotes)})"));
        }

        if (Notes.Distinct().Count() != Notes.Count)
        {
            problems.Add("--notes names a note twice");
        }
    }

    private void CheckBroker(List<string> problems)
    {
        if (Broker is null)
        {
            if (AuthKind == MachineAuth.Certificate || CaCertificatePath is not null)
            {
                problems.Add("--auth certificate and --ca-cert need --broker mqtts://host:port");
            }

            return;
        }

        if (!BrokerEndpoint.TryParse(Broker, out var endpoint, out var error))
        {
            problems.Add($"--broker {error}");
            return;
        }

        if (FleetKeyPath is null)
        {
            problems.Add("--fleet-key is required with --broker: without the pinned fleet key the machine cannot verify a single command");
        }

        if (endpoint.UseTls && CaCertificatePath is null)
        {
            problems.Add("--ca-cert is required with an mqtts:// broker: the machine pins the CA that signed the broker's certificate");
        }

        if (!endpoint.UseTls && AuthKind == MachineAuth.Certificate)
        {
            problems.Add("--auth certificate needs an mqtts:// broker: client certificates are presented in the TLS handshake");
        }

        if (!endpoint.UseTls && CaCertificatePath is not null)
        {
            problems.Add("--ca-cert is only used with an mqtts:// broker");
        }
    }

    private static void CheckName(List<string> problems, string flag, string value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Any(char.IsControl) || value.Length > 64)
        {
            problems.Add($"{flag} must be a place name of 1-64 printable characters");
        }
    }
}
