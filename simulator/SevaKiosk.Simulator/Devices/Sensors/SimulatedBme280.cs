using System.Device.I2c;

namespace SevaKiosk.Simulator.Devices.Sensors;

/// <summary>
/// A Bosch BME280 on I2C as an <see cref="I2cDevice"/>: the register map of data sheet §5 (chip id 0x60 at 0xD0, soft
/// reset 0xE0, ctrl_hum 0xF2, status 0xF3, ctrl_meas 0xF4, config 0xF5, data 0xF7-0xFE, calibration 0x88-0xA1 and
/// 0xE1-0xE7) with auto-incrementing reads. A write to ctrl_meas in forced mode takes one measurement of the
/// environment set with <see cref="SetEnvironment"/> and returns to sleep; normal mode measures on every data read.
/// Values come back through the chip's own compensation, so a driver computes what was set, within the sensor's
/// resolution (0.01 °C, about 0.2 Pa, about 0.002 %RH for this calibration).
/// </summary>
public sealed class SimulatedBme280 : I2cDevice
{
    public const byte ChipId = 0x60;

    private readonly object _gate = new();
    private readonly byte[] _registers = new byte[256];
    private readonly Bme280Calibration _calibration;
    private byte _pointer;
    private double _celsius = 25.0;
    private double _pascals = 101_325.0;
    private double _percent = 40.0;

    public SimulatedBme280(I2cConnectionSettings? settings = null, Bme280Calibration? calibration = null)
    {
        ConnectionSettings = settings ?? new I2cConnectionSettings(1, 0x76);
        _calibration = calibration ?? Bme280Calibration.Typical;
        PowerOnReset();
    }

    public override I2cConnectionSettings ConnectionSettings { get; }

    /// <summary>When true the chip does not acknowledge its address: every transfer fails as on an unplugged sensor.</summary>
    public bool Absent { get; set; }

    /// <summary>Number of measurements taken (forced or normal mode).</summary>
    public int Measurements { get; private set; }

    /// <summary>Sets what the sensor will measure next.</summary>
    public void SetEnvironment(double celsius, double relativeHumidityPercent, double pascals)
    {
        lock (_gate)
        {
            _celsius = celsius;
            _percent = relativeHumidityPercent;
            _pascals = pascals;
        }
    }

    public override void Read(Span<byte> buffer)
    {
        lock (_gate)
        {
            ThrowIfAbsent();
            if (Mode == 0b11 && _pointer >= 0xF7)
            {
                Measure();
            }

            for (var i = 0; i < buffer.Length; i++)
            {
                buffer[i] = _registers[_pointer];
                _pointer++;
            }
        }
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        lock (_gate)
        {
            ThrowIfAbsent();
            if (buffer.IsEmpty)
            {
                return;
            }

            // First byte sets the register pointer; then (register, value) pairs as in data sheet §6.2.1.
            _pointer = buffer[0];
            if (buffer.Length >= 2)
            {
                WriteRegister(buffer[0], buffer[1]);
                for (var i = 2; i + 1 < buffer.Length; i += 2)
                {
                    WriteRegister(buffer[i], buffer[i + 1]);
                }
            }
        }
    }

    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        Write(writeBuffer);
        Read(readBuffer);
    }

    private int Mode => _registers[0xF4] & 0b11;

    private void WriteRegister(byte register, byte value)
    {
        switch (register)
        {
            case 0xE0 when value == 0xB6:
                PowerOnReset();
                break;
            case 0xF2:
                _registers[0xF2] = (byte)(value & 0x07);
                break;
            case 0xF4:
                _registers[0xF4] = value;
                if ((value & 0b11) is 0b01 or 0b10)
                {
                    // Forced mode: one measurement, then back to sleep.
                    Measure();
                    _registers[0xF4] = (byte)(value & 0xFC);
                }

                break;
            case 0xF5:
                _registers[0xF5] = (byte)(value & 0xFD);
                break;
        }
    }

    private void Measure()
    {
        Measurements++;
        var (adcT, adcP, adcH) = _calibration.RawFor(_celsius, _pascals, _percent);

        // Skipped measurements read back their reset values (0x80000 / 0x8000).
        var osrsT = (_registers[0xF4] >> 5) & 0x07;
        var osrsP = (_registers[0xF4] >> 2) & 0x07;
        var osrsH = _registers[0xF2] & 0x07;
        Put20(0xFA, osrsT == 0 ? 0x80000 : adcT);
        Put20(0xF7, osrsP == 0 ? 0x80000 : adcP);
        var h = osrsH == 0 ? 0x8000 : adcH;
        _registers[0xFD] = (byte)(h >> 8);
        _registers[0xFE] = (byte)h;
    }

    private void Put20(int register, int value)
    {
        _registers[register] = (byte)(value >> 12);
        _registers[register + 1] = (byte)(value >> 4);
        _registers[register + 2] = (byte)((value & 0x0F) << 4);
    }

    private void PowerOnReset()
    {
        Array.Clear(_registers);
        _registers[0xD0] = ChipId;
        var (block1, block2) = _calibration.ToRegisters();
        block1.CopyTo(_registers, 0x88);
        block2.CopyTo(_registers, 0xE1);
        Put20(0xFA, 0x80000);
        Put20(0xF7, 0x80000);
        _registers[0xFD] = 0x80;
    }

    private void ThrowIfAbsent()
    {
        if (Absent)
        {
            throw new IOException($"No acknowledge from I2C address 0x{ConnectionSettings.DeviceAddress:X2} on bus {ConnectionSettings.BusId}.");
        }
    }
}
