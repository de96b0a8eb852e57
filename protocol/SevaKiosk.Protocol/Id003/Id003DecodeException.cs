namespace SevaKiosk.Protocol.Id003;

/// <summary>Frame data that does not decode: too short, inconsistent with itself, or out of range.</summary>
public sealed class Id003DecodeException : Exception
{
    public Id003DecodeException()
    {
    }

    public Id003DecodeException(string message)
        : base(message)
    {
    }

    public Id003DecodeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
