using System.Buffers.Binary;
using System.Text;

namespace SevaKiosk.Protocol.Ssp;

/// <summary>One note channel as the device reports it.</summary>
/// <param name="Number">Channel number, 1-based, as used by SET INHIBITS bit positions and event data.</param>
/// <param name="Value">Face value in whole currency units (for INR: rupees).</param>
/// <param name="Currency">ISO 4217 code the device reports for this channel.</param>
/// <param name="Security">Obsolete security level byte (usually 2).</param>
public sealed record SspChannel(int Number, long Value, string Currency, byte Security);

/// <summary>
/// The SETUP REQUEST reply of a banknote validator (GA138 §Setup Request). Channel values and currency always come
/// from here: nothing about the note set is hard-coded in the driver.
/// </summary>
public sealed record SspSetupResponse(
    byte UnitType,
    string FirmwareVersion,
    string Country,
    int ValueMultiplier,
    IReadOnlyList<SspChannel> Channels,
    int RealValueMultiplier,
    int ProtocolVersion)
{
    public const byte BanknoteValidatorUnitType = 0x00;

    /// <summary>Parses the reply data, including the leading OK byte.</summary>
    /// <exception cref="SspDecodeException">The reply is not OK, or shorter than its own channel count says.</exception>
    public static SspSetupResponse Parse(ReadOnlySpan<byte> reply)
    {
        SspDecodeException.ThrowIfNotOk(reply, "SETUP_REQUEST");
        var d = reply[1..];
        Require(d, 12, "header");
        var unitType = d[0];
        if (unitType == 0x03)
        {
            throw new SspDecodeException("SETUP_REQUEST: unit type 0x03 is a SMART Hopper, not a banknote validator.");
        }

        var firmware = Ascii(d.Slice(1, 4));
        var country = Ascii(d.Slice(5, 3));
        var multiplier = (d[8] << 16) | (d[9] << 8) | d[10];
        int n = d[11];
        Require(d, 16 + (2 * n), "channel table");
        var values = d.Slice(12, n);
        var security = d.Slice(12 + n, n);
        var real = (d[12 + (2 * n)] << 16) | (d[13 + (2 * n)] << 8) | d[14 + (2 * n)];
        var protocol = d[15 + (2 * n)];

        var channels = new SspChannel[n];
        if (protocol >= 6)
        {
            Require(d, 16 + (2 * n) + (7 * n), "expanded channel table");
            var currencies = d.Slice(16 + (2 * n), 3 * n);
            var expanded = d.Slice(16 + (5 * n), 4 * n);
            for (var i = 0; i < n; i++)
            {
                channels[i] = new SspChannel(
                    i + 1,
                    BinaryPrimitives.ReadUInt32LittleEndian(expanded.Slice(4 * i, 4)),
                    Ascii(currencies.Slice(3 * i, 3)),
                    security[i]);
            }
        }
        else
        {
            for (var i = 0; i < n; i++)
            {
                channels[i] = new SspChannel(i + 1, (long)values[i] * Math.Max(multiplier, 1), country, security[i]);
            }
        }

        return new SspSetupResponse(unitType, firmware, country, multiplier, channels, real, protocol);
    }

    /// <summary>Writes the reply data (including OK) a device with these fields would send. Used by the simulator.</summary>
    public byte[] Encode()
    {
        var n = Channels.Count;
        var expanded = ProtocolVersion >= 6;
        var buffer = new byte[1 + 16 + (2 * n) + (expanded ? 7 * n : 0)];
        buffer[0] = (byte)SspGenericResponse.Ok;
        var d = buffer.AsSpan(1);
        d[0] = UnitType;
        Encoding.ASCII.GetBytes(FirmwareVersion.PadLeft(4, '0').AsSpan(0, 4), d.Slice(1, 4));
        Encoding.ASCII.GetBytes(Country.AsSpan(0, 3), d.Slice(5, 3));
        WriteU24(d.Slice(8, 3), ValueMultiplier);
        d[11] = (byte)n;
        for (var i = 0; i < n; i++)
        {
            var channel = Channels[i];
            d[12 + i] = ValueMultiplier > 0 && channel.Value / ValueMultiplier <= 255 ? (byte)(channel.Value / ValueMultiplier) : (byte)0;
            d[12 + n + i] = channel.Security;
        }

        WriteU24(d.Slice(12 + (2 * n), 3), RealValueMultiplier);
        d[15 + (2 * n)] = (byte)ProtocolVersion;
        if (expanded)
        {
            for (var i = 0; i < n; i++)
            {
                Encoding.ASCII.GetBytes(Channels[i].Currency.AsSpan(0, 3), d.Slice(16 + (2 * n) + (3 * i), 3));
                BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(16 + (5 * n) + (4 * i), 4), (uint)Channels[i].Value);
            }
        }

        return buffer;
    }

    private static void WriteU24(Span<byte> destination, int value)
    {
        destination[0] = (byte)(value >> 16);
        destination[1] = (byte)(value >> 8);
        destination[2] = (byte)value;
    }

    private static void Require(ReadOnlySpan<byte> data, int length, string part)
    {
        if (data.Length < length)
        {
            throw new SspDecodeException($"SETUP_REQUEST reply too short for its {part}: {data.Length} data bytes, need {length}.");
        }
    }

    private static string Ascii(ReadOnlySpan<byte> bytes) => Encoding.ASCII.GetString(bytes).TrimEnd('\0', ' ');
}
