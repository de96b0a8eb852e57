using System.Text.Json;
using System.Text.Json.Nodes;
using SevaKiosk.Simulator.Control;

namespace SevaKiosk.Simulator.Devices.Validators.CcTalk;

/// <summary>Maps the JSON control commands onto <see cref="CcTalkValidatorSimulator"/>'s typed API.</summary>
internal static class CcTalkValidatorControl
{
    private static readonly string[] Verbs = ["insert", "jam", "cashbox", "power", "silent", "slow", "noise", "echo", "burst", "status"];

    public static JsonObject? Apply(CcTalkValidatorSimulator device, JsonElement command)
    {
        var verbs = command.EnumerateObject().Where(p => Verbs.Contains(p.Name)).ToList();
        var extras = command.EnumerateObject().Select(p => p.Name).Where(n => !Verbs.Contains(n) && n != "reject").ToList();
        if (verbs.Count != 1 || extras.Count > 0)
        {
            throw new SimulatorControlException(
                $"expected exactly one of {string.Join(", ", Verbs)}" + (extras.Count > 0 ? $"; unknown: {string.Join(", ", extras)}" : string.Empty));
        }

        var verb = verbs[0];
        var value = verb.Value;
        switch (verb.Name)
        {
            case "insert":
                return device.Insert(Number(value, "insert"), Reject(command));
            case "jam":
                device.Jam(Choice(value, "jam", ("safe", CcTalkJam.Safe), ("unsafe", CcTalkJam.Unsafe), ("stacker", CcTalkJam.Stacker), ("clear", CcTalkJam.None)));
                return null;
            case "cashbox":
                device.Cashbox(Choice(value, "cashbox", ("removed", CcTalkCashboxAction.Removed), ("replaced", CcTalkCashboxAction.Replaced), ("full", CcTalkCashboxAction.Full)));
                return null;
            case "power":
                Choice(value, "power", ("cycle", true));
                device.PowerCycle();
                return null;
            case "silent":
                device.Silent = Flag(value, "silent");
                return null;
            case "slow":
                var ms = Number(value, "slow");
                device.ReplyDelay = ms >= 0 ? TimeSpan.FromMilliseconds((double)ms) : throw new SimulatorControlException("slow is a delay in milliseconds ≥ 0");
                return null;
            case "noise":
                var p = Number(value, "noise");
                device.Noise = p is >= 0 and <= 1 ? (double)p : throw new SimulatorControlException("noise is a probability per byte, 0..1");
                return null;
            case "echo":
                device.Echo = Flag(value, "echo");
                return null;
            case "burst":
                var count = Number(value, "burst");
                device.Burst(count is >= 0 and <= 255 && count == decimal.Truncate(count) ? (int)count : throw new SimulatorControlException("burst is a count of events 0..255"));
                return null;
            default:
                return device.Status();
        }
    }

    private static CcTalkRejectReason? Reject(JsonElement command)
    {
        if (!command.TryGetProperty("reject", out var reject))
        {
            return null;
        }

        return Choice(reject, "reject",
            ("counterfeit", CcTalkRejectReason.Counterfeit),
            ("transport", CcTalkRejectReason.Transport),
            ("fraud", CcTalkRejectReason.Fraud),
            ("tamper", CcTalkRejectReason.Tamper),
            ("opto", CcTalkRejectReason.Opto),
            ("string", CcTalkRejectReason.String));
    }

    private static decimal Number(JsonElement value, string name) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var number)
            ? number
            : throw new SimulatorControlException($"{name} takes a number");

    private static bool Flag(JsonElement value, string name) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw new SimulatorControlException($"{name} takes true or false"),
    };

    private static T Choice<T>(JsonElement value, string name, params (string Word, T Value)[] choices)
    {
        var text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        foreach (var (word, result) in choices)
        {
            if (string.Equals(word, text, StringComparison.Ordinal))
            {
                return result;
            }
        }

        throw new SimulatorControlException($"{name} takes one of {string.Join(", ", choices.Select(c => $"\"{c.Word}\""))}");
    }
}
