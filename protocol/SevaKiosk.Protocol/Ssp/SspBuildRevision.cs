using System.Buffers.Binary;

namespace SevaKiosk.Protocol.Ssp;

/// <summary>One module's entry in the GET BUILD REVISION (0x4F) reply: unit type and revision (u16 little-endian).</summary>
public readonly record struct SspBuildRevision(byte UnitType, ushort Revision)
{
    /// <summary>Encodes the reply (including OK): three bytes per module, the main unit first.</summary>
    public static byte[] Encode(IReadOnlyList<SspBuildRevision> modules)
    {
        var reply = new byte[1 + (3 * modules.Count)];
        reply[0] = (byte)SspGenericResponse.Ok;
        for (var i = 0; i < modules.Count; i++)
        {
            reply[1 + (3 * i)] = modules[i].UnitType;
            BinaryPrimitives.WriteUInt16LittleEndian(reply.AsSpan(2 + (3 * i), 2), modules[i].Revision);
        }

        return reply;
    }

    /// <summary>Decodes the reply (including OK).</summary>
    /// <exception cref="SspDecodeException">Not OK, empty, or not a whole number of 3-byte entries.</exception>
    public static IReadOnlyList<SspBuildRevision> Parse(ReadOnlySpan<byte> reply)
    {
        SspDecodeException.ThrowIfNotOk(reply, "GET_BUILD_REVISION");
        var body = reply[1..];
        if (body.IsEmpty || body.Length % 3 != 0)
        {
            throw new SspDecodeException($"GET_BUILD_REVISION: {body.Length} data bytes is not a whole number of 3-byte module entries.");
        }

        var modules = new SspBuildRevision[body.Length / 3];
        for (var i = 0; i < modules.Length; i++)
        {
            modules[i] = new SspBuildRevision(body[3 * i], BinaryPrimitives.ReadUInt16LittleEndian(body.Slice((3 * i) + 1, 2)));
        }

        return modules;
    }
}
