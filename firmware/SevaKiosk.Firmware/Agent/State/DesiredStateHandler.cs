using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using SevaKiosk.Firmware.Agent.Commands;
using SevaKiosk.Protocol.Mqtt;

namespace SevaKiosk.Firmware.Agent.State;

/// <summary>
/// Applies <c>state/desired</c>: a retained, signed document with a version. It is delivered again at every subscribe,
/// so a version at or below the reported one is silently a no-op; a newer one is applied through the firmware
/// (configuration, then service mode) and reported. A bad signature or foreign machine id changes nothing and is
/// reported as <see cref="ReportedState.LastError"/>.
/// </summary>
internal sealed class DesiredStateHandler : IDisposable
{
    private readonly string _machineId;
    private readonly ECDsa _fleetKey;
    private readonly IKioskCommandTarget _target;
    private readonly ReportedStateKeeper _reported;
    private readonly Func<bool> _outboxFull;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _serial = new(1, 1);

    public DesiredStateHandler(string machineId, ECDsa fleetKey, IKioskCommandTarget target, ReportedStateKeeper reported, Func<bool> outboxFull, ILogger logger)
    {
        _machineId = machineId;
        _fleetKey = fleetKey;
        _target = target;
        _reported = reported;
        _outboxFull = outboxFull;
        _logger = logger;
    }

    public void Dispose() => _serial.Dispose();

    public async Task HandleAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (payload.IsEmpty)
        {
            return; // A cleared retained message.
        }

        if (!KioskJson.TryDeserialize<DesiredState>(payload.Span, out var desired, out var error) || desired is null)
        {
            Reject(0, "malformed desired state: " + error);
            return;
        }

        if (!string.Equals(desired.MachineId, _machineId, StringComparison.Ordinal))
        {
            Reject(desired.Version, $"desired state is for machine {desired.MachineId}");
            return;
        }

        var check = FleetSignature.Verify(desired, _fleetKey);
        if (check != SignatureCheck.Valid)
        {
            Reject(desired.Version, check == SignatureCheck.Missing ? "desired state is unsigned" : "desired state signature does not verify");
            return;
        }

        await _serial.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (desired.Version <= _reported.Current.Version)
            {
                return;
            }

            await ApplyAsync(desired.Version, desired.Config, desired.InService, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _serial.Release();
        }
    }

    /// <summary>Applies configuration (and optionally a service mode) as <paramref name="version"/>; shared with the set-config command.</summary>
    public async Task<CommandResult> ApplyAsync(long version, IReadOnlyDictionary<string, string> config, bool? inService, CancellationToken cancellationToken)
    {
        var result = await _target.ApplyConfigurationAsync(version, config, cancellationToken).ConfigureAwait(false);
        if (!result.Accepted)
        {
            Reject(version, "configuration refused: " + result.Detail);
            return result;
        }

        var service = await ApplyServiceModeAsync(inService, cancellationToken).ConfigureAwait(false);
        _reported.Update(current => current with
        {
            Version = version,
            Config = new Dictionary<string, string>(config, StringComparer.Ordinal),
            InService = service?.InService ?? current.InService,
            OutOfServiceReason = service is null ? current.OutOfServiceReason : service.Reason,
            LastError = service?.Problem,
        });
        AgentLog.DesiredApplied(_logger, version, _reported.Current.InService);
        return result;
    }

    private async Task<ServiceChange?> ApplyServiceModeAsync(bool? inService, CancellationToken cancellationToken)
    {
        if (inService is null || inService == _reported.Current.InService)
        {
            return null;
        }

        if (inService.Value)
        {
            if (_outboxFull())
            {
                return new ServiceChange(false, _reported.Current.OutOfServiceReason, "in-service deferred: the outbox is full");
            }

            var done = await _target.SetInServiceAsync(cancellationToken).ConfigureAwait(false);
            return done.Accepted ? new ServiceChange(true, null, null) : new ServiceChange(false, _reported.Current.OutOfServiceReason, "in-service refused: " + done.Detail);
        }

        var stopped = await _target.SetOutOfServiceAsync("fleet desired state", cancellationToken).ConfigureAwait(false);
        return stopped.Accepted ? new ServiceChange(false, "fleet desired state", null) : new ServiceChange(true, null, "out-of-service refused: " + stopped.Detail);
    }

    private void Reject(long version, string problem)
    {
        AgentLog.DesiredRejected(_logger, version, problem);
        _reported.Update(current => current with { LastError = problem });
    }

    private sealed record ServiceChange(bool InService, string? Reason, string? Problem);
}
