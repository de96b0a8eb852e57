using SevaKiosk.Firmware.Hosting;

namespace SevaKiosk.Tools.Provision;

/// <summary>What a successful provision made.</summary>
internal sealed record ProvisionResult(string Directory, string Card);

/// <summary>
/// Carries out a <see cref="ProvisionRequest"/>: loads the pinned keys, maps the ports, makes the credentials, writes
/// the machine directory in a staging directory beside it, has the firmware's own validation accept the configuration,
/// and only then moves it into place. A failed provision leaves nothing behind and an existing machine directory
/// untouched; secrets never reach the console.
/// </summary>
internal sealed class ProvisionRunner(TimeProvider time, TextWriter output, TextWriter error)
{
    /// <returns>
    /// 0 when provisioned; 2 for a request that cannot be carried out, including one whose configuration the firmware
    /// would refuse; 1 when the file system failed (no space, no permission).
    /// </returns>
    public int Run(ProvisionRequest request)
    {
        try
        {
            var problems = request.Validate();
            if (problems.Count > 0)
            {
                throw new ProvisionException(string.Join(Environment.NewLine + "  ", ["invalid request:", .. problems]));
            }

            var result = Provision(request);
            output.Write(result.Card);
            output.WriteLine();
            output.WriteLine($"Provisioned {request.MachineId} in {result.Directory}");
            return 0;
        }
        catch (ProvisionException ex)
        {
            error.WriteLine($"kioskctl provision: {ex.Message}");
            return 2;
        }
        catch (KioskConfigurationException ex)
        {
            error.WriteLine($"kioskctl provision: the firmware would refuse this configuration: {ex.Message}; nothing was written");
            return 2;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"kioskctl provision: {ex.Message}; no machine directory was made or changed");
            return 1;
        }
    }

    public ProvisionResult Provision(ProvisionRequest request)
    {
        var target = Path.GetFullPath(request.OutputDirectory);
        var replacing = CheckTarget(target, request.Force);
        var fleetKey = request.FleetKeyPath is null ? null : FleetKeyPin.Load(request.FleetKeyPath);
        var brokerCa = request.CaCertificatePath is null ? null : BrokerCaPin.Load(request.CaCertificatePath);
        var ports = PortMap.Plan(request.Ports, PortDiscovery.Read(request.Sysroot));

        var parent = Path.GetDirectoryName(target) ?? throw new ProvisionException($"--out {target} has no parent directory");
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(target)}.provisioning-{Guid.NewGuid():N}");
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(staging);
        }
        else
        {
            // Owner only: the directory holds the client key or the broker password.
            Directory.CreateDirectory(staging, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        try
        {
            var card = WriteMachineDirectory(staging, request, fleetKey, brokerCa, ports);
            MoveIntoPlace(staging, target, replacing);
            return new ProvisionResult(target, card);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    private string WriteMachineDirectory(string directory, ProvisionRequest request, FleetKeyPin? fleetKey, BrokerCaPin? brokerCa, PortMap ports)
    {
        var usePassword = request.Broker is not null && request.AuthKind == MachineAuth.Password;
        var password = usePassword ? MachinePassword.Create(request.MachineId) : null;
        using var clientKey = request.Broker is not null && request.AuthKind == MachineAuth.Certificate
            ? MachineClientKey.Create(request.MachineId, request.Panchayat.English, request.Block.English, request.District.English)
            : null;
        var inputs = new MachineConfigurationInputs(request, fleetKey, brokerCa, password, clientKey, ports, time.GetUtcNow());

        if (password is not null)
        {
            PrivateFile.Write(Path.Combine(directory, MachineFiles.BrokerPassword), password.Password + "\n", PrivateFile.OwnerOnly);
            PrivateFile.Write(Path.Combine(directory, MachineFiles.BrokerPasswordLine), MosquittoPasswordLine.Create(password.Username, password.Password) + "\n", PrivateFile.Readable);
        }

        if (clientKey is not null)
        {
            PrivateFile.Write(Path.Combine(directory, MachineFiles.ClientKey), clientKey.PrivateKeyPem() + "\n", PrivateFile.OwnerOnly);
            PrivateFile.Write(Path.Combine(directory, MachineFiles.ClientRequest), clientKey.RequestPem + "\n", PrivateFile.Readable);
        }

        if (fleetKey is not null)
        {
            PrivateFile.Write(Path.Combine(directory, MachineFiles.FleetKey), fleetKey.Pem + "\n", PrivateFile.Readable);
        }

        if (brokerCa is not null)
        {
            PrivateFile.Write(Path.Combine(directory, MachineFiles.BrokerCa), brokerCa.Pem, PrivateFile.Readable);
        }

        var configuration = Path.Combine(directory, MachineFiles.Configuration);
        PrivateFile.Write(configuration, MachineConfiguration.ToText(MachineConfiguration.Build(inputs)), PrivateFile.Readable);
        MachineConfigurationCheck.Check(directory, request);

        var card = MachineCard.Write(inputs);
        PrivateFile.Write(Path.Combine(directory, MachineFiles.MachineCard), card, PrivateFile.Readable);
        return card;
    }

    /// <returns>True when an existing machine directory is to be replaced.</returns>
    private static bool CheckTarget(string target, bool force)
    {
        if (File.Exists(target))
        {
            throw new ProvisionException($"--out {target} is a file, not a directory");
        }

        if (!Directory.Exists(target) || !Directory.EnumerateFileSystemEntries(target).Any())
        {
            return Directory.Exists(target);
        }

        if (!MachineFiles.Markers.Any(m => File.Exists(Path.Combine(target, m))))
        {
            throw new ProvisionException($"--out {target} exists and is not a machine directory; refusing to touch it (even with --force)");
        }

        if (!force)
        {
            throw new ProvisionException($"--out {target} already holds a provisioned machine; pass --force to replace it (its credentials are lost)");
        }

        return true;
    }

    private static void MoveIntoPlace(string staging, string target, bool replacing)
    {
        if (!replacing)
        {
            Directory.Move(staging, target);
            return;
        }

        // Rename the old one aside first so the target is never half old, half new.
        var old = $"{staging}.replaced";
        Directory.Move(target, old);
        try
        {
            Directory.Move(staging, target);
        }
        catch
        {
            Directory.Move(old, target);
            throw;
        }

        Directory.Delete(old, recursive: true);
    }
}
