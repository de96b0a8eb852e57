using System.Text.Json;
using System.Text.Json.Nodes;
using SevaKiosk.Firmware.Agent;

namespace SevaKiosk.Tools.Provision;

/// <summary>The firmware refused a configuration provision wrote; <see cref="Key"/> is the offending configuration key.</summary>
internal sealed class MachineConfigurationRejectedException : Exception
{
    public MachineConfigurationRejectedException(string key, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Key = key;
    }

    public MachineConfigurationRejectedException()
    {
        Key = string.Empty;
    }

    public MachineConfigurationRejectedException(string message)
        : base(message)
    {
        Key = string.Empty;
    }

    public MachineConfigurationRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Key = string.Empty;
    }

    public string Key { get; }
}

/// <summary>Runs the firmware's validation over a machine directory's configuration, secrets layered on top, as the machine will.</summary>
internal static class MachineConfigurationCheck
{
    private static readonly JsonSerializerOptions Binding = new() { PropertyNameCaseInsensitive = true };

    /// <exception cref="MachineConfigurationRejectedException">The firmware would not start with it.</exception>
    public static void Check(string directory, ProvisionRequest request)
    {
        _ = request;
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(directory, MachineFiles.Configuration)))!.AsObject();
        var agent = root["Agent"]!.AsObject().DeepClone().AsObject();
        var secrets = Path.Combine(directory, MachineFiles.Secrets);
        if (File.Exists(secrets) && JsonNode.Parse(File.ReadAllText(secrets))?["Agent"] is JsonObject secretAgent)
        {
            foreach (var (key, value) in secretAgent)
            {
                agent[key] = value?.DeepClone();
            }
        }

        var options = agent.Deserialize<KioskAgentOptions>(Binding)!;
        options.MachineId = root["Kiosk"]!["MachineId"]!.GetValue<string>();
        if (string.IsNullOrEmpty(options.Broker))
        {
            return;
        }

        var problems = options.Validate();
        if (problems.Count > 0)
        {
            var first = problems[0];
            throw new MachineConfigurationRejectedException(first.Split(' ')[0], first);
        }
    }
}
