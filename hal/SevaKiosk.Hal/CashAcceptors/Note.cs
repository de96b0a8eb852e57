using SevaKiosk.Hal.Devices;

namespace SevaKiosk.Hal.CashAcceptors;

/// <summary>
/// A denomination as the device knows it: its own identifier (SSP channel, ID-003 escrow code, ccTalk bill type) and
/// the value the device's own tables give it. Values are never hard-coded in a driver.
/// </summary>
public sealed record NoteDenomination(int DeviceCode, Money Value, bool Enabled)
{
    public override string ToString() => $"{Value} (code {DeviceCode}{(Enabled ? string.Empty : ", inhibited")})";
}

/// <summary>A physical note the device is handling. <see cref="Value"/> is null when the device could not tell.</summary>
public sealed record Note(int DeviceCode, Money? Value)
{
    public override string ToString() => Value?.ToString() ?? $"unknown note (code {DeviceCode})";
}
