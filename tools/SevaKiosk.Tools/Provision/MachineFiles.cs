namespace SevaKiosk.Tools.Provision;

/// <summary>The names of the files in a machine directory (the same names under the install directory on the machine).</summary>
internal static class MachineFiles
{
    /// <summary>The firmware's configuration (<c>sevakiosk run --config /etc/sevakiosk/kiosk.json</c>).</summary>
    public const string Configuration = "kiosk.json";

    /// <summary>The broker password alone (<c>Agent:PasswordFile</c> names it); mode 0600.</summary>
    public const string BrokerPassword = "broker-password";

    /// <summary>The Mosquitto <c>password_file</c> line for the fleet operator (a salted hash, not the password).</summary>
    public const string BrokerPasswordLine = "broker-passwd.txt";

    public const string ClientKey = "client.key.pem";

    public const string ClientRequest = "client.csr.pem";

    /// <summary>Not written by provision: the certificate the fleet CA returns for <see cref="ClientRequest"/>.</summary>
    public const string ClientCertificate = "client.crt.pem";

    public const string FleetKey = "fleet-command.pub.pem";

    public const string BrokerCa = "broker-ca.pem";

    public const string MachineCard = "machine-card.txt";

    /// <summary>A directory holding one of these (or nothing) may be replaced with <c>--force</c>; any other is never touched.</summary>
    public static IReadOnlyList<string> Markers { get; } = [Configuration, MachineCard];
}
