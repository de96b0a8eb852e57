using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using SevaKiosk.Testing;
using SevaKiosk.Tools;
using SevaKiosk.Tools.Provision;

namespace SevaKiosk.Provision.Tests.Infrastructure;

/// <summary>What one <c>kioskctl provision</c> run printed and returned.</summary>
public sealed record ProvisionOutcome(int Code, string Output, string Error)
{
    public string All => Output + Error;
}

/// <summary>
/// A scratch area for provisioning: a fleet key pair (as <c>kioskctl keys new</c> would make), a fake system root whose
/// <c>/dev/serial/by-id</c> the test fills with symlinks, and <c>kioskctl provision</c> run in-process with its output captured.
/// </summary>
public sealed class ProvisionBench : IDisposable
{
    private readonly TempDirectory _root = new();

    public ProvisionBench()
    {
        FleetKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        FleetKeyPath = Path.Combine(_root.Path, "fleet-command.pub.pem");
        File.WriteAllText(FleetKeyPath, FleetKey.ExportSubjectPublicKeyInfoPem());
        Sysroot = Path.Combine(_root.Path, "sysroot");
        Directory.CreateDirectory(Path.Combine(Sysroot, "dev"));
    }

    public string Root => _root.Path;

    public ECDsa FleetKey { get; }

    public string FleetKeyPath { get; }

    public string Sysroot { get; }

    public string MachineDirectory => Path.Combine(Root, "machines", "RJ-JP-BAS-0001");

    /// <summary>
    /// The least a vendor types for a field machine on a plain broker (plus the fake root), with <paramref name="more"/>
    /// replacing a flag's value when it names one already there (<c>"--broker", "mqtts://..."</c>) or adding it.
    /// </summary>
    public string[] FieldArgs(params string[] more)
    {
        var flags = new List<(string Flag, string? Value)>
        {
            ("--machine-id", "RJ-JP-BAS-0001"), ("--panchayat", "Bassi"), ("--block", "Bassi"), ("--district", "Jaipur"),
            ("--out", MachineDirectory), ("--fleet-key", FleetKeyPath), ("--broker", "mqtt://fleet.example:1883"), ("--sysroot", Sysroot),
        };
        for (var i = 0; i < more.Length; i++)
        {
            var flag = more[i];
            var value = i + 1 < more.Length && !more[i + 1].StartsWith("--", StringComparison.Ordinal) ? more[++i] : null;
            var at = flags.FindIndex(f => f.Flag == flag);
            if (at >= 0)
            {
                flags[at] = (flag, value);
            }
            else
            {
                flags.Add((flag, value));
            }
        }

        return [.. flags.SelectMany(f => f.Value is null ? new[] { f.Flag } : [f.Flag, f.Value])];
    }

    /// <summary><see cref="FieldArgs"/> without the named flags (and their values).</summary>
    public string[] FieldArgsWithout(params string[] flags)
    {
        var args = FieldArgs();
        var kept = new List<string>();
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!flags.Contains(args[i]))
            {
                kept.Add(args[i]);
                kept.Add(args[i + 1]);
            }
        }

        return [.. kept];
    }

    /// <summary>Plugs a device in: <c>/dev/serial/by-id/NAME -> ../../TTY</c> under the fake root.</summary>
    public void Plug(string byIdName, string tty)
    {
        var byId = Path.Combine(Sysroot, "dev", "serial", "by-id");
        Directory.CreateDirectory(byId);
        File.WriteAllText(Path.Combine(Sysroot, "dev", tty), string.Empty);
        File.CreateSymbolicLink(Path.Combine(byId, byIdName), $"../../{tty}");
    }

    public static async Task<ProvisionOutcome> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var root = new RootCommand { ProvisionCommand.Create() };
        var code = await CommandLineRun.InvokeAsync(root, ["provision", .. args], new InvocationConfiguration { Output = output, Error = error });
        return new ProvisionOutcome(code, output.ToString(), error.ToString());
    }

    public JsonObject Configuration(string? directory = null) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(directory ?? MachineDirectory, MachineFiles.Configuration)))!.AsObject();

    public string Password(string? directory = null) =>
        File.ReadAllText(Path.Combine(directory ?? MachineDirectory, MachineFiles.BrokerPassword)).Trim();

    public void Dispose()
    {
        FleetKey.Dispose();
        _root.Dispose();
    }
}
