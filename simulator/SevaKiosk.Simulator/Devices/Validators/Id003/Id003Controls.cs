using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SevaKiosk.Protocol.Id003;
using SevaKiosk.Simulator.Control;

namespace SevaKiosk.Simulator.Devices.Validators.Id003;

/// <summary>Maps the JSON control commands of <c>sevakiosk-sim device validator --protocol id003</c> onto the typed API.</summary>
internal static class Id003Controls
{
    private const string Known = "insert, ticket, jam, cashbox, failure, power, silent, slow, noise, echo, pause, status";

    public static JsonObject? Apply(Id003SimulatedValidator device, JsonElement command)
    {
        try
        {
            return Dispatch(device, command);
        }
        catch (InvalidOperationException ex)
        {
            throw new SimulatorControlException(ex.Message, ex);
        }
        catch (ArgumentException ex)
        {
            throw new SimulatorControlException(ex.Message, ex);
        }
    }

    private static JsonObject? Dispatch(Id003SimulatedValidator device, JsonElement command)
    {
        if (command.TryGetProperty("insert", out var insert))
        {
            var value = RequireLong(insert, "insert");
            if (!command.TryGetProperty("reject", out var reject))
            {
                device.InsertNote(value);
                return null;
            }

            // A number is the reject byte itself (113 = 0x71); a string is a reason name, code name or hex byte.
            var code = reject.ValueKind == JsonValueKind.Number
                ? RequireByte(reject, "reject")
                : Id003RejectReasons.Parse(RequireString(reject, "reject"));
            if (code is { } rejectCode)
            {
                device.InsertNote(value, rejectCode);
                return new JsonObject { ["reject"] = Id003RejectCodes.Name(rejectCode), ["code"] = $"0x{rejectCode:X2}" };
            }

            device.InsertFraudulentNote(value);
            return new JsonObject { ["status"] = Id003Names.Status((byte)Id003Status.Cheated) };
        }

        if (command.TryGetProperty("ticket", out var ticket))
        {
            device.InsertTicket(RequireString(ticket, "ticket"));
            return null;
        }

        if (command.TryGetProperty("jam", out var jam))
        {
            switch (RequireString(jam, "jam"))
            {
                case "acceptor": device.Jam(Id003JamLocation.Acceptor); break;
                case "stacker": device.Jam(Id003JamLocation.Stacker); break;
                case "clear": device.ClearJam(); break;
                default: throw new SimulatorControlException("jam is \"acceptor\", \"stacker\" or \"clear\".");
            }

            return null;
        }

        if (command.TryGetProperty("cashbox", out var cashbox))
        {
            switch (RequireString(cashbox, "cashbox"))
            {
                case "removed": device.RemoveCashbox(); break;
                case "replaced": device.ReplaceCashbox(); break;
                case "full": device.FillCashbox(); break;
                default: throw new SimulatorControlException("cashbox is \"removed\", \"replaced\" or \"full\".");
            }

            return null;
        }

        if (command.TryGetProperty("failure", out var failure))
        {
            if (failure.ValueKind == JsonValueKind.Number)
            {
                var raw = RequireByte(failure, "failure");
                device.Fail(raw);
                return new JsonObject { ["failure"] = Id003FailureCodes.Name(raw) };
            }

            var text = RequireString(failure, "failure");
            if (text == "clear")
            {
                device.ClearFailure();
                return null;
            }

            var hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
            if (!byte.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
            {
                throw new SimulatorControlException($"failure is a failure code such as \"A2\" (stack motor) or \"clear\", not '{text}'.");
            }

            device.Fail(code);
            return new JsonObject { ["failure"] = Id003FailureCodes.Name(code) };
        }

        if (command.TryGetProperty("power", out var power))
        {
            switch (RequireString(power, "power"))
            {
                case "cycle":
                    device.PowerCycle(ForcedNote(command), command.TryGetProperty("value", out var v) ? RequireLong(v, "value") : null);
                    return new JsonObject { ["status"] = device.Snapshot().StatusName };
                case "off": device.PowerOff(); return null;
                case "on": device.PowerOn(); return null;
                default: throw new SimulatorControlException("power is \"cycle\", \"off\" or \"on\".");
            }
        }

        if (command.TryGetProperty("silent", out var silent))
        {
            device.Silent = RequireBool(silent, "silent");
            return null;
        }

        if (command.TryGetProperty("slow", out var slow))
        {
            var ms = RequireLong(slow, "slow");
            if (ms < 0)
            {
                throw new SimulatorControlException("slow is extra milliseconds before each reply, 0 or more.");
            }

            device.ExtraDelay = TimeSpan.FromMilliseconds(ms);
            return null;
        }

        if (command.TryGetProperty("noise", out var noise))
        {
            if (noise.ValueKind != JsonValueKind.Number)
            {
                throw new SimulatorControlException("noise is a probability per byte, for example 0.001.");
            }

            device.SetNoise(noise.GetDouble(), command.TryGetProperty("seed", out var seed) ? (int)RequireLong(seed, "seed") : null);
            return null;
        }

        if (command.TryGetProperty("echo", out var echo))
        {
            device.Echo = RequireBool(echo, "echo");
            return null;
        }

        if (command.TryGetProperty("pause", out var pause))
        {
            device.SetPaused(RequireBool(pause, "pause"));
            return null;
        }

        if (command.TryGetProperty("status", out _))
        {
            return Status(device);
        }

        throw new SimulatorControlException($"Unknown command. The id003 validator knows: {Known}.");
    }

    private static Id003NotePosition? ForcedNote(JsonElement command)
    {
        if (!command.TryGetProperty("note", out var note))
        {
            return null;
        }

        return RequireString(note, "note") switch
        {
            "acceptor" => Id003NotePosition.Acceptor,
            "stacker" => Id003NotePosition.Stacker,
            _ => throw new SimulatorControlException("note is \"acceptor\" or \"stacker\"."),
        };
    }

    private static JsonObject Status(Id003SimulatedValidator device)
    {
        var s = device.Snapshot();
        var status = new JsonObject
        {
            ["phase"] = s.Phase.ToString(),
            ["status"] = s.StatusName,
            ["code"] = $"0x{s.Status:X2}",
            ["inhibited"] = s.Inhibited,
            ["stacked"] = new JsonObject { ["count"] = s.StackedCount, ["total"] = s.StackedTotal },
            ["credited"] = s.CreditedCount,
            ["silent"] = device.Silent,
            ["echo"] = device.Echo,
            ["slowMs"] = device.ExtraDelay.TotalMilliseconds,
            ["noise"] = device.NoiseRate,
        };
        if (s.NoteValue is { } value)
        {
            status["note"] = new JsonObject { ["value"] = value, ["position"] = s.NotePosition.ToString()!.ToLowerInvariant() };
        }

        return status;
    }

    private static long RequireLong(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var v)
            ? v
            : throw new SimulatorControlException($"{name} must be a whole number.");

    private static byte RequireByte(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetByte(out var v)
            ? v
            : throw new SimulatorControlException($"{name} as a number must be a byte, 0..255.");

    private static string RequireString(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.String ? e.GetString()! : throw new SimulatorControlException($"{name} must be a string.");

    private static bool RequireBool(JsonElement e, string name) =>
        e.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? e.GetBoolean()
            : throw new SimulatorControlException($"{name} must be true or false.");
}
