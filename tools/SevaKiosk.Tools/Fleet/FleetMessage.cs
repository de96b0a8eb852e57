using SevaKiosk.Protocol.Mqtt;

namespace SevaKiosk.Tools.Fleet;

/// <summary>
/// One contract message as the fleet tools received it. <see cref="ReceivedAt"/> is kioskctl's own clock; a
/// <see cref="Retained"/> message may be old, so only its own stamp says when the machine last spoke.
/// </summary>
internal abstract record FleetMessage(string MachineId, DateTimeOffset ReceivedAt, bool Retained)
{
    /// <summary>
    /// Parses a message on <c>kiosk/v1/&lt;id&gt;/{status,meta,telemetry,faults,state/reported,tx}</c>. False (with a
    /// reason) for other topics, malformed payloads, and payloads whose machine id differs from the topic's.
    /// </summary>
    public static bool TryParse(string topic, ReadOnlySpan<byte> payload, bool retained, DateTimeOffset receivedAt, out FleetMessage? message, out string problem)
    {
        message = null;
        if (!KioskTopics.TryParse(topic, out var machine, out var rest))
        {
            problem = "not a kiosk/v1 topic";
            return false;
        }

        string? error = null;
        message = rest switch
        {
            "status" => Read<StatusMessage>(payload, ref error) is { } s ? new StatusReceived(s, receivedAt, retained) : null,
            "meta" => Read<MetaMessage>(payload, ref error) is { } m ? new MetaReceived(m, receivedAt, retained) : null,
            "telemetry" => Read<TelemetryBatch>(payload, ref error) is { } t ? new TelemetryReceived(t, receivedAt, retained) : null,
            "faults" => Read<FaultMessage>(payload, ref error) is { } f ? new FaultReceived(f, receivedAt, retained) : null,
            "state/reported" => Read<ReportedState>(payload, ref error) is { } r ? new ReportedReceived(r, receivedAt, retained) : null,
            "tx" => Read<TransactionRecord>(payload, ref error) is { } x ? new TransactionReceived(x, receivedAt, retained) : null,
            _ => null,
        };
        if (message is null)
        {
            problem = error ?? $"'{rest}' is not a topic the fleet tools read";
            return false;
        }

        if (message.MachineId != machine)
        {
            problem = $"payload names machine '{message.MachineId}' on {machine}'s topic";
            message = null;
            return false;
        }

        problem = string.Empty;
        return true;
    }

    private static T? Read<T>(ReadOnlySpan<byte> payload, ref string? error)
        where T : class
    {
        KioskJson.TryDeserialize<T>(payload, out var value, out var problem);
        error = problem;
        return value;
    }
}

internal sealed record StatusReceived(StatusMessage Status, DateTimeOffset ReceivedAt, bool Retained) : FleetMessage(Status.MachineId, ReceivedAt, Retained);

internal sealed record MetaReceived(MetaMessage Meta, DateTimeOffset ReceivedAt, bool Retained) : FleetMessage(Meta.MachineId, ReceivedAt, Retained);

internal sealed record TelemetryReceived(TelemetryBatch Batch, DateTimeOffset ReceivedAt, bool Retained) : FleetMessage(Batch.MachineId, ReceivedAt, Retained);

internal sealed record FaultReceived(FaultMessage Fault, DateTimeOffset ReceivedAt, bool Retained) : FleetMessage(Fault.MachineId, ReceivedAt, Retained);

internal sealed record ReportedReceived(ReportedState State, DateTimeOffset ReceivedAt, bool Retained) : FleetMessage(State.MachineId, ReceivedAt, Retained);

internal sealed record TransactionReceived(TransactionRecord Transaction, DateTimeOffset ReceivedAt, bool Retained) : FleetMessage(Transaction.MachineId, ReceivedAt, Retained);
