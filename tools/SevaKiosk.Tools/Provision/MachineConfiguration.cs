using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using SevaKiosk.Firmware.Agent;
using SevaKiosk.Firmware.Hosting;
using SevaKiosk.Hal.CardReaders.Pn532;

namespace SevaKiosk.Tools.Provision;

/// <summary>What the configuration is built from: the request, the pinned keys, the credentials and the port map.</summary>
internal sealed record MachineConfigurationInputs(
    ProvisionRequest Request,
    FleetKeyPin? FleetKey,
    BrokerCaPin? BrokerCa,
    MachinePassword? Password,
    MachineClientKey? ClientKey,
    PortMap Ports,
    DateTimeOffset ProvisionedAt);

/// <summary>
/// The machine's <c>kiosk.json</c>: the firmware's own shipped <c>appsettings.json</c> (embedded at build time, so
/// defaults such as session timeouts and log levels follow the firmware) with this machine's identity, devices,
/// broker and pinned keys written over it, plus a <c>Provision</c> section recording fingerprints and where each port
/// came from. The broker password goes to a separate secrets file with the same shape.
/// </summary>
internal static class MachineConfiguration
{
    public const string ProvisionSection = "Provision";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonObject Build(MachineConfigurationInputs inputs)
    {
        var request = inputs.Request;
        var root = FirmwareDefaults();

        var kiosk = Section(root, KioskOptions.Section);
        kiosk[nameof(KioskOptions.MachineId)] = request.MachineId;
        kiosk[nameof(KioskOptions.Panchayat)] = request.Panchayat.English;
        kiosk[nameof(KioskOptions.PanchayatHindi)] = request.Panchayat.Hindi;
        kiosk[nameof(KioskOptions.Block)] = request.Block.English;
        kiosk[nameof(KioskOptions.BlockHindi)] = request.Block.Hindi;
        kiosk[nameof(KioskOptions.District)] = request.District.English;
        kiosk[nameof(KioskOptions.DistrictHindi)] = request.District.Hindi;
        kiosk[nameof(KioskOptions.DataDirectory)] = request.DataDirectory;

        var validator = Section(root, ValidatorSettings.Section);
        validator[nameof(ValidatorSettings.Protocol)] = request.ValidatorProtocol;
        validator[nameof(ValidatorSettings.Port)] = inputs.Ports.Validator.Path ?? string.Empty;
        validator[nameof(ValidatorSettings.Serial)] = VendorDefaults.For(request.ValidatorProtocol).Serial.ToString();
        validator[nameof(ValidatorSettings.AcceptedNotes)] = new JsonArray([.. request.Notes.Select(n => JsonValue.Create(n))]);

        var printer = Section(root, PrinterSettings.Section);
        printer[nameof(PrinterSettings.Port)] = inputs.Ports.Printer.Path ?? string.Empty;
        printer[nameof(PrinterSettings.Profile)] = request.PrinterProfile;

        if (inputs.Ports.CardReader.Path is { } cardReader)
        {
            Section(root, Pn532CardReaderOptions.Section)[nameof(Pn532CardReaderOptions.Port)] = cardReader;
        }

        WriteAgent(Section(root, BrokerSettings.Section), inputs);
        root[ProvisionSection] = ProvisionRecord(inputs);
        return root;
    }

    /// <summary>The secrets file: only the password, under the same key the firmware binds (<c>Agent:Password</c>).</summary>
    public static JsonObject Secrets(MachinePassword password) => new()
    {
        [BrokerSettings.Section] = new JsonObject { [nameof(KioskAgentOptions.Password)] = password.Password },
    };

    public static string ToText(JsonObject json) => json.ToJsonString(Indented) + "\n";

    /// <summary>Where a file of the machine directory will be on the machine.</summary>
    public static string Installed(ProvisionRequest request, string file) => $"{request.InstallDirectory.TrimEnd('/')}/{file}";

    private static void WriteAgent(JsonObject agent, MachineConfigurationInputs inputs)
    {
        var request = inputs.Request;
        agent[nameof(KioskAgentOptions.Broker)] = request.Broker ?? string.Empty;
        if (inputs.FleetKey is { } fleetKey)
        {
            // Inline, not a path: the pinned key then travels with the configuration and cannot be swapped on disk alone.
            agent[nameof(KioskAgentOptions.FleetPublicKey)] = fleetKey.Pem;
        }

        if (inputs.BrokerCa is not null)
        {
            agent[nameof(KioskAgentOptions.CaCertificateFile)] = Installed(request, MachineFiles.BrokerCa);
        }

        if (inputs.Password is { } password)
        {
            agent[nameof(KioskAgentOptions.Username)] = password.Username;
        }

        if (inputs.ClientKey is not null)
        {
            agent[nameof(KioskAgentOptions.ClientCertificateFile)] = Installed(request, MachineFiles.ClientCertificate);
            agent[nameof(KioskAgentOptions.ClientKeyFile)] = Installed(request, MachineFiles.ClientKey);
        }
    }

    private static JsonObject ProvisionRecord(MachineConfigurationInputs inputs)
    {
        var record = new JsonObject
        {
            ["MachineId"] = inputs.Request.MachineId,
            ["ProvisionedAt"] = inputs.ProvisionedAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["Tool"] = $"kioskctl {typeof(MachineConfiguration).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]}",
            ["Auth"] = inputs.Request.Broker is null ? "none" : inputs.Request.Auth.ToString().ToLowerInvariant(),
        };
        if (inputs.FleetKey is { } fleetKey)
        {
            record["FleetKeySha256"] = fleetKey.Sha256;
        }

        if (inputs.BrokerCa is { } ca)
        {
            record["BrokerCaSha256"] = ca.Sha256;
        }

        if (inputs.ClientKey is { } clientKey)
        {
            record["ClientKeySha256"] = clientKey.PublicKeySha256;
        }

        record["Ports"] = new JsonObject([.. inputs.Ports.All.Select(a => KeyValuePair.Create(a.Role.ToString(), (JsonNode?)JsonValue.Create(Describe(a.Source))))]);
        return record;
    }

    public static string Describe(PortSource source) => source switch
    {
        PortSource.Discovered => "discovered",
        PortSource.Override => "override",
        PortSource.VendorDefault => "vendor-default",
        PortSource.Simulated => "simulated",
        _ => "not-fitted",
    };

    private static JsonObject FirmwareDefaults()
    {
        using var stream = typeof(MachineConfiguration).Assembly.GetManifestResourceStream("firmware-appsettings.json")
            ?? throw new InvalidOperationException("The firmware's appsettings.json is not embedded in kioskctl (see SevaKiosk.Tools.csproj).");
        return JsonNode.Parse(stream, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })!.AsObject();
    }

    private static JsonObject Section(JsonObject root, string name)
    {
        if (root[name] is JsonObject existing)
        {
            return existing;
        }

        var created = new JsonObject();
        root[name] = created;
        return created;
    }
}
