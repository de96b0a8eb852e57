using System.Text;

namespace SevaKiosk.Protocol.Ssp;

/// <summary>
/// The UNIT DATA (0x0D) reply of a banknote validator: unit type, firmware (4 ASCII), country (3 ASCII), value
/// multiplier (u24 big-endian) and the protocol version in use. A short form of SETUP REQUEST without the channel table.
/// </summary>
public sealed record SspUnitData(byte UnitType, string FirmwareVersion, string Country, int ValueMultiplier, int ProtocolVersion)
{
    private const int Length = 1 + 1 + 4 + 3 + 3 + 1;

    /// <summary>Parses the reply data, including the leading OK byte.</summary>
    /// <exception cref="SspDecodeException">Not OK, or shorter than the fixed layout.</exception>
    public static SspUnitData Parse(ReadOnlySpan<byte> reply)
    {
        SspDecodeException.ThrowIfNotOk(reply, "UNIT_DATA");
        if (reply.Length < Length)
        {
            throw new SspDecodeException($"UNIT_DATA: reply has {reply.Length} bytes, expected {Length}.");
        }

        var d = reply[1..];
        return new SspUnitData(
            d[0],
            Encoding.ASCII.GetString(d.Slice(1, 4)),
            Encoding.ASCII.GetString(d.Slice(5, 3)),
            (d[8] << 16) | (d[9] << 8) | d[10],
            d[11]);
    }

    /// <summary>Writes the reply data (including OK) a device with these fields would send.</summary>
    public byte[] Encode()
    {
        var reply = new byte[Length];
        reply[0] = (byte)SspGenericResponse.Ok;
        reply[1] = UnitType;
        Encoding.ASCII.GetBytes(FirmwareVersion.PadLeft(4, '0').AsSpan(0, 4), reply.AsSpan(2, 4));
        Encoding.ASCII.GetBytes(Country.AsSpan(0, 3), reply.AsSpan(6, 3));
        reply[9] = (byte)(ValueMultiplier >> 16);
        reply[10] = (byte)(ValueMultiplier >> 8);
        reply[11] = (byte)ValueMultiplier;
        reply[12] = (byte)ProtocolVersion;
        return reply;
    }
}
