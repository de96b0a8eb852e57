using SevaKiosk.Hal.Devices;
using UnitsNet;

namespace SevaKiosk.Hal.Sensors;

/// <summary>One set of readings. A value is null when its sensor is missing or disabled.</summary>
public sealed record EnvironmentReading(
    Temperature? Enclosure,
    RelativeHumidity? Humidity,
    Pressure? Pressure,
    Temperature? DewPoint,
    Temperature? Cpu,
    DateTimeOffset At);

public sealed record EnvironmentStatus(DeviceState Device, EnvironmentReading? Last)
{
    public static EnvironmentStatus Initial { get; } = new(DeviceState.Offline, null);
}

public static class EnvironmentFaults
{
    public static readonly FaultDefinition OverTemperature = new(
        "environment.over-temperature", FaultSeverity.Error, RecommendedAction.TechnicianNeeded, ClearsBySelf: true,
        "Enclosure temperature above its limit (fan, filter, sun)");

    public static readonly FaultDefinition CpuOverTemperature = new(
        "environment.cpu-over-temperature", FaultSeverity.Error, RecommendedAction.TechnicianNeeded, ClearsBySelf: true,
        "CPU temperature above its limit");

    public static readonly FaultDefinition CondensationRisk = new(
        "environment.condensation-risk", FaultSeverity.Warning, RecommendedAction.TechnicianNeeded, ClearsBySelf: true,
        "Enclosure close to its dew point: condensation on electronics and notes");

    public static readonly FaultDefinition Bme280Offline = new(
        "environment.bme280.offline", FaultSeverity.Error, RecommendedAction.TechnicianNeeded, ClearsBySelf: true,
        "Enclosure sensor (BME280) not answering");

    public static readonly FaultDefinition CpuSensorUnavailable = new(
        "environment.cpu-sensor.unavailable", FaultSeverity.Warning, RecommendedAction.Configuration, ClearsBySelf: true,
        "CPU thermal zone cannot be read");
}
