using System.Text.Json;
using System.Text.Json.Nodes;

namespace SevaKiosk.Simulator.Control;

/// <summary>
/// Shared parsing of JSON control commands (<c>{"verb":value, "modifier":...}</c>, one verb per line) so that every
/// simulated device answers malformed input with the same wording. Each helper throws
/// <see cref="SimulatorControlException"/>, which <see cref="DeviceControlSession"/> prints as <c>{"ok":false,...}</c>.
/// </summary>
public static class ControlArguments
{
    /// <summary>The single verb of <paramref name="command"/>; any other key must be one of <paramref name="modifiers"/>.</summary>
    public static string Verb(JsonElement command, IReadOnlyCollection<string> verbs, IReadOnlyCollection<string> modifiers)
    {
        ArgumentNullException.ThrowIfNull(verbs);
        ArgumentNullException.ThrowIfNull(modifiers);
        if (command.ValueKind != JsonValueKind.Object)
        {
            throw new SimulatorControlException("A control command must be a JSON object.");
        }

        string? verb = null;
        foreach (var property in command.EnumerateObject())
        {
            if (verbs.Contains(property.Name))
            {
                verb = verb is null
                    ? property.Name
                    : throw new SimulatorControlException($"One command per line: both '{verb}' and '{property.Name}' given.");
            }
            else if (!modifiers.Contains(property.Name))
            {
                throw new SimulatorControlException($"Unknown key '{property.Name}'. Commands: {string.Join(", ", verbs)}.");
            }
        }

        return verb ?? throw new SimulatorControlException($"No command given. Commands: {string.Join(", ", verbs)}.");
    }

    /// <summary>The face value of <c>{"insert":500}</c>: a positive whole number.</summary>
    public static long FaceValue(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var amount) && amount > 0
            ? amount
            : throw new SimulatorControlException("'insert' takes the note's face value as a positive whole number, for example {\"insert\":500}.");

    /// <summary>A string argument, trimmed and lower-cased unless <paramref name="lower"/> is false.</summary>
    public static string Text(JsonElement value, string name, bool lower = true) => value.ValueKind == JsonValueKind.String
        ? lower ? value.GetString()!.Trim().ToLowerInvariant() : value.GetString()!
        : throw new SimulatorControlException($"'{name}' takes a string.");

    public static bool Bool(JsonElement value, string name) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw new SimulatorControlException($"'{name}' takes true or false."),
    };

    /// <summary>Milliseconds between 0 and one hour.</summary>
    public static double Milliseconds(JsonElement value, string name) =>
        value.ValueKind == JsonValueKind.Number && value.GetDouble() is var d && d >= 0 && d <= TimeSpan.FromHours(1).TotalMilliseconds
            ? d
            : throw new SimulatorControlException($"'{name}' takes milliseconds between 0 and 3600000.");

    /// <summary>A probability between 0 and 1 (line noise).</summary>
    public static double Probability(JsonElement value, string name) =>
        value.ValueKind == JsonValueKind.Number && value.GetDouble() is var p && p >= 0 && p <= 1
            ? p
            : throw new SimulatorControlException($"'{name}' takes a rate between 0 and 1, for example 0.001.");

    /// <summary>Applies a setting and answers with it, for example <c>{"silent":true}</c>.</summary>
    public static JsonObject Applied<T>(string name, T value, Action<T> apply)
    {
        ArgumentNullException.ThrowIfNull(apply);
        apply(value);
        return new JsonObject { [name] = JsonValue.Create(value) };
    }
}
