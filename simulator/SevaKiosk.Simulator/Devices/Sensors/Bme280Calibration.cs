namespace SevaKiosk.Simulator.Devices.Sensors;

/// <summary>
/// BME280 trimming parameters (Bosch BME280 data sheet §4.2.2) and the data sheet's floating-point compensation
/// formulas (§8.1), plus their inverses: from a temperature, humidity and pressure to the raw ADC words the chip would
/// report. Written from the data sheet; the simulator never uses the driver's code.
/// </summary>
public sealed record Bme280Calibration(
    ushort T1, short T2, short T3,
    ushort P1, short P2, short P3, short P4, short P5, short P6, short P7, short P8, short P9,
    byte H1, short H2, byte H3, short H4, short H5, sbyte H6)
{
    /// <summary>Trimming values of a production BME280 (the data sheet's worked example for T and P).</summary>
    public static Bme280Calibration Typical { get; } = new(
        27504, 26435, -1000,
        36477, -10685, 3024, 2855, 140, -7, 15500, -14600, 6000,
        75, 362, 0, 313, 50, 30);

    /// <summary>Temperature in °C and t_fine from a 20-bit raw temperature.</summary>
    public (double Celsius, double TFine) CompensateTemperature(int adcT)
    {
        var var1 = ((adcT / 16384.0) - (T1 / 1024.0)) * T2;
        var x = (adcT / 131072.0) - (T1 / 8192.0);
        var var2 = x * x * T3;
        var tFine = var1 + var2;
        return (tFine / 5120.0, tFine);
    }

    /// <summary>Pressure in Pa from a 20-bit raw pressure.</summary>
    public double CompensatePressure(int adcP, double tFine)
    {
        var var1 = (tFine / 2.0) - 64000.0;
        var var2 = var1 * var1 * P6 / 32768.0;
        var2 += var1 * P5 * 2.0;
        var2 = (var2 / 4.0) + (P4 * 65536.0);
        var1 = ((P3 * var1 * var1 / 524288.0) + (P2 * var1)) / 524288.0;
        var1 = (1.0 + (var1 / 32768.0)) * P1;
        if (var1 == 0.0)
        {
            return 0;
        }

        var p = 1048576.0 - adcP;
        p = (p - (var2 / 4096.0)) * 6250.0 / var1;
        var1 = P9 * p * p / 2147483648.0;
        var2 = p * P8 / 32768.0;
        return p + ((var1 + var2 + P7) / 16.0);
    }

    /// <summary>Relative humidity in % (0-100) from a 16-bit raw humidity.</summary>
    public double CompensateHumidity(int adcH, double tFine)
    {
        var h = tFine - 76800.0;
        h = (adcH - ((H4 * 64.0) + (H5 / 16384.0 * h))) * (H2 / 65536.0 * (1.0 + (H6 / 67108864.0 * h * (1.0 + (H3 / 67108864.0 * h)))));
        h *= 1.0 - (H1 * h / 524288.0);
        return Math.Clamp(h, 0.0, 100.0);
    }

    /// <summary>The raw words that compensate closest to the given values (each formula is monotonic, so a binary search finds them).</summary>
    public (int AdcT, int AdcP, int AdcH) RawFor(double celsius, double pascals, double percent)
    {
        var adcT = Search(0, (1 << 20) - 1, a => CompensateTemperature(a).Celsius, celsius, increasing: true);
        var tFine = CompensateTemperature(adcT).TFine;
        var adcP = Search(0, (1 << 20) - 1, a => CompensatePressure(a, tFine), pascals, increasing: false);
        var adcH = Search(0, (1 << 16) - 1, a => CompensateHumidity(a, tFine), percent, increasing: true);
        return (adcT, adcP, adcH);
    }

    /// <summary>The calibration registers 0x88-0xA1 (26 bytes) and 0xE1-0xE7 (7 bytes) as the chip stores them.</summary>
    public (byte[] Block1, byte[] Block2) ToRegisters()
    {
        var b1 = new byte[26];
        void U16(int offset, int value)
        {
            b1[offset] = (byte)value;
            b1[offset + 1] = (byte)(value >> 8);
        }

        U16(0, T1);
        U16(2, T2);
        U16(4, T3);
        U16(6, P1);
        U16(8, P2);
        U16(10, P3);
        U16(12, P4);
        U16(14, P5);
        U16(16, P6);
        U16(18, P7);
        U16(20, P8);
        U16(22, P9);
        b1[25] = H1; // 0xA1 (0xA0 is unused)

        var b2 = new byte[7];
        b2[0] = (byte)H2; // 0xE1/0xE2
        b2[1] = (byte)(H2 >> 8);
        b2[2] = H3; // 0xE3
        b2[3] = (byte)(H4 >> 4); // 0xE4: H4[11:4]
        b2[4] = (byte)((H4 & 0x0F) | ((H5 & 0x0F) << 4)); // 0xE5: H4[3:0], H5[3:0]
        b2[5] = (byte)(H5 >> 4); // 0xE6: H5[11:4]
        b2[6] = (byte)H6; // 0xE7
        return (b1, b2);
    }

    private static int Search(int low, int high, Func<int, double> compensate, double target, bool increasing)
    {
        while (high - low > 1)
        {
            var mid = low + ((high - low) / 2);
            var value = compensate(mid);
            if ((value < target) == increasing)
            {
                low = mid;
            }
            else
            {
                high = mid;
            }
        }

        return Math.Abs(compensate(low) - target) <= Math.Abs(compensate(high) - target) ? low : high;
    }
}
