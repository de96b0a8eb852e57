using Microsoft.Extensions.Logging;

namespace SevaKiosk.Firmware.Agent;

/// <summary>The agent's log lines (source-generated). None of them takes a secret.</summary>
internal static partial class AgentLog
{
    [LoggerMessage(1, LogLevel.Information, "MQTT link to {Broker} down ({Reason}); next attempt in {DelaySeconds:0.0} s")]
    public static partial void LinkDown(ILogger logger, string broker, string reason, double delaySeconds);

    [LoggerMessage(2, LogLevel.Information, "MQTT connected to {Broker} as {MachineId} (epoch {Epoch}, session present {SessionPresent})")]
    public static partial void Connected(ILogger logger, string broker, string machineId, int epoch, bool sessionPresent);

    [LoggerMessage(3, LogLevel.Warning, "Clean disconnect failed ({Reason}); the broker will publish the will")]
    public static partial void GoodbyeFailed(ILogger logger, string reason);

    [LoggerMessage(4, LogLevel.Warning, "Broker refused {Topic} (PUBACK {ReasonCode}); kept for a later attempt")]
    public static partial void PublishRefused(ILogger logger, string topic, string reasonCode);

    [LoggerMessage(5, LogLevel.Warning, "Outbox full: {Pending} transactions await acknowledgement (capacity {Capacity}); the machine must stop taking cash")]
    public static partial void OutboxFull(ILogger logger, long pending, int capacity);

    [LoggerMessage(6, LogLevel.Information, "Outbox below capacity again: {Pending} transactions pending")]
    public static partial void OutboxRelieved(ILogger logger, long pending);

    [LoggerMessage(7, LogLevel.Warning, "Ignored a message on {Topic}: {Problem}")]
    public static partial void IgnoredMessage(ILogger logger, string topic, string problem);

    [LoggerMessage(8, LogLevel.Information, "Command {CmdId} ({Type}) {Outcome} {Reason}")]
    public static partial void CommandHandled(ILogger logger, string cmdId, string type, string outcome, string? reason);

    [LoggerMessage(9, LogLevel.Error, "Outbox pump failed; restarting it")]
    public static partial void PumpFailed(ILogger logger, Exception exception);

    [LoggerMessage(10, LogLevel.Information, "Desired state {Version} applied (in service {InService})")]
    public static partial void DesiredApplied(ILogger logger, long version, bool inService);

    [LoggerMessage(11, LogLevel.Warning, "Desired state {Version} not applied: {Problem}")]
    public static partial void DesiredRejected(ILogger logger, long version, string problem);

    [LoggerMessage(12, LogLevel.Warning, "Payment {TxId}: outcome unknown after posting ({Problem}); querying")]
    public static partial void PaymentUnknown(ILogger logger, string txId, string problem);

    [LoggerMessage(13, LogLevel.Warning, "A telemetry source failed; its samples are left out of this batch")]
    public static partial void TelemetrySourceFailed(ILogger logger, Exception exception);
}
