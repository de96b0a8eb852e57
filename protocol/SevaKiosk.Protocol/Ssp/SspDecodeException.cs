namespace SevaKiosk.Protocol.Ssp;

/// <summary>A reply that does not decode: wrong generic response, too short, or inconsistent with itself.</summary>
public sealed class SspDecodeException : Exception
{
    public SspDecodeException(string message)
        : base(message)
    {
    }

    public SspDecodeException()
    {
    }

    public SspDecodeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The generic response byte of the failed reply, when that is why decoding failed.</summary>
    public byte? GenericResponse { get; init; }

    internal static void ThrowIfNotOk(ReadOnlySpan<byte> reply, string command)
    {
        if (reply.IsEmpty)
        {
            throw new SspDecodeException($"{command}: empty reply.");
        }

        if (reply[0] != (byte)SspGenericResponse.Ok)
        {
            throw new SspDecodeException($"{command}: device answered {SspGenericResponseNames.Of(reply[0])}.") { GenericResponse = reply[0] };
        }
    }
}
