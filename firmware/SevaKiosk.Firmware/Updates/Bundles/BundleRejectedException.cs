namespace SevaKiosk.Firmware.Updates.Bundles;

/// <summary>A bundle that must not be installed: bad signature, a file that does not match its hash, an unsafe path.</summary>
public sealed class BundleRejectedException : Exception
{
    public BundleRejectedException()
    {
    }

    public BundleRejectedException(string message)
        : base(message)
    {
    }

    public BundleRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
