using System.Buffers.Binary;

namespace SevaKiosk.Protocol.Ssp;

/// <summary>Builders for the data field of SSP commands that carry arguments.</summary>
public static class SspCommands
{
    /// <summary>SET INHIBITS: a little-endian channel bitmask, bit = 1 enables the channel (1-based channel numbers).
    /// Channels not covered are inhibited; the mask is sent with as many bytes as the highest channel needs (at least 2).</summary>
    public static byte[] SetInhibits(IEnumerable<int> enabledChannels)
    {
        uint mask = 0;
        var highest = 0;
        foreach (var channel in enabledChannels)
        {
            if (channel is < 1 or > 24)
            {
                throw new ArgumentOutOfRangeException(nameof(enabledChannels), channel, "SSP channels are numbered 1..24.");
            }

            mask |= 1u << (channel - 1);
            highest = Math.Max(highest, channel);
        }

        var bytes = highest > 16 ? 3 : 2;
        var data = new byte[1 + bytes];
        data[0] = (byte)SspCommand.SetInhibits;
        for (var i = 0; i < bytes; i++)
        {
            data[1 + i] = (byte)(mask >> (8 * i));
        }

        return data;
    }

    /// <summary>Decodes a SET INHIBITS argument back into enabled channel numbers.</summary>
    public static IReadOnlyList<int> EnabledChannels(ReadOnlySpan<byte> maskBytes)
    {
        var channels = new List<int>();
        for (var i = 0; i < maskBytes.Length; i++)
        {
            for (var bit = 0; bit < 8; bit++)
            {
                if ((maskBytes[i] & (1 << bit)) != 0)
                {
                    channels.Add((8 * i) + bit + 1);
                }
            }
        }

        return channels;
    }

    public static byte[] HostProtocolVersion(byte version) => [(byte)SspCommand.HostProtocolVersion, version];

    /// <summary>SET GENERATOR / SET MODULUS / REQUEST KEY EXCHANGE: command byte + u64 little-endian.</summary>
    public static byte[] WithU64(SspCommand command, ulong value)
    {
        var data = new byte[9];
        data[0] = (byte)command;
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(1), value);
        return data;
    }

    public static byte[] SetBaudRate(byte rateCode, bool persist) => [(byte)SspCommand.SetBaudRate, rateCode, persist ? (byte)1 : (byte)0];

    /// <summary>CONFIGURE BEZEL (0x54): colour, volatile (0) or EEPROM (1), and on newer firmware a bezel type byte.</summary>
    public static byte[] ConfigureBezel(byte red, byte green, byte blue, bool persist, byte? bezelType = null) =>
        bezelType is { } type
            ? [(byte)SspCommand.ConfigureBezel, red, green, blue, persist ? (byte)1 : (byte)0, type]
            : [(byte)SspCommand.ConfigureBezel, red, green, blue, persist ? (byte)1 : (byte)0];

    /// <summary>SET FIXED ENCRYPTION KEY (0x60): the new fixed key as u64 little-endian; must itself travel encrypted.</summary>
    public static byte[] SetFixedEncryptionKey(ulong fixedKey) => WithU64(SspCommand.SetFixedEncryptionKey, fixedKey);
}
