using System.Text.Json;
using System.Text.Json.Nodes;
using SevaKiosk.Simulator.Control;

namespace SevaKiosk.Simulator.Devices.Validators.Ssp;

/// <summary>
/// The JSON control commands of the simulated SSP validator, one object per line, mapped onto the typed API:
/// <c>{"insert":500}</c>, <c>{"insert":500,"reject":"counterfeit"}</c>, <c>{"jam":"safe"|"unsafe"|"clear"}</c>,
/// <c>{"cashbox":"removed"|"replaced"|"full"}</c>, <c>{"power":"cycle"}</c> (with <c>"note":"front"|"cashbox"</c> to
/// force where a note in the path goes), <c>{"silent":true}</c>, <c>{"slow":250}</c>, <c>{"noise":0.001}</c>,
/// <c>{"echo":true}</c>, <c>{"status":true}</c>.
/// </summary>
public static class SspValidatorControls
{
    private static readonly string[] Verbs = ["insert", "jam", "cashbox", "power", "silent", "slow", "noise", "echo", "status"];
    private static readonly string[] Modifiers = ["reject", "note"];

    /// <exception cref="SimulatorControlException">Unknown, ambiguous or malformed command.</exception>
    public static JsonObject Apply(SimulatedSspValidator device, JsonElement command)
    {
        ArgumentNullException.ThrowIfNull(device);
        var verb = ControlArguments.Verb(command, Verbs, Modifiers);
        var value = command.GetProperty(verb);
        RejectStrayModifiers(command, verb, value);
        try
        {
            return verb switch
            {
                "insert" => Insert(device, value, command),
                "jam" => Jam(device, value, command),
                "cashbox" => Cashbox(device, value),
                "power" => Power(device, value, command),
                "silent" => ControlArguments.Applied(verb, ControlArguments.Bool(value, verb), v => device.Silence(v)),
                "echo" => ControlArguments.Applied(verb, ControlArguments.Bool(value, verb), device.SetEcho),
                "slow" => ControlArguments.Applied(verb, ControlArguments.Milliseconds(value, verb), ms => device.SetSlowness(TimeSpan.FromMilliseconds(ms))),
                "noise" => ControlArguments.Applied(verb, ControlArguments.Probability(value, verb), device.SetNoise),
                _ => new JsonObject { ["status"] = StatusJson(device) },
            };
        }
        catch (InvalidOperationException ex)
        {
            throw new SimulatorControlException(ex.Message, ex);
        }
    }

    /// <summary>The device state as <c>{"status":true}</c> prints it.</summary>
    public static JsonObject StatusJson(SimulatedSspValidator device)
    {
        ArgumentNullException.ThrowIfNull(device);
        var s = device.Status;
        return new JsonObject
        {
            ["booting"] = s.Booting,
            ["enabled"] = s.Enabled,
            ["outOfService"] = s.OutOfService,
            ["outOfServiceReason"] = s.OutOfServiceReason,
            ["protocolVersion"] = s.ProtocolVersion,
            ["enabledChannels"] = new JsonArray([.. s.EnabledChannels.Select(c => JsonValue.Create(c))]),
            ["note"] = s.NotePhase is { } phase
                ? new JsonObject { ["phase"] = phase.ToString().ToLowerInvariant(), ["value"] = s.NoteValue, ["channel"] = s.NoteChannel }
                : null,
            ["jam"] = s.Jam?.ToString().ToLowerInvariant(),
            ["cashbox"] = s.CashboxRemoved ? "removed" : s.StackerFull ? "full" : "present",
            ["notesInCashbox"] = s.NotesInCashbox,
            ["counters"] = new JsonObject
            {
                ["stacked"] = s.Counters.Stacked,
                ["stored"] = s.Counters.Stored,
                ["dispensed"] = s.Counters.Dispensed,
                ["transferred"] = s.Counters.TransferredToStack,
                ["rejected"] = s.Counters.Rejected,
            },
            ["lastRejectCode"] = $"0x{(byte)s.LastRejectCode:X2}",
            ["encryption"] = new JsonObject
            {
                ["required"] = s.EncryptionRequired,
                ["keyNegotiated"] = s.KeyNegotiated,
                ["count"] = s.EncryptionCount,
            },
            ["pendingEvents"] = new JsonArray([.. s.PendingEvents.Select(e => JsonValue.Create(e))]),
            ["awaitingAck"] = s.AwaitingAck,
            ["baud"] = s.BaudRate,
            ["line"] = device.Line.ToJson(),
            ["packets"] = s.Packets,
            ["repeats"] = s.Repeats,
            ["crcErrors"] = device.CrcErrors,
        };
    }

    private static JsonObject Insert(SimulatedSspValidator device, JsonElement value, JsonElement command)
    {
        var amount = ControlArguments.FaceValue(value);

        var outcome = NoteOutcome.Genuine;
        if (command.TryGetProperty("reject", out var reject))
        {
            var name = reject.ValueKind switch
            {
                JsonValueKind.String => reject.GetString()!,
                JsonValueKind.Number => reject.GetRawText(),
                _ => throw new SimulatorControlException("'reject' is a reason name or code, for example \"counterfeit\" or \"0x1C\"."),
            };
            if (!SspNoteRejections.TryParse(name, out outcome))
            {
                throw new SimulatorControlException($"Unknown reject reason '{name}'. Known: {string.Join(", ", SspNoteRejections.Names())}.");
            }
        }

        var result = device.InsertNote(amount, outcome);
        var reply = new JsonObject { ["taken"] = result.Taken, ["value"] = amount, ["channel"] = result.Channel };
        if (result.Refusal is not null)
        {
            reply["reason"] = result.Refusal;
        }
        else if (outcome.Fraud)
        {
            reply["outcome"] = "fraud-attempt";
        }
        else if (outcome.Reject is { } reason)
        {
            reply["outcome"] = "reject";
            reply["rejectCode"] = $"0x{(byte)reason:X2}";
        }
        else if (result.Channel == 0)
        {
            reply["outcome"] = "reject";
            reply["rejectCode"] = $"0x{(byte)SspNoteRejections.NotInDataset:X2}";
            reply["note"] = "value not in the dataset";
        }

        return reply;
    }

    private static JsonObject Jam(SimulatedSspValidator device, JsonElement value, JsonElement command)
    {
        switch (Text(value, "jam"))
        {
            case "safe":
                device.Jam(JamKind.Safe);
                return new JsonObject { ["jam"] = "safe" };
            case "unsafe":
                device.Jam(JamKind.Unsafe);
                return new JsonObject { ["jam"] = "unsafe" };
            case "clear":
                return new JsonObject { ["jam"] = "cleared", ["noteCleared"] = device.ClearJam(Destination(command))?.ToJson() };
            default:
                throw new SimulatorControlException("'jam' is \"safe\", \"unsafe\" or \"clear\".");
        }
    }

    private static JsonObject Cashbox(SimulatedSspValidator device, JsonElement value)
    {
        var action = Text(value, "cashbox") switch
        {
            "removed" => CashboxAction.Removed,
            "replaced" => CashboxAction.Replaced,
            "full" => CashboxAction.Full,
            _ => throw new SimulatorControlException("'cashbox' is \"removed\", \"replaced\" or \"full\"."),
        };
        device.SetCashbox(action);
        return new JsonObject { ["cashbox"] = action.ToString().ToLowerInvariant() };
    }

    private static JsonObject Power(SimulatedSspValidator device, JsonElement value, JsonElement command)
    {
        if (Text(value, "power") != "cycle")
        {
            throw new SimulatorControlException("'power' takes \"cycle\".");
        }

        return new JsonObject { ["power"] = "cycle", ["noteCleared"] = device.PowerCycle(Destination(command))?.ToJson() };
    }

    private static NoteDestination? Destination(JsonElement command) =>
        !command.TryGetProperty("note", out var note) ? null
        : Text(note, "note") switch
        {
            "front" => NoteDestination.Front,
            "cashbox" => NoteDestination.Cashbox,
            _ => throw new SimulatorControlException("'note' is \"front\" or \"cashbox\"."),
        };

    private static void RejectStrayModifiers(JsonElement command, string verb, JsonElement value)
    {
        if (command.TryGetProperty("reject", out _) && verb != "insert")
        {
            throw new SimulatorControlException("'reject' goes with 'insert'.");
        }

        var clearing = verb == "jam" && value.ValueKind == JsonValueKind.String && value.GetString() == "clear";
        if (command.TryGetProperty("note", out _) && verb != "power" && !clearing)
        {
            throw new SimulatorControlException("'note' goes with {\"power\":\"cycle\"} or {\"jam\":\"clear\"}.");
        }
    }

    private static string Text(JsonElement value, string name) => ControlArguments.Text(value, name);
}
