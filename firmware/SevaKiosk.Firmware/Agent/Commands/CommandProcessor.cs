using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using SevaKiosk.Firmware.Agent.Outbox;
using SevaKiosk.Firmware.Agent.State;
using SevaKiosk.Protocol.Mqtt;

namespace SevaKiosk.Firmware.Agent.Commands;

/// <summary>
/// Handles one <c>cmd</c> message: parse → machine id → signature (pinned fleet key) → issued-at/expiry → known type →
/// store durably (a CmdId already stored is a replay) → acknowledge the MQTT message → carry out → store the outcome and
/// the reply. Exactly one reply per message, queued durably in the outbox; anything rejected before the store changes
/// nothing at all.
/// </summary>
internal sealed class CommandProcessor : IDisposable
{
    private readonly KioskAgentOptions _options;
    private readonly MachineTopics _topics;
    private readonly CommandLog _log;
    private readonly OutboxStore _outbox;
    private readonly IKioskCommandTarget _target;
    private readonly ReportedStateKeeper _reported;
    private readonly DesiredStateHandler _desired;
    private readonly Func<OutboxStatus> _outboxStatus;
    private readonly Func<IReadOnlyDictionary<string, string>> _agentCounters;
    private readonly ECDsa _fleetKey;
    private readonly IMachineClock _clock;
    private readonly TimeProvider _time;
    private readonly Action _wake;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _serial = new(1, 1);

    public CommandProcessor(CommandProcessorParts parts)
    {
        _options = parts.Options;
        _topics = parts.Topics;
        _log = parts.Log;
        _outbox = parts.Outbox;
        _target = parts.Target;
        _reported = parts.Reported;
        _desired = parts.Desired;
        _outboxStatus = parts.OutboxStatus;
        _agentCounters = parts.AgentCounters;
        _fleetKey = parts.FleetKey;
        _clock = parts.Clock;
        _time = parts.Time;
        _wake = parts.Wake;
        _logger = parts.Logger;
    }

    /// <summary>Handles one message; <paramref name="acknowledge"/> sends the MQTT acknowledgement.</summary>
    public void Dispose() => _serial.Dispose();

    public async Task<CommandReply> HandleAsync(byte[] payload, Func<Task> acknowledge, CancellationToken cancellationToken)
    {
        // One command at a time: a replay arriving while the original is being stored must see it stored.
        await _serial.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (command, rejection) = Verify(payload);
            CommandReply reply;
            if (rejection is not null)
            {
                await acknowledge().ConfigureAwait(false);
                reply = rejection;
            }
            else if (!_log.TryStore(command!, payload, _time.GetUtcNow()))
            {
                await acknowledge().ConfigureAwait(false);
                reply = Reject(command!.CmdId, RejectReasons.Replayed, "this command id has been received before");
            }
            else
            {
                await acknowledge().ConfigureAwait(false);
                reply = await ExecuteAsync(command!, cancellationToken).ConfigureAwait(false);
                _log.Complete(command!.CmdId, reply.Outcome, reply.Reason);
            }

            Send(reply);
            AgentLog.CommandHandled(_logger, reply.CmdId ?? "(none)", command?.Type ?? "(unknown)", reply.Outcome.ToString(), reply.Reason);
            return reply;
        }
        finally
        {
            _serial.Release();
        }
    }

    /// <summary>Replies to commands stored before a restart but never finished: their effect is unknown, so they are not re-run.</summary>
    public void ReplyToInterrupted()
    {
        foreach (var cmdId in _log.Unfinished())
        {
            var reply = Reject(cmdId, RejectReasons.Refused, "interrupted: the machine stopped while carrying it out; check the reported state and re-issue");
            _log.Complete(cmdId, reply.Outcome, "interrupted");
            Send(reply);
        }
    }

    private (SignedCommand? Command, CommandReply? Rejection) Verify(byte[] payload)
    {
        if (!KioskJson.TryDeserialize<SignedCommand>(payload, out var command, out var error) || command is null)
        {
            return (null, Reject(TryReadCmdId(payload), RejectReasons.Malformed, error));
        }

        if (string.IsNullOrWhiteSpace(command.CmdId) || command.CmdId.Length > 128)
        {
            return (null, Reject(null, RejectReasons.Malformed, "cmdId must be 1-128 characters"));
        }

        if (!string.Equals(command.MachineId, _topics.MachineId, StringComparison.Ordinal))
        {
            return (null, Reject(command.CmdId, RejectReasons.WrongMachine, $"addressed to {command.MachineId}"));
        }

        switch (FleetSignature.Verify(command, _fleetKey))
        {
            case SignatureCheck.Missing:
                return (null, Reject(command.CmdId, RejectReasons.Unsigned, "commands must be signed by the fleet key"));
            case SignatureCheck.Invalid:
                return (null, Reject(command.CmdId, RejectReasons.BadSignature, "the signature does not verify with the pinned fleet key"));
        }

        var now = _time.GetUtcNow();
        if (now >= command.ExpiresAt)
        {
            return (null, Reject(command.CmdId, RejectReasons.Expired, $"expired at {command.ExpiresAt:O}"));
        }

        if (command.IssuedAt > now + _options.CommandClockSkew || command.ExpiresAt <= command.IssuedAt)
        {
            return (null, Reject(command.CmdId, RejectReasons.NotYetValid, $"issued at {command.IssuedAt:O}, machine time {now:O}"));
        }

        if (!CommandTypes.All.Contains(command.Type, StringComparer.Ordinal))
        {
            return (null, Reject(command.CmdId, RejectReasons.UnknownType, command.Type));
        }

        return (command, null);
    }

    private async Task<CommandReply> ExecuteAsync(SignedCommand command, CancellationToken cancellationToken)
    {
        var args = command.Args;
        switch (command.Type)
        {
            case CommandTypes.OutOfService:
            {
                var reason = args.GetValueOrDefault("reason") ?? "fleet command";
                var result = await _target.SetOutOfServiceAsync(reason, cancellationToken).ConfigureAwait(false);
                if (result.Accepted)
                {
                    _reported.Update(s => s with { InService = false, OutOfServiceReason = reason });
                }

                return FromResult(command, result);
            }

            case CommandTypes.InService:
            {
                if (_outboxStatus().IsFull)
                {
                    return Reject(command.CmdId, RejectReasons.Refused, "the outbox is full: the machine stays out of service until the backend acknowledges its transactions");
                }

                var result = await _target.SetInServiceAsync(cancellationToken).ConfigureAwait(false);
                if (result.Accepted)
                {
                    _reported.Update(s => s with { InService = true, OutOfServiceReason = null });
                }

                return FromResult(command, result);
            }

            case CommandTypes.SetConfig:
            {
                if (!args.TryGetValue("version", out var text) || !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
                {
                    return Reject(command.CmdId, RejectReasons.InvalidArguments, "set-config needs a numeric 'version'");
                }

                if (version <= _reported.Current.Version)
                {
                    return Reject(command.CmdId, RejectReasons.StaleVersion, $"version {version} is not above the applied {_reported.Current.Version}");
                }

                var config = args.Where(a => a.Key != "version").ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);
                var result = await _desired.ApplyAsync(version, config, null, cancellationToken).ConfigureAwait(false);
                return FromResult(command, result, new Dictionary<string, string> { ["version"] = _reported.Current.Version.ToString(CultureInfo.InvariantCulture) });
            }

            case CommandTypes.RequestStatus:
            {
                var result = await _target.GetStatusAndCountersAsync(cancellationToken).ConfigureAwait(false);
                var data = new Dictionary<string, string>(_agentCounters(), StringComparer.Ordinal);
                foreach (var pair in result.Data ?? new Dictionary<string, string>())
                {
                    data[pair.Key] = pair.Value;
                }

                return FromResult(command, result, data);
            }

            case CommandTypes.ReprintLastReceipt:
                return FromResult(command, await _target.ReprintLastReceiptAsync(cancellationToken).ConfigureAwait(false));

            case CommandTypes.SelfTest:
            {
                if (!args.TryGetValue("device", out var device) || string.IsNullOrWhiteSpace(device))
                {
                    return Reject(command.CmdId, RejectReasons.InvalidArguments, "self-test needs a 'device'");
                }

                return FromResult(command, await _target.SelfTestAsync(device, cancellationToken).ConfigureAwait(false));
            }

            case CommandTypes.Restart:
                return FromResult(command, await _target.RestartAsync(cancellationToken).ConfigureAwait(false));

            case CommandTypes.CashReport:
            {
                var kind = args.GetValueOrDefault("kind");
                var print = args.GetValueOrDefault("print") ?? "false";
                if (kind is not ("x" or "z") || print is not ("true" or "false"))
                {
                    return Reject(command.CmdId, RejectReasons.InvalidArguments, "cash-report needs 'kind' x or z and an optional 'print' true or false");
                }

                return FromResult(command, await _target.CashReportAsync(kind == "z", print == "true", cancellationToken).ConfigureAwait(false));
            }

            case CommandTypes.Update:
            {
                if (!FirmwareUpdateRequest.TryParse(command.CmdId, args, out var request, out var problem))
                {
                    return Reject(command.CmdId, RejectReasons.InvalidArguments, problem);
                }

                return FromResult(command, await _target.UpdateFirmwareAsync(request, cancellationToken).ConfigureAwait(false));
            }

            default:
                return Reject(command.CmdId, RejectReasons.UnknownType, command.Type);
        }
    }

    private CommandReply FromResult(SignedCommand command, CommandResult result, IReadOnlyDictionary<string, string>? extra = null) =>
        result.Accepted
            ? new CommandReply
            {
                CmdId = command.CmdId,
                MachineId = _topics.MachineId,
                Outcome = CommandOutcome.Accepted,
                Detail = result.Detail,
                Result = extra ?? result.Data,
                Stamp = _clock.Now(),
            }
            : Reject(command.CmdId, RejectReasons.Refused, result.Detail);

    private CommandReply Reject(string? cmdId, string reason, string? detail) => new()
    {
        CmdId = cmdId,
        MachineId = _topics.MachineId,
        Outcome = CommandOutcome.Rejected,
        Reason = reason,
        Detail = detail,
        Stamp = _clock.Now(),
    };

    private void Send(CommandReply reply)
    {
        _outbox.EnqueueMessage(OutboxStore.ReplyKind, _topics.CommandReply, KioskJson.Serialize(reply), _options.EventCapacity);
        _wake();
    }

    /// <summary>
    /// Best effort: a malformed command may still carry a readable top-level cmdId before the point where it breaks,
    /// which lets the fleet correlate the rejection.
    /// </summary>
    private static string? TryReadCmdId(byte[] payload)
    {
        var reader = new Utf8JsonReader(payload);
        try
        {
            while (reader.Read())
            {
                if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("cmdId"))
                {
                    return reader.Read() && reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
            }
        }
        catch (JsonException)
        {
            // Broken further on than the cmdId, or before it.
        }

        return null;
    }
}

/// <summary>Collaborators of <see cref="CommandProcessor"/>.</summary>
internal sealed record CommandProcessorParts(
    KioskAgentOptions Options,
    MachineTopics Topics,
    CommandLog Log,
    OutboxStore Outbox,
    IKioskCommandTarget Target,
    ReportedStateKeeper Reported,
    DesiredStateHandler Desired,
    Func<OutboxStatus> OutboxStatus,
    Func<IReadOnlyDictionary<string, string>> AgentCounters,
    ECDsa FleetKey,
    IMachineClock Clock,
    TimeProvider Time,
    Action Wake,
    ILogger Logger);
