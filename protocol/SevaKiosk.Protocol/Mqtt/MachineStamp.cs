namespace SevaKiosk.Protocol.Mqtt;

/// <summary>
/// When something happened on a machine that may have no battery-backed clock. Order events by journal or
/// per-boot sequence, never by <see cref="Wall"/>: the wall clock is only trustworthy when <see cref="ClockSynced"/>
/// is true. The backend corrects unsynchronised times from its receive time and the monotonic delta within a boot.
/// </summary>
/// <param name="BootId">Kernel boot id (<c>/proc/sys/kernel/random/boot_id</c>): changes at every power-up.</param>
/// <param name="MonotonicMs">Milliseconds since boot from a monotonic clock; comparable only within one boot.</param>
/// <param name="Wall">Wall-clock time as the machine believed it.</param>
/// <param name="ClockSynced">True when the wall clock had been synchronised (NTP) at that moment.</param>
public sealed record MachineStamp(string BootId, long MonotonicMs, DateTimeOffset Wall, bool ClockSynced);
