using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using SevaKiosk.Firmware.Agent;
using SevaKiosk.Firmware.Hosting;
using SevaKiosk.Hal.Printers;

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
/// The machine's <c>kiosk.json</c>, layered by the firmware over its own <c>appsettings.json</c>: only what belongs to
/// this machine (identity, place, devices, broker, credential and key files), so defaults such as session timeouts
/// keep following the installed firmware. Secrets are files the configuration names, never values in it. The
/// <c>Provision</c> section records fingerprints and where each port came from, for the technician and fleet tools;
/// the firmware does not act on it.
/// </summary>
internal static class MachineConfiguration
{
    public const string ProvisionSection = "Provision";

    /// <summary>Read by the firmware's loader from a file (<see cref="KioskConfiguration"/>): the secret never sits in kiosk.json.</summary>
    public const string PasswordFileKey = "PasswordFile";

    public const string FleetPublicKeyFileKey = "FleetPublicKeyFile";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonObject Build(MachineConfigurationInputs inputs)
    {
        var request = inputs.Request;
        var validatorDefaults = VendorDefaults.For(request.ValidatorProtocol);
        return new JsonObject
        {
            [KioskOptions.Section] = new JsonObject
            {
                [nameof(KioskOptions.MachineId)] = request.MachineId,
                [nameof(KioskOptions.Panchayat)] = request.Panchayat.English,
                [nameof(KioskOptions.PanchayatHindi)] = request.Panchayat.Hindi,
                [nameof(KioskOptions.Block)] = request.Block.English,
                [nameof(KioskOptions.BlockHindi)] = request.Block.Hindi,
                [nameof(KioskOptions.District)] = request.District.English,
                [nameof(KioskOptions.DistrictHindi)] = request.District.Hindi,
                [nameof(KioskOptions.DataDirectory)] = request.DataDirectory,
            },
            [ValidatorSettings.Section] = new JsonObject
            {
                [nameof(ValidatorSettings.Protocol)] = request.ValidatorProtocol,
                [nameof(ValidatorSettings.Port)] = inputs.Ports.Validator.Path ?? string.Empty,
                [nameof(ValidatorSettings.Serial)] = validatorDefaults.Serial.ToString(),
                [nameof(ValidatorSettings.AcceptedNotes)] = new JsonArray([.. request.Notes.Select(n => JsonValue.Create(n))]),
            },
            [PrinterSettings.Section] = new JsonObject
            {
                [nameof(PrinterSettings.Port)] = inputs.Ports.Printer.Path ?? string.Empty,
                [nameof(PrinterSettings.Profile)] = request.PrinterProfile,
            },
            [BrokerSettings.Section] = Agent(inputs),
            [ProvisionSection] = ProvisionRecord(inputs),
        };
    }

    public static string ToText(JsonObject json) => json.ToJsonString(Indented) + "\n";

    /// <summary>Where a file of the machine directory will be on the machine.</summary>
    public static string Installed(ProvisionRequest request, string file) => $"{request.InstallDirectory.TrimEnd('/')}/{file}";

    /// <summary>The firmware's shipped <c>appsettings.json</c>, embedded in kioskctl at build time: the layer under kiosk.json.</summary>
    public static Stream FirmwareDefaults() =>
        typeof(MachineConfiguration).Assembly.GetManifestResourceStream("firmware-appsettings.json")
        ?? throw new InvalidOperationException("The firmware's appsettings.json is not embedded in kioskctl (see SevaKiosk.Tools.csproj).");

    private static JsonObject Agent(MachineConfigurationInputs inputs)
    {
        var request = inputs.Request;
        var agent = new JsonObject { [nameof(KioskAgentOptions.Broker)] = request.NormalizedBroker ?? string.Empty };
        if (inputs.FleetKey is not null)
        {
            agent[FleetPublicKeyFileKey] = Installed(request, MachineFiles.FleetKey);
        }

        if (inputs.BrokerCa is not null)
        {
            agent[nameof(KioskAgentOptions.CaCertificateFile)] = Installed(request, MachineFiles.BrokerCa);
        }

        if (inputs.Password is { } password)
        {
            agent[nameof(KioskAgentOptions.Username)] = password.Username;
            agent[PasswordFileKey] = Installed(request, MachineFiles.BrokerPassword);
        }

        if (inputs.ClientKey is not null)
        {
            agent[nameof(KioskAgentOptions.ClientCertificateFile)] = Installed(request, MachineFiles.ClientCertificate);
            agent[nameof(KioskAgentOptions.ClientKeyFile)] = Installed(request, MachineFiles.ClientKey);
        }

        return agent;
    }

    private static JsonObject ProvisionRecord(MachineConfigurationInputs inputs)
    {
        var record = new JsonObject
        {
            ["ProvisionedAt"] = inputs.ProvisionedAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["Tool"] = $"kioskctl {typeof(MachineConfiguration).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]}",
            ["Auth"] = inputs.Request.Broker is null ? "none" : inputs.Request.Auth,
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

        // The whole port map, the card reader included: the firmware has no card-reader section yet.
        var ports = new JsonObject();
        foreach (var port in inputs.Ports.All)
        {
            var entry = new JsonObject { ["Source"] = Describe(port.Source) };
            if (port.Path is not null)
            {
                entry["Path"] = port.Path;
            }

            if (port.Detail is not null)
            {
                entry["Device"] = port.Detail;
            }

            ports[port.Role.ToString()] = entry;
        }

        record["Ports"] = ports;
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
}
