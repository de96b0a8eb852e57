namespace SevaKiosk.Tools.Provision;

/// <summary>The request cannot be carried out as given (bad flag, unreadable key, contradicting hardware): exit code 2.</summary>
internal sealed class ProvisionException : Exception
{
    public ProvisionException(string message)
        : base(message)
    {
    }

    public ProvisionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ProvisionException()
    {
    }
}
