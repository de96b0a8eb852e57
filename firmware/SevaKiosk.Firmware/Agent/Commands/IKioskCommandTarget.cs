namespace SevaKiosk.Firmware.Agent.Commands;

/// <summary>
/// What the firmware implements so the agent can carry out verified fleet commands. The agent has already checked the
/// signature, expiry, machine id and replay, and stored the command, before any of these is called; each call answers
/// with a <see cref="CommandResult"/> that becomes the <c>cmd/reply</c>. A method that cannot act now (a citizen is
/// mid-payment, the device is absent) returns <see cref="CommandResult.Refuse"/> and changes nothing.
/// </summary>
public interface IKioskCommandTarget
{
    /// <summary>Stop serving citizens after any session in progress has been settled.</summary>
    Task<CommandResult> SetOutOfServiceAsync(string reason, CancellationToken cancellationToken);

    /// <summary>Serve again. The agent itself refuses this while the outbox is full.</summary>
    Task<CommandResult> SetInServiceAsync(CancellationToken cancellationToken);

    /// <summary>Apply these configuration keys as version <paramref name="version"/> (greater than any applied before).</summary>
    Task<CommandResult> ApplyConfigurationAsync(long version, IReadOnlyDictionary<string, string> configuration, CancellationToken cancellationToken);

    /// <summary>Status and counters (cash-box contents, notes, transactions, device states) as the reply's result.</summary>
    Task<CommandResult> GetStatusAndCountersAsync(CancellationToken cancellationToken);

    Task<CommandResult> ReprintLastReceiptAsync(CancellationToken cancellationToken);

    /// <summary>Run a device's self-test (<c>validator</c>, <c>printer</c>, <c>card-reader</c>, <c>io</c>).</summary>
    Task<CommandResult> SelfTestAsync(string device, CancellationToken cancellationToken);

    /// <summary>
    /// Schedule a restart and return. The reply is already durable in the outbox when this returns, so it is delivered
    /// after the restart if not before.
    /// </summary>
    Task<CommandResult> RestartAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The X report (interim) or, with <paramref name="closePeriod"/>, the Z report that closes the accounting period;
    /// its figures in the result, and printed on the receipt printer when <paramref name="print"/> is set.
    /// </summary>
    Task<CommandResult> CashReportAsync(bool closePeriod, bool print, CancellationToken cancellationToken);

    /// <summary>
    /// Accept an over-the-air update and return at once: the download, install and trial run in the background and
    /// report their outcome as faults and journal events. A machine that cannot update itself refuses.
    /// </summary>
    Task<CommandResult> UpdateFirmwareAsync(FirmwareUpdateRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(CommandResult.Refuse("this firmware does not support over-the-air updates"));
}

/// <summary>The firmware's answer to a command.</summary>
public sealed record CommandResult(bool Accepted, string? Detail = null, IReadOnlyDictionary<string, string>? Data = null)
{
    public static CommandResult Done(string? detail = null, IReadOnlyDictionary<string, string>? data = null) => new(true, detail, data);

    public static CommandResult Refuse(string detail) => new(false, detail);
}
