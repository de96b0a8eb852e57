using System.Collections.Concurrent;
using SevaKiosk.Firmware.Agent.Commands;

namespace SevaKiosk.Mqtt.Testing;

/// <summary>A command target that behaves like a small kiosk: it keeps service mode and configuration and records every call.</summary>
public sealed class RecordingTarget : IKioskCommandTarget
{
    public ConcurrentQueue<string> Calls { get; } = new();

    public bool InService { get; private set; } = true;

    public long ConfigVersion { get; private set; }

    public IReadOnlyDictionary<string, string> Config { get; private set; } = new Dictionary<string, string>();

    public int Reprints { get; private set; }

    public Task<CommandResult> SetOutOfServiceAsync(string reason, CancellationToken cancellationToken)
    {
        Calls.Enqueue("out-of-service:" + reason);
        InService = false;
        return Task.FromResult(CommandResult.Done());
    }

    public Task<CommandResult> SetInServiceAsync(CancellationToken cancellationToken)
    {
        Calls.Enqueue("in-service");
        InService = true;
        return Task.FromResult(CommandResult.Done());
    }

    public Task<CommandResult> ApplyConfigurationAsync(long version, IReadOnlyDictionary<string, string> configuration, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"config:{version}");
        ConfigVersion = version;
        Config = configuration;
        return Task.FromResult(CommandResult.Done());
    }

    public Task<CommandResult> GetStatusAndCountersAsync(CancellationToken cancellationToken)
    {
        Calls.Enqueue("status");
        return Task.FromResult(CommandResult.Done(data: new Dictionary<string, string> { ["cashbox.notes"] = "17", ["inService"] = InService ? "true" : "false" }));
    }

    public Task<CommandResult> ReprintLastReceiptAsync(CancellationToken cancellationToken)
    {
        Calls.Enqueue("reprint");
        Reprints++;
        return Task.FromResult(CommandResult.Done());
    }

    public Task<CommandResult> SelfTestAsync(string device, CancellationToken cancellationToken)
    {
        Calls.Enqueue("self-test:" + device);
        return Task.FromResult(device == "validator" ? CommandResult.Done("validator self-test passed") : CommandResult.Refuse($"no device '{device}'"));
    }

    public Task<CommandResult> RestartAsync(CancellationToken cancellationToken)
    {
        Calls.Enqueue("restart");
        return Task.FromResult(CommandResult.Done("restart scheduled"));
    }

    public Task<CommandResult> CashReportAsync(bool closePeriod, bool print, CancellationToken cancellationToken)
    {
        Calls.Enqueue(closePeriod ? "cash-report:z" : "cash-report:x");
        return Task.FromResult(CommandResult.Done("report"));
    }
}
