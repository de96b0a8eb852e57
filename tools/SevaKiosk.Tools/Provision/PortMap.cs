namespace SevaKiosk.Tools.Provision;

/// <summary>One device's port and how it was chosen; <see cref="Path"/> is null when the firmware needs none.</summary>
internal sealed record PortAssignment(DeviceRole Role, string? Path, PortSource Source, string? Detail = null);

/// <summary>What to ask for, per device: an explicit path, or null to discover.</summary>
internal sealed record PortRequest(string ValidatorProtocol, string? Validator, string? Printer, string? CardReader, bool Simulated);

/// <summary>The machine's port map: one assignment per device, and the serial devices that got no role.</summary>
internal sealed record PortMap(PortAssignment Validator, PortAssignment Printer, PortAssignment CardReader, IReadOnlyList<SerialLink> Seen)
{
    public IEnumerable<PortAssignment> All => [Validator, Printer, CardReader];

    /// <summary>Devices present under by-id that no role took (bridges, unknown devices): the technician should look.</summary>
    public IReadOnlyList<SerialLink> Unassigned => [.. Seen.Where(l => All.All(a => a.Path != l.Path))];

    /// <summary>
    /// Overrides win; otherwise the one device of each kind found under by-id; otherwise the vendor default (validator
    /// and printer) or not fitted (card reader). Two candidates for one device, or a validator of another protocol than
    /// the one asked for, are errors: guessing would send cash commands to the wrong device.
    /// </summary>
    /// <exception cref="ProvisionException">The plugged-in devices contradict the request.</exception>
    public static PortMap Plan(PortRequest request, IReadOnlyList<SerialLink> seen)
    {
        if (request.Simulated)
        {
            return new PortMap(
                new(DeviceRole.Validator, null, PortSource.Simulated),
                new(DeviceRole.Printer, null, PortSource.Simulated),
                new(DeviceRole.CardReader, null, PortSource.NotFitted),
                seen);
        }

        var validator = Choose(DeviceRole.Validator, request.Validator, seen, "--validator-port")
            ?? new(DeviceRole.Validator, VendorDefaults.For(request.ValidatorProtocol).Port, PortSource.VendorDefault);
        if (validator.Source == PortSource.Discovered)
        {
            var found = seen.Single(l => l.Path == validator.Path).Kind;
            if (!string.Equals(found.Protocol, request.ValidatorProtocol, StringComparison.Ordinal))
            {
                throw new ProvisionException(
                    $"the validator plugged in ({validator.Path}) is a {found.Description}, but --validator-protocol is {request.ValidatorProtocol}; " +
                    $"pass --validator-protocol {found.Protocol}, or --validator-port if that device is not the validator");
            }
        }

        var printer = Choose(DeviceRole.Printer, request.Printer, seen, "--printer-port")
            ?? new(DeviceRole.Printer, VendorDefaults.PrinterPort, PortSource.VendorDefault);
        var cardReader = Choose(DeviceRole.CardReader, request.CardReader, seen, "--card-reader-port")
            ?? new(DeviceRole.CardReader, null, PortSource.NotFitted);
        var paths = new[] { validator, printer, cardReader }.Where(a => a.Path is not null).GroupBy(a => a.Path, StringComparer.Ordinal);
        foreach (var shared in paths.Where(g => g.Count() > 1))
        {
            throw new ProvisionException($"{shared.Key} is given to more than one device ({string.Join(", ", shared.Select(a => a.Role))})");
        }

        return new PortMap(validator, printer, cardReader, seen);
    }

    private static PortAssignment? Choose(DeviceRole role, string? requested, IReadOnlyList<SerialLink> seen, string flag)
    {
        if (requested is not null)
        {
            return new PortAssignment(role, requested, PortSource.Override, seen.FirstOrDefault(l => l.Path == requested)?.Kind.Description);
        }

        var candidates = seen.Where(l => l.Kind.Role == role).ToList();
        return candidates.Count switch
        {
            0 => null,
            1 => new PortAssignment(role, candidates[0].Path, PortSource.Discovered, candidates[0].Kind.Description),
            _ => throw new ProvisionException(
                $"{candidates.Count} devices look like the {Describe(role)} ({string.Join(", ", candidates.Select(c => c.Name))}); choose one with {flag}"),
        };
    }

    public static string Describe(DeviceRole role) => role switch
    {
        DeviceRole.Validator => "validator",
        DeviceRole.Printer => "printer",
        _ => "card reader",
    };
}
