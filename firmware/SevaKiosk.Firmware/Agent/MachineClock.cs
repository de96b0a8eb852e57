using System.Runtime.InteropServices;
using SevaKiosk.Protocol.Mqtt;

namespace SevaKiosk.Firmware.Agent;

/// <summary>Stamps events with boot id, monotonic time since boot, wall time and whether the wall clock is synchronised.</summary>
public interface IMachineClock
{
    string BootId { get; }

    MachineStamp Now();
}

/// <summary>
/// The machine clock on Linux: boot id from <c>/proc/sys/kernel/random/boot_id</c>, monotonic time from the
/// <see cref="TimeProvider"/> timestamp (CLOCK_MONOTONIC for the system provider), wall time from the same provider, and
/// synchronisation from the kernel (<c>adjtimex</c> reports TIME_ERROR while the clock is unsynchronised), which works
/// with systemd-timesyncd, chrony or ntpd alike.
/// </summary>
public sealed partial class SystemMachineClock : IMachineClock
{
    private const int TimeError = 5;
    private readonly TimeProvider _time;
    private readonly Func<bool> _synced;

    public SystemMachineClock(TimeProvider? time = null, string? bootId = null, Func<bool>? clockSynced = null)
    {
        _time = time ?? TimeProvider.System;
        BootId = bootId ?? ReadBootId();
        _synced = clockSynced ?? KernelSaysSynchronised;
    }

    public string BootId { get; }

    public MachineStamp Now() =>
        new(BootId, (long)(_time.GetTimestamp() * 1000.0 / _time.TimestampFrequency), _time.GetUtcNow(), _synced());

    /// <summary>True when the kernel's clock discipline says synchronised; false when unknown.</summary>
    public static bool KernelSaysSynchronised()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        // struct timex is 208 bytes on 64-bit Linux; modes = 0 (first field) only reads.
        var timex = new byte[512];
        try
        {
            var state = Adjtimex(timex);
            return state >= 0 && state != TimeError;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }

    private static string ReadBootId()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
        }
        catch (IOException)
        {
            return "process-" + Guid.NewGuid().ToString("N");
        }
        catch (UnauthorizedAccessException)
        {
            return "process-" + Guid.NewGuid().ToString("N");
        }
    }

    [LibraryImport("libc", EntryPoint = "adjtimex", SetLastError = true)]
    private static partial int Adjtimex([In, Out] byte[] timex);
}
