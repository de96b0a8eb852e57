using System.Device.I2c;
using System.Globalization;
using Iot.Device.Bmxx80;
using Iot.Device.Common;
using SevaKiosk.Hal.Devices;
using UnitsNet;

namespace SevaKiosk.Hal.Sensors;

/// <summary>
/// Enclosure climate from a BME280 through the upstream <c>Iot.Device.Bmxx80</c> binding, CPU temperature from the
/// kernel's thermal zone, as UnitsNet quantities. Over-temperature and condensation-risk faults follow the configured
/// thresholds with hysteresis; a missing BME280 is a fault and is looked for again on every poll.
/// </summary>
public sealed class EnvironmentSensor : IEnvironmentSensor
{
    private readonly EnvironmentSensorOptions _options;
    private readonly Func<I2cConnectionSettings, I2cDevice> _openI2c;
    private readonly TimeProvider _time;
    private readonly FaultSet _faults;
    private readonly StatusCell<EnvironmentStatus> _status = new(EnvironmentStatus.Initial);
    private readonly SemaphoreSlim _readLock = new(1, 1);
    private Bme280? _bme280;
    private ITimer? _poller;

    /// <param name="openI2c">Opens the BME280's I2C device; defaults to <see cref="I2cDevice.Create"/> (the SBC's bus).</param>
    public EnvironmentSensor(EnvironmentSensorOptions options, Func<I2cConnectionSettings, I2cDevice>? openI2c = null, TimeProvider? time = null)
    {
        options.Validate();
        _options = options;
        _openI2c = openI2c ?? I2cDevice.Create;
        _time = time ?? TimeProvider.System;
        _faults = new FaultSet(options.Name, _time);
        _status.Changed += (_, e) => StatusChanged?.Invoke(this, e);
        _faults.Raised += (_, e) => FaultRaised?.Invoke(this, e);
        _faults.Cleared += (_, e) => FaultCleared?.Invoke(this, e);
    }

    public event EventHandler<StatusChangedEventArgs<EnvironmentStatus>>? StatusChanged;

    public event EventHandler<DeviceFaultEventArgs>? FaultRaised;

    public event EventHandler<DeviceFaultEventArgs>? FaultCleared;

    public string Name => _options.Name;

    public DeviceClass Class => DeviceClass.EnvironmentSensor;

    public DeviceState State => _status.Current.Device;

    public EnvironmentStatus Status => _status.Current;

    public IReadOnlyList<DeviceFault> ActiveFaults => _faults.Active;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await ReadAsync(cancellationToken).ConfigureAwait(false);
        _poller = _time.CreateTimer(_ => _ = PollAsync(), null, _options.PollInterval, _options.PollInterval);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_poller is not null)
        {
            await _poller.DisposeAsync().ConfigureAwait(false);
            _poller = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _bme280?.Dispose();
        _bme280 = null;
        _readLock.Dispose();
    }

    public async Task<EnvironmentReading> ReadAsync(CancellationToken cancellationToken)
    {
        await _readLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // The binding sleeps for the measurement time; keep that off the caller's thread.
            var reading = await Task.Run(ReadOnce, cancellationToken).ConfigureAwait(false);
            Evaluate(reading);
            return reading;
        }
        finally
        {
            _readLock.Release();
        }
    }

    private async Task PollAsync()
    {
        try
        {
            await ReadAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // Stopped while a poll was due.
        }
    }

    private EnvironmentReading ReadOnce()
    {
        Temperature? enclosure = null;
        RelativeHumidity? humidity = null;
        Pressure? pressure = null;
        if (_options.Bme280.Enabled)
        {
            try
            {
                _bme280 ??= OpenBme280();
                var result = _bme280.Read();
                (enclosure, humidity, pressure) = (result.Temperature, result.Humidity, result.Pressure);
                _faults.Clear(EnvironmentFaults.Bme280Offline.Code);
            }
            catch (IOException ex)
            {
                _bme280?.Dispose();
                _bme280 = null;
                _faults.Raise(EnvironmentFaults.Bme280Offline, $"bus {_options.Bme280.BusId} address 0x{_options.Bme280.Address:X2}: {ex.Message}");
            }
        }

        Temperature? dewPoint = enclosure is { } t && humidity is { } h && h.Percent > 0 ? WeatherHelper.CalculateDewPoint(t, h) : null;
        return new EnvironmentReading(enclosure, humidity, pressure, dewPoint, ReadCpu(), _time.GetUtcNow());
    }

    private Bme280 OpenBme280()
    {
        var device = _openI2c(new I2cConnectionSettings(_options.Bme280.BusId!.Value, _options.Bme280.Address));
        try
        {
            return new Bme280(device)
            {
                TemperatureSampling = Sampling.Standard,
                PressureSampling = Sampling.Standard,
                HumiditySampling = Sampling.Standard,
            };
        }
        catch
        {
            device.Dispose();
            throw;
        }
    }

    private Temperature? ReadCpu()
    {
        if (string.IsNullOrEmpty(_options.CpuThermalPath))
        {
            return null;
        }

        try
        {
            var text = File.ReadAllText(_options.CpuThermalPath).Trim();
            var milli = long.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
            _faults.Clear(EnvironmentFaults.CpuSensorUnavailable.Code);
            return Temperature.FromDegreesCelsius(milli / 1000.0);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or OverflowException)
        {
            _faults.Raise(EnvironmentFaults.CpuSensorUnavailable, $"{_options.CpuThermalPath}: {ex.Message}");
            return null;
        }
    }

    private void Evaluate(EnvironmentReading reading)
    {
        Threshold(EnvironmentFaults.OverTemperature, reading.Enclosure, _options.MaxEnclosureCelsius, "enclosure");
        Threshold(EnvironmentFaults.CpuOverTemperature, reading.Cpu, _options.MaxCpuCelsius, "CPU");

        if (reading.Enclosure is { } t && reading.DewPoint is { } dew)
        {
            var spread = t.DegreesCelsius - dew.DegreesCelsius;
            if (spread < _options.CondensationMarginCelsius)
            {
                _faults.Raise(EnvironmentFaults.CondensationRisk, string.Create(CultureInfo.InvariantCulture, $"{t.DegreesCelsius:F1} °C with dew point {dew.DegreesCelsius:F1} °C"));
            }
            else if (spread >= _options.CondensationMarginCelsius + _options.HysteresisCelsius)
            {
                _faults.Clear(EnvironmentFaults.CondensationRisk.Code);
            }
        }

        var state = _options.Bme280.Enabled && reading.Enclosure is null && _faults.IsActive(EnvironmentFaults.Bme280Offline.Code)
            ? DeviceState.Offline
            : _faults.WorstState() ?? DeviceState.Online;
        _status.Update(_ => new EnvironmentStatus(state, reading));
    }

    private void Threshold(FaultDefinition fault, Temperature? value, double max, string what)
    {
        if (value is not { } t)
        {
            return;
        }

        if (t.DegreesCelsius > max)
        {
            _faults.Raise(fault, string.Create(CultureInfo.InvariantCulture, $"{what} {t.DegreesCelsius:F1} °C above {max:F1} °C"));
        }
        else if (t.DegreesCelsius <= max - _options.HysteresisCelsius)
        {
            _faults.Clear(fault.Code);
        }
    }
}
