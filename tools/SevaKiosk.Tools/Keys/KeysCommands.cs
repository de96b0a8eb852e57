using System.CommandLine;

namespace SevaKiosk.Tools.Keys;

/// <summary><c>kioskctl keys new --out DIR [--force]</c>: the vendor signing key and the fleet command key.</summary>
internal static class KeysCommands
{
    public static Command Create() => new("keys", "Create the vendor's signing keys.") { NewCommand() };

    private static Command NewCommand()
    {
        var output = new Option<string>("--out") { Description = "Folder for the four PEM files.", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace existing keys (machines pinned to the old ones will refuse what the new ones sign)." };
        var command = new Command("new", $"Create the vendor signing key ({SigningKeyFiles.VendorPrivate}, {SigningKeyFiles.VendorPublic}) and the fleet command key ({SigningKeyFiles.FleetPrivate}, {SigningKeyFiles.FleetPublic}): ECDSA P-256, PEM.")
        {
            output, force,
        };
        command.SetAction(result =>
        {
            var stdout = result.InvocationConfiguration.Output;
            try
            {
                foreach (var (path, fingerprint) in SigningKeyFiles.Create(result.GetValue(output)!, result.GetValue(force)))
                {
                    stdout.WriteLine(fingerprint.Length == 0 ? $"{path} (private, 0600)" : $"{path} sha256:{fingerprint}");
                }

                stdout.WriteLine("Keep the private keys off the machines; pin the public keys: vendor-signing.pub.pem with kioskctl flash --vendor-key, fleet-command.pub.pem as Agent:FleetPublicKey.");
                return 0;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                result.InvocationConfiguration.Error.WriteLine("kioskctl keys new: " + ex.Message);
                return 1;
            }
        });
        return command;
    }
}
