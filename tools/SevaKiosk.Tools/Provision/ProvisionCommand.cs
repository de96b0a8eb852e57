using System.CommandLine;
using SevaKiosk.Protocol.EscPos;

namespace SevaKiosk.Tools.Provision;

/// <summary>
/// <c>kioskctl provision --machine-id ID --panchayat NAME --block NAME --district NAME --out DIR [...]</c>: creates a
/// machine directory (identity, broker credentials, pinned fleet key, port map, firmware configuration, machine card).
/// </summary>
internal static class ProvisionCommand
{
    public static Command Create()
    {
        var machineId = new Option<string>("--machine-id") { Description = "Machine id, unique in the fleet (MQTT client id, topic level, transaction id prefix), e.g. RJ-JP-BAS-0001.", Required = true };
        var panchayat = new Option<string>("--panchayat") { Description = "Gram panchayat the machine serves (English).", Required = true };
        var block = new Option<string>("--block") { Description = "Block (panchayat samiti).", Required = true };
        var district = new Option<string>("--district") { Description = "District.", Required = true };
        var panchayatHindi = new Option<string?>("--panchayat-hindi") { Description = "Panchayat name in Hindi for receipts (default: the English name)." };
        var blockHindi = new Option<string?>("--block-hindi") { Description = "Block name in Hindi." };
        var districtHindi = new Option<string?>("--district-hindi") { Description = "District name in Hindi." };
        var output = new Option<string>("--out") { Description = "Machine directory to create.", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace an existing machine directory (its credentials are lost)." };
        var fleetKey = new Option<string?>("--fleet-key") { Description = "Fleet command-verification public key to pin (SPKI PEM from `kioskctl keys new`, fleet-command.pub.pem). Required with --broker." };
        var broker = new Option<string?>("--broker") { Description = "Fleet broker, mqtts://host:port (or mqtt://). Without it: a bench configuration with the embedded broker and demo backend." };
        var auth = new Option<string>("--auth") { Description = "password (a random per-machine password) or certificate (a P-256 client key and a CSR for the fleet CA; mqtts only).", DefaultValueFactory = _ => "password" };
        var caCert = new Option<string?>("--ca-cert") { Description = "PEM of the CA that signed the broker's certificate (pinned; required with mqtts://)." };
        // Checked with the rest of the request rather than by the parser, so that the error names the flag.
        var protocol = new Option<string>("--validator-protocol") { Description = $"Banknote validator protocol: {string.Join(", ", VendorDefaults.Protocols)}.", DefaultValueFactory = _ => "ssp" };
        var profile = new Option<string>("--printer-profile") { Description = $"Receipt printer profile: {string.Join(", ", PrinterProfiles.All.Select(p => p.Name))}.", DefaultValueFactory = _ => PrinterProfiles.Default.Name };
        var notes = new Option<string>("--notes") { Description = "Banknotes the machine accepts, in rupees.", DefaultValueFactory = _ => "10,20,50,100,200,500" };
        var validatorPort = new Option<string?>("--validator-port") { Description = "Validator port (default: discovered under /dev/serial/by-id, else the vendor default for the protocol)." };
        var printerPort = new Option<string?>("--printer-port") { Description = "Printer port (default: discovered, else the vendor default)." };
        var cardReaderPort = new Option<string?>("--card-reader-port") { Description = "PN532 card reader port (default: discovered, else not fitted)." };
        var simulated = new Option<bool>("--simulated-devices") { Description = "Leave every port empty: the firmware runs its simulated validator and printer (bench and CI)." };
        var sysroot = new Option<string>("--sysroot") { Description = "Read /dev/serial/by-id under this root instead of /.", DefaultValueFactory = _ => "/" };
        var installDir = new Option<string>("--install-dir") { Description = "Where this directory's files live on the machine.", DefaultValueFactory = _ => "/etc/sevakiosk" };
        var dataDir = new Option<string>("--data-dir") { Description = "Journal and state directory on the machine.", DefaultValueFactory = _ => "/var/lib/sevakiosk" };

        var command = new Command("provision", "Create a machine's identity, broker credentials, pinned fleet key, port map and firmware configuration in a new machine directory.")
        {
            machineId, panchayat, block, district, panchayatHindi, blockHindi, districtHindi, output, force, fleetKey, broker, auth, caCert,
            protocol, profile, notes, validatorPort, printerPort, cardReaderPort, simulated, sysroot, installDir, dataDir,
        };
        command.SetAction((result, _) =>
        {
            var error = result.InvocationConfiguration.Error;
            IReadOnlyList<decimal> noteSet;
            try
            {
                noteSet = ProvisionRequest.ParseNotes(result.GetValue(notes)!);
            }
            catch (FormatException ex)
            {
                error.WriteLine($"kioskctl provision: {ex.Message}");
                return Task.FromResult(2);
            }

            var request = new ProvisionRequest
            {
                MachineId = result.GetValue(machineId)!,
                Panchayat = new PlaceName(result.GetValue(panchayat)!, result.GetValue(panchayatHindi)),
                Block = new PlaceName(result.GetValue(block)!, result.GetValue(blockHindi)),
                District = new PlaceName(result.GetValue(district)!, result.GetValue(districtHindi)),
                OutputDirectory = result.GetValue(output)!,
                Force = result.GetValue(force),
                FleetKeyPath = result.GetValue(fleetKey),
                Broker = result.GetValue(broker),
                Auth = result.GetValue(auth)!,
                CaCertificatePath = result.GetValue(caCert),
                ValidatorProtocol = result.GetValue(protocol)!,
                PrinterProfile = result.GetValue(profile)!,
                Notes = noteSet,
                ValidatorPort = result.GetValue(validatorPort),
                PrinterPort = result.GetValue(printerPort),
                CardReaderPort = result.GetValue(cardReaderPort),
                SimulatedDevices = result.GetValue(simulated),
                Sysroot = result.GetValue(sysroot)!,
                InstallDirectory = result.GetValue(installDir)!,
                DataDirectory = result.GetValue(dataDir)!,
            };
            return Task.FromResult(new ProvisionRunner(TimeProvider.System, result.InvocationConfiguration.Output, error).Run(request));
        });
        return command;
    }
}
