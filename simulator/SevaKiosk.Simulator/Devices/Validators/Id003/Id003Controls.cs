using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SevaKiosk.Protocol.Id003;
using SevaKiosk.Simulator.Control;

namespace SevaKiosk.Simulator.Devices.Validators.Id003;

/// <summary>
/// The JSON control commands of the simulated JCM acceptor, one object per line, mapped onto the typed API. The verbs
/// shared with the SSP simulator (insert, jam, cashbox, power, silent, slow, noise, echo, status) take the same shapes
/// and answer the same way; ID-003 adds ticket, failure and pause. See the folder's README for the full list.
/// </summary>
internal static class Id003Controls
{
    private static readonly string[] Verbs = ["insert", "ticket", "jam", "cashbox", "failure", "power", "silent", "slow", "noise", "echo", "pause", "status"];
    private static readonly string[] Modifiers = ["reject", "note", "value"];

    /// <exception cref="SimulatorControlException">Unknown, ambiguous or malformed command.</exception>
    public static JsonObject Apply(Id003SimulatedValidator device, JsonElement command)
    {
        var verb = ControlArguments.Verb(command, Verbs, Modifiers);
        RejectStrayModifiers(command, verb);
        var value = command.GetProperty(verb);
        try
        {
            return verb switch
            {
                "insert" => Insert(device, value, command),
                "ticket" => Inserted(device.InsertTicket(ControlArguments.Text(value, verb, lower: false)), new JsonObject { ["ticket"] = value.GetString() }),
                "jam" => Jam(device, value),
                "cashbox" => Cashbox(device, value),
                "failure" => Failure(device, value),
                "power" => Power(device, value, command),
                "silent" => ControlArguments.Applied(verb, ControlArguments.Bool(value, verb), device.Silence),
                "echo" => ControlArguments.Applied(verb, ControlArguments.Bool(value, verb), device.SetEcho),
                "pause" => ControlArguments.Applied(verb, ControlArguments.Bool(value, verb), device.SetPaused),
                "slow" => ControlArguments.Applied(verb, ControlArguments.Milliseconds(value, verb), ms => device.SetSlowness(TimeSpan.FromMilliseconds(ms))),
                "noise" => ControlArguments.Applied(verb, ControlArguments.Probability(value, verb), device.SetNoise),
                _ => new JsonObject { ["status"] = StatusJson(device) },
            };
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

    /// <summary>The device state as <c>{"status":true}</c> prints it.</summary>
    public static JsonObject StatusJson(Id003SimulatedValidator device)
    {
        var s = device.Snapshot();
        var link = device.LinkActivity;
        var line = device.Line.ToJson();
        line["bytesReceived"] = link.BytesReceived;
        line["bytesSent"] = link.BytesSent;
        return new JsonObject
        {
            ["phase"] = s.Phase.ToString(),
            ["status"] = s.StatusName,
            ["code"] = $"0x{s.Status:X2}",
            ["inhibited"] = s.Inhibited,
            ["note"] = s.NoteValue is { } value
                ? new JsonObject { ["value"] = value, ["position"] = s.NotePosition.ToString()!.ToLowerInvariant() }
                : null,
            ["notesInCashbox"] = s.StackedCount,
            ["cashboxTotal"] = s.StackedTotal,
            ["credited"] = s.CreditedCount,
            ["line"] = line,
        };
    }

    private static JsonObject Insert(Id003SimulatedValidator device, JsonElement value, JsonElement command)
    {
        var amount = ControlArguments.FaceValue(value);

        var reply = new JsonObject { ["value"] = amount };
        if (!command.TryGetProperty("reject", out var reject))
        {
            return Inserted(device.InsertNote(amount), reply);
        }

        // A number is the reject byte itself (113 = 0x71); a string is a reason name, code name or hex byte.
        var code = reject.ValueKind switch
        {
            JsonValueKind.Number => reject.TryGetByte(out var raw) ? raw : throw new SimulatorControlException("'reject' as a number is a byte, 0..255."),
            JsonValueKind.String => Id003RejectReasons.Parse(reject.GetString()!),
            _ => throw new SimulatorControlException("'reject' is a reason name or code, for example \"counterfeit\" or \"0x7D\"."),
        };
        if (code is not { } rejectCode)
        {
            reply["outcome"] = "fraud-attempt";
            return Inserted(device.InsertFraudulentNote(amount), reply);
        }

        reply["outcome"] = "reject";
        reply["rejectCode"] = $"0x{rejectCode:X2}";
        reply["reason"] = Id003RejectCodes.Name(rejectCode);
        return Inserted(device.InsertNote(amount, rejectCode), reply);
    }

    private static JsonObject Inserted(Id003InsertResult result, JsonObject reply)
    {
        reply.Insert(0, "taken", result.Taken);
        if (result.Refusal is { } why)
        {
            reply.Remove("outcome");
            reply["reason"] = why;
        }

        return reply;
    }

    private static JsonObject Jam(Id003SimulatedValidator device, JsonElement value)
    {
        switch (Text(value, "jam"))
        {
            case "acceptor":
                device.Jam(Id003JamLocation.Acceptor);
                break;
            case "stacker":
                device.Jam(Id003JamLocation.Stacker);
                break;
            case "clear":
                device.ClearJam();
                return new JsonObject { ["jam"] = "cleared" };
            default:
                throw new SimulatorControlException("'jam' is \"acceptor\", \"stacker\" or \"clear\".");
        }

        return new JsonObject { ["jam"] = value.GetString() };
    }

    private static JsonObject Cashbox(Id003SimulatedValidator device, JsonElement value)
    {
        Action apply = Text(value, "cashbox") switch
        {
            "removed" => device.RemoveCashbox,
            "replaced" => device.ReplaceCashbox,
            "full" => device.FillCashbox,
            _ => throw new SimulatorControlException("'cashbox' is \"removed\", \"replaced\" or \"full\"."),
        };
        apply();
        return new JsonObject { ["cashbox"] = value.GetString() };
    }

    private static JsonObject Failure(Id003SimulatedValidator device, JsonElement value)
    {
        byte code;
        if (value.ValueKind == JsonValueKind.Number)
        {
            code = value.TryGetByte(out var raw) ? raw : throw new SimulatorControlException("'failure' as a number is a byte, 0..255.");
        }
        else
        {
            var text = Text(value, "failure");
            if (text == "clear")
            {
                device.ClearFailure();
                return new JsonObject { ["failure"] = "cleared" };
            }

            var hex = text.StartsWith("0x", StringComparison.Ordinal) ? text[2..] : text;
            if (!byte.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out code))
            {
                throw new SimulatorControlException($"'failure' is a failure code such as \"A2\" (stack motor) or \"clear\", not '{text}'.");
            }
        }

        device.Fail(code);
        return new JsonObject { ["failure"] = Id003FailureCodes.Name(code), ["code"] = $"0x{code:X2}" };
    }

    private static JsonObject Power(Id003SimulatedValidator device, JsonElement value, JsonElement command)
    {
        switch (Text(value, "power"))
        {
            case "cycle":
                long? noteValue = command.TryGetProperty("value", out var v)
                    ? v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) && n > 0 ? n : throw new SimulatorControlException("'value' is a positive face value.")
                    : null;
                device.PowerCycle(ForcedNote(command), noteValue);
                return new JsonObject { ["power"] = "cycle", ["status"] = device.Snapshot().StatusName };
            case "off":
                device.PowerOff();
                return new JsonObject { ["power"] = "off" };
            case "on":
                device.PowerOn();
                return new JsonObject { ["power"] = "on" };
            default:
                throw new SimulatorControlException("'power' is \"cycle\", \"off\" or \"on\".");
        }
    }

    /// <summary>"acceptor" (or SSP's "front") and "stacker" (or SSP's "cashbox"), so that scripts work for both.</summary>
    private static Id003NotePosition? ForcedNote(JsonElement command) =>
        !command.TryGetProperty("note", out var note) ? null
        : Text(note, "note") switch
        {
            "acceptor" or "front" => Id003NotePosition.Acceptor,
            "stacker" or "cashbox" => Id003NotePosition.Stacker,
            _ => throw new SimulatorControlException("'note' is \"acceptor\" or \"stacker\"."),
        };

    private static void RejectStrayModifiers(JsonElement command, string verb)
    {
        if (command.TryGetProperty("reject", out _) && verb != "insert")
        {
            throw new SimulatorControlException("'reject' goes with 'insert'.");
        }

        var cycling = verb == "power" && command.GetProperty(verb) is { ValueKind: JsonValueKind.String } power && power.GetString() == "cycle";
        if ((command.TryGetProperty("note", out _) || command.TryGetProperty("value", out _)) && !cycling)
        {
            throw new SimulatorControlException("'note' and 'value' go with {\"power\":\"cycle\"}.");
        }
    }

    private static string Text(JsonElement value, string name) => ControlArguments.Text(value, name);
}
