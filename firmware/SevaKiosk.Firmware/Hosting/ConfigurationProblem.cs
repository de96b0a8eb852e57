namespace SevaKiosk.Firmware.Hosting;

/// <summary>A configuration value the firmware cannot run with. <see cref="Key"/> names it, for example <c>Validator:Protocol</c>.</summary>
public sealed class ConfigurationProblem : Exception
{
    public ConfigurationProblem()
    {
    }

    public ConfigurationProblem(string message)
        : base(message)
    {
    }

    public ConfigurationProblem(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ConfigurationProblem(string key, string problem)
        : base($"configuration key {key}: {problem}") => Key = key;

    public string? Key { get; }
}
