using System.Globalization;
using System.Text;

namespace SevaKiosk.Tools.Provision;

/// <summary>
/// <c>machine-card.txt</c>: what a vendor or technician needs on one page: identity, location, broker, fingerprints,
/// ports and what to do next. It names the secrets file but never holds a secret, so it can be printed, mailed and
/// pasted into a ticket.
/// </summary>
internal static class MachineCard
{
    public static string Write(MachineConfigurationInputs inputs)
    {
        var request = inputs.Request;
        var card = new StringBuilder();
        Line(card, $"SevaKiosk machine {request.MachineId}");
        Line(card, $"Location     {Place(request.Panchayat)} panchayat, {Place(request.Block)} block, {Place(request.District)} district");
        Line(card, $"Provisioned  {inputs.ProvisionedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC; configuration {MachineConfiguration.Installed(request, MachineFiles.Configuration)}, data {request.DataDirectory}");
        card.AppendLine();

        WriteBroker(card, inputs);
        card.AppendLine();

        Line(card, "Devices");
        var protocol = VendorDefaults.For(request.ValidatorProtocol);
        WritePort(card, inputs.Ports.Validator, $"{request.ValidatorProtocol} {protocol.Serial}");
        WritePort(card, inputs.Ports.Printer, request.PrinterProfile);
        WritePort(card, inputs.Ports.CardReader, "PN532 HSU");
        foreach (var link in inputs.Ports.Unassigned)
        {
            Line(card, $"  (unused)     {link.Path}{Target(link)}  {link.Kind.Description}");
        }

        Line(card, $"  notes        ₹{string.Join(" ₹", request.Notes.Select(n => n.ToString("0", CultureInfo.InvariantCulture)))}");
        card.AppendLine();

        Line(card, "Next");
        var step = 0;
        foreach (var next in NextSteps(inputs))
        {
            Line(card, $"  {++step}. {next}");
        }

        return card.ToString();
    }

    private static void WriteBroker(StringBuilder card, MachineConfigurationInputs inputs)
    {
        var request = inputs.Request;
        if (request.Broker is null)
        {
            Line(card, "Broker       none: BENCH configuration (embedded broker and demo backend; not for a machine in the field)");
        }
        else
        {
            Line(card, $"Broker       {request.NormalizedBroker}");
        }

        if (inputs.BrokerCa is { } ca)
        {
            Line(card, $"Broker CA    {MachineFiles.BrokerCa}  {ca.Subject}, until {ca.NotAfter.UtcDateTime:yyyy-MM-dd}");
            Line(card, $"             sha256 {ca.Sha256}");
        }

        if (inputs.Password is { } password)
        {
            Line(card, $"Identity     user {password.Username}; password in {MachineFiles.BrokerPassword} (mode 0600, never shown)");
            Line(card, $"             broker password_file line in {MachineFiles.BrokerPasswordLine}");
        }

        if (inputs.ClientKey is { } key)
        {
            Line(card, $"Identity     client key {MachineFiles.ClientKey} (mode 0600), request {MachineFiles.ClientRequest}");
            Line(card, $"             subject {key.Subject.Name}");
            Line(card, $"             public key sha256 {key.PublicKeySha256}");
        }

        if (inputs.FleetKey is { } fleetKey)
        {
            Line(card, $"Fleet key    {MachineFiles.FleetKey}  sha256 {fleetKey.Sha256}");
        }
    }

    private static IEnumerable<string> NextSteps(MachineConfigurationInputs inputs)
    {
        var request = inputs.Request;
        if (inputs.ClientKey is not null)
        {
            yield return $"Have the fleet CA sign {MachineFiles.ClientRequest}; put the certificate in {MachineFiles.ClientCertificate} next to the key (everything else was checked; the firmware will not start without it).";
        }

        if (inputs.Password is not null && request.Broker is not null)
        {
            yield return $"Append {MachineFiles.BrokerPasswordLine} to the broker's password file (Mosquitto; other brokers: create user {inputs.Password.Username}).";
        }

        if (request.Broker is not null && !request.UsesTls)
        {
            yield return "The broker link is plain mqtt://: the password crosses the network in clear. Use mqtts:// in the field.";
        }

        if (request.Panchayat.GivenHindi is null || request.Block.GivenHindi is null || request.District.GivenHindi is null)
        {
            yield return "Hindi place names were not all given: receipts print the English name there (--panchayat-hindi, --block-hindi, --district-hindi).";
        }

        foreach (var port in inputs.Ports.All.Where(p => p.Source == PortSource.VendorDefault))
        {
            yield return $"The {PortMap.Describe(port.Role)} port is the vendor default, not seen on this system: check it with `kioskctl diag {(port.Role == DeviceRole.Validator ? "validator --protocol " + request.ValidatorProtocol : "printer")} --port {port.Path}` on the machine.";
        }

        var secret = inputs.Password is not null ? MachineFiles.BrokerPassword : inputs.ClientKey is not null ? MachineFiles.ClientKey : null;
        yield return $"Install this directory as {request.InstallDirectory} on the machine{(secret is null ? string.Empty : $" ({secret} owned by the kiosk user, mode 0600)")}, or pass {MachineFiles.Configuration} to `kioskctl flash --config`.";
        yield return $"Check it there: `sevakiosk config check --config {MachineConfiguration.Installed(request, MachineFiles.Configuration)}`.";
    }

    private static void WritePort(StringBuilder card, PortAssignment port, string what)
    {
        var name = PortMap.Describe(port.Role).PadRight(12);
        var source = port.Source switch
        {
            PortSource.Discovered => $"found{Detail(port)}",
            PortSource.Override => $"given on the command line{Detail(port)}",
            PortSource.VendorDefault => "VENDOR DEFAULT, not seen on this system: check it",
            PortSource.Simulated => "simulated by the firmware",
            _ => "not fitted",
        };
        Line(card, port.Path is null ? $"  {name} {what}: {source}" : $"  {name} {what}  {port.Path}  ({source})");
    }

    private static string Detail(PortAssignment port) => port.Detail is null ? string.Empty : $": {port.Detail}";

    private static string Target(SerialLink link) => link.Device is null ? string.Empty : $" -> {link.Device}";

    private static string Place(PlaceName name) => name.GivenHindi is null ? name.English : $"{name.English} ({name.GivenHindi})";

    private static void Line(StringBuilder card, string text) => card.Append(text).Append('\n');
}
